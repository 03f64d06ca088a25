package dev.simdnn.simd.losses;

import dev.simdnn.kernel.Losses;
import dev.simdnn.simd.Lanes;
import dev.simdnn.simd.SimdConfig;
import dev.simdnn.simd.gemm.Blocking;
import dev.simdnn.simd.math.RowReductions;
import dev.simdnn.simd.math.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static dev.simdnn.simd.SimdConfig.FMA;

/**
 * The Vector API {@link Losses}: each loss one vectorised pass (masked tails, a fixed-order lane
 * sum from {@link Lanes}), its gradient written in the same pass. Thread-safe (the BCE scratch
 * buffer is per thread).
 */
public final class SimdLosses implements Losses {
    /** The one instance; the class has no state. */
    public static final SimdLosses INSTANCE = new SimdLosses();

    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = S.length();

    private SimdLosses() {
    }

    @Override
    public float softmaxCrossEntropy(int rows, int cols, float labelSmoothing, float[] logits, int logitsOffset,
                                     float[] labels, int labelsOffset, float[] grad, int gradOffset) {
        double total = 0;
        float invRows = 1f / rows;
        double eps = labelSmoothing;
        float smooth = (float) (eps / cols / rows);
        float labelWeight = (float) ((1 - eps) / rows);
        for (int r = 0; r < rows; r++) {
            int lr = logitsOffset + r * cols;
            int label = (int) labels[labelsOffset + r];
            // Subtract the row max before exp: no overflow for logits of any magnitude.
            float max = RowReductions.max(cols, logits, lr);
            float labelLogit = logits[lr + label];
            float sumExp = RowReductions.sumExpShifted(cols, logits, lr, max);
            // -Σ q_j log p_j = lse - (1-ε)·z_y - (ε/cols)·Σ z_j, all relative to the row max
            double shiftedSum = eps == 0 ? 0 : RowReductions.sumShifted(cols, logits, lr, max);
            total += Math.log(sumExp) - (1 - eps) * (labelLogit - max) - eps / cols * shiftedSum;
            if (grad != null) {
                // p_j = exp(z_j - max) / Σ; grad = (p - onehot) / rows. Dividing by Σ (rather than
                // subtracting log Σ inside exp) keeps the exponent's rounding error at |z_j - max|·u.
                float scale = invRows / sumExp;
                int gr = gradOffset + r * cols;
                for (int j = 0; j < cols; j += L) {
                    VectorMask<Float> m = S.indexInRange(j, cols);
                    FloatVector p = VectorMath.exp(FloatVector.fromArray(S, logits, lr + j, m).sub(max)).mul(scale).sub(smooth);
                    // flushed to zero below 2^-126, written out here: a helper taking the vector
                    // was not inlined in this loop and boxed it
                    p.blend(0f, p.abs().compare(VectorOperators.LT, Float.MIN_NORMAL)).intoArray(grad, gr + j, m);
                }
                grad[gr + label] -= labelWeight;
            }
        }
        return (float) (total / rows);
    }

    @Override
    public float meanSquaredError(int n, float[] pred, int predOffset, float[] target, int targetOffset,
                                  float[] grad, int gradOffset) {
        float scale = 2f / n;
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector d = FloatVector.fromArray(S, pred, predOffset + i).sub(FloatVector.fromArray(S, target, targetOffset + i));
            acc = FMA ? d.fma(d, acc) : d.mul(d).add(acc);
            if (grad != null) {
                d.mul(scale).intoArray(grad, gradOffset + i);
            }
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector d = FloatVector.fromArray(S, pred, predOffset + i, m)
                    .sub(FloatVector.fromArray(S, target, targetOffset + i, m));
            acc = FMA ? d.fma(d, acc) : d.mul(d).add(acc);
            if (grad != null) {
                d.mul(scale).intoArray(grad, gradOffset + i, m);
            }
        }
        acc = acc.add(acc.rearrange(Lanes.R8, Lanes.M8)); // fixed-order lane sum (see Lanes)
        acc = acc.add(acc.rearrange(Lanes.R4, Lanes.M4));
        acc = acc.add(acc.rearrange(Lanes.R2));
        acc = acc.add(acc.rearrange(Lanes.R1));
        return acc.lane(0) / n;
    }

    /** Elements per pass of the chunked kernels (per-thread scratch of this size). */
    private static final int CHUNK = Blocking.CURRENT.chunk();

    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[CHUNK]);

    @Override
    public float binaryCrossEntropyWithLogits(int n, float[] logits, int logitsOffset,
                                              float[] target, int targetOffset, float[] grad, int gradOffset) {
        // Two passes per chunk, e = e^-|z| first, each in its own method: exp, log1p and the
        // divisions in one loop exceeded C2's inlining budget and boxed vectors.
        float[] e = SCRATCH.get();
        float inv = 1f / n;
        double total = 0;
        for (int c = 0; c < n; c += CHUNK) {
            int len = Math.min(CHUNK, n - c);
            expOfMinusAbs(len, logits, logitsOffset + c, e);
            total += bceChunk(len, logits, logitsOffset + c, target, targetOffset + c, e, grad,
                    grad == null ? 0 : gradOffset + c, inv);
        }
        return (float) (total * inv);
    }

    /** e[i] = exp(-|z[i]|) for {@code len} elements. */
    private static void expOfMinusAbs(int len, float[] z, int zo, float[] e) {
        for (int i = 0; i < len; i += L) {
            VectorMask<Float> m = S.indexInRange(i, len);
            VectorMath.exp(FloatVector.fromArray(S, z, zo + i, m).abs().neg()).intoArray(e, i, m);
        }
    }

    /**
     * Σ max(z,0) - z·t + log1p(e) over the chunk; grad = ((1-t)·σ(z) - t·σ(-z))/n, with σ(±z) from
     * e so that σ(z) - t never cancels.
     */
    private static float bceChunk(int len, float[] logits, int lo, float[] target, int to, float[] e,
                                  float[] grad, int go, float inv) {
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < len; i += L) {
            VectorMask<Float> m = S.indexInRange(i, len);
            FloatVector z = FloatVector.fromArray(S, logits, lo + i, m);
            FloatVector t = FloatVector.fromArray(S, target, to + i, m);
            FloatVector ev = FloatVector.fromArray(S, e, i, m);
            // masked-off lanes are z = t = e = 0, contributing log1p(0) = 0
            acc = acc.add(z.max(0f).sub(z.mul(t)).add(VectorMath.log1p(ev)));
            if (grad != null) {
                VectorMask<Float> neg = z.compare(VectorOperators.LT, 0f);
                FloatVector one = z.broadcast(1f);
                FloatVector inv1e = one.div(ev.add(1f));
                FloatVector sPos = one.blend(ev, neg).mul(inv1e);
                FloatVector sNeg = ev.blend(one, neg).mul(inv1e);
                one.sub(t).mul(sPos).sub(t.mul(sNeg)).mul(inv).intoArray(grad, go + i, m);
            }
        }
        acc = acc.add(acc.rearrange(Lanes.R8, Lanes.M8)); // fixed-order lane sum (see Lanes)
        acc = acc.add(acc.rearrange(Lanes.R4, Lanes.M4));
        acc = acc.add(acc.rearrange(Lanes.R2));
        acc = acc.add(acc.rearrange(Lanes.R1));
        return acc.lane(0);
    }

    @Override
    public float meanAbsoluteError(int n, float[] pred, int predOffset, float[] target, int targetOffset,
                                   float[] grad, int gradOffset) {
        float inv = 1f / n;
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector d = FloatVector.fromArray(S, pred, predOffset + i, m)
                    .sub(FloatVector.fromArray(S, target, targetOffset + i, m));
            acc = acc.add(d.abs());
            if (grad != null) {
                // sign(d)/n: +inv, -inv, or 0 where d == 0
                FloatVector sign = d.broadcast(0f).blend(inv, d.compare(VectorOperators.GT, 0f))
                        .blend(-inv, d.compare(VectorOperators.LT, 0f));
                sign.intoArray(grad, gradOffset + i, m);
            }
        }
        acc = acc.add(acc.rearrange(Lanes.R8, Lanes.M8)); // fixed-order lane sum (see Lanes)
        acc = acc.add(acc.rearrange(Lanes.R4, Lanes.M4));
        acc = acc.add(acc.rearrange(Lanes.R2));
        acc = acc.add(acc.rearrange(Lanes.R1));
        return acc.lane(0) * inv;
    }

    @Override
    public float huber(int n, float delta, float[] pred, int predOffset, float[] target, int targetOffset,
                       float[] grad, int gradOffset) {
        float inv = 1f / n;
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector d = FloatVector.fromArray(S, pred, predOffset + i, m)
                    .sub(FloatVector.fromArray(S, target, targetOffset + i, m));
            FloatVector a = d.abs();
            FloatVector quad = d.mul(d).mul(0.5f);
            FloatVector lin = a.sub(0.5f * delta).mul(delta);
            acc = acc.add(lin.blend(quad, a.compare(VectorOperators.LE, delta)));
            if (grad != null) {
                d.max(-delta).min(delta).mul(inv).intoArray(grad, gradOffset + i, m);
            }
        }
        acc = acc.add(acc.rearrange(Lanes.R8, Lanes.M8)); // fixed-order lane sum (see Lanes)
        acc = acc.add(acc.rearrange(Lanes.R4, Lanes.M4));
        acc = acc.add(acc.rearrange(Lanes.R2));
        acc = acc.add(acc.rearrange(Lanes.R1));
        return acc.lane(0) * inv;
    }

    @Override
    public float hinge(int n, float[] scores, int scoresOffset, float[] target, int targetOffset,
                       float[] grad, int gradOffset) {
        float inv = 1f / n;
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector y = FloatVector.fromArray(S, target, targetOffset + i, m).mul(2f).sub(1f);
            FloatVector margin = y.mul(FloatVector.fromArray(S, scores, scoresOffset + i, m));
            // masked-off lanes: y = -1, margin = 0, loss 1: blend them out
            acc = acc.add(margin.neg().add(1f).max(0f).blend(0f, m.not()));
            if (grad != null) {
                y.neg().mul(inv).blend(0f, margin.compare(VectorOperators.GE, 1f)).intoArray(grad, gradOffset + i, m);
            }
        }
        acc = acc.add(acc.rearrange(Lanes.R8, Lanes.M8)); // fixed-order lane sum (see Lanes)
        acc = acc.add(acc.rearrange(Lanes.R4, Lanes.M4));
        acc = acc.add(acc.rearrange(Lanes.R2));
        acc = acc.add(acc.rearrange(Lanes.R1));
        return acc.lane(0) * inv;
    }

    private static final float LN2 = (float) Math.log(2);

    @Override
    public float logCosh(int n, float[] pred, int predOffset, float[] target, int targetOffset,
                         float[] grad, int gradOffset) {
        // Two passes per chunk like BCE, e = e^(-2|d|) first: exp and log1p in one loop exceed
        // C2's inlining budget and box vectors.
        float[] e = SCRATCH.get();
        float inv = 1f / n;
        double total = 0;
        for (int c = 0; c < n; c += CHUNK) {
            int len = Math.min(CHUNK, n - c);
            expOfMinusTwiceAbsDifference(len, pred, predOffset + c, target, targetOffset + c, e);
            total += logCoshChunk(len, pred, predOffset + c, target, targetOffset + c, e, grad,
                    grad == null ? 0 : gradOffset + c, inv);
        }
        return (float) (total * inv);
    }

    /** e[i] = exp(-2|p[i] - t[i]|) for {@code len} elements. */
    private static void expOfMinusTwiceAbsDifference(int len, float[] p, int po, float[] t, int to, float[] e) {
        for (int i = 0; i < len; i += L) {
            VectorMask<Float> m = S.indexInRange(i, len);
            FloatVector d = FloatVector.fromArray(S, p, po + i, m).sub(FloatVector.fromArray(S, t, to + i, m));
            VectorMath.exp(d.abs().mul(-2f)).intoArray(e, i, m);
        }
    }

    /**
     * Σ |d| + log1p(e) - log 2 over the chunk; grad = sign(d)·(1 - e)/(1 + e)/n = tanh(d)/n, from
     * the same e (1 - e never cancels badly: e ≤ 1, and for small |d| the loss is what matters).
     */
    private static float logCoshChunk(int len, float[] p, int po, float[] t, int to, float[] e,
                                      float[] grad, int go, float inv) {
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < len; i += L) {
            VectorMask<Float> m = S.indexInRange(i, len);
            FloatVector d = FloatVector.fromArray(S, p, po + i, m).sub(FloatVector.fromArray(S, t, to + i, m));
            FloatVector ev = FloatVector.fromArray(S, e, i, m);
            // masked-off lanes: d = 0, e = 0 (not loaded) would give log1p(0) - log 2: blend them out
            acc = acc.add(d.abs().add(VectorMath.log1p(ev)).sub(LN2).blend(0f, m.not()));
            if (grad != null) {
                FloatVector th = ev.neg().add(1f).div(ev.add(1f));
                th.blend(th.neg(), d.compare(VectorOperators.LT, 0f)).mul(inv).intoArray(grad, go + i, m);
            }
        }
        acc = acc.add(acc.rearrange(Lanes.R8, Lanes.M8)); // fixed-order lane sum (see Lanes)
        acc = acc.add(acc.rearrange(Lanes.R4, Lanes.M4));
        acc = acc.add(acc.rearrange(Lanes.R2));
        acc = acc.add(acc.rearrange(Lanes.R1));
        return acc.lane(0);
    }
}
