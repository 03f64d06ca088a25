package dev.simdnn.simd;

import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.simd.fused.LayerKernels;
import dev.simdnn.simd.fused.VectorActivations;
import dev.simdnn.simd.fused.VectorMath;
import dev.simdnn.simd.gemm.Gemm;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API backend. GEMM is {@link Gemm} (packed, blocked, multi-threaded); the dense
 * layer's bias and activation run in the GEMM epilogue; everything else is one vectorised pass.
 *
 * <p>Loops have one shape: a vector body over {@code LANES}-wide chunks, then a masked tail (no
 * scalar remainder loop). Reductions keep four independent accumulators, then one
 * fixed-order lane sum ({@link Lanes}; never {@code reduceLanes}, whose order changes with the JIT). Stateless apart from GEMM's per-thread buffers; thread-safe.
 */
public final class SimdKernels implements Kernels {
    /** The one instance. */
    public static final SimdKernels INSTANCE = new SimdKernels();

    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = S.length();

    private SimdKernels() {
    }

    @Override
    public String name() {
        return "simd";
    }

    // ------------------------------------------------------------------ GEMM

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int aOffset, int lda,
                     float[] b, int bOffset, int ldb,
                     float beta, float[] c, int cOffset, int ldc) {
        Gemm.gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc, null, 0);
    }

    /**
     * GEMM with the bias added in its epilogue (while each tile is in L1), then the activation as
     * one vector pass over the whole output, which is still in L2. Applying the activation inside
     * the tile epilogue was tried: it put the activation's code into the GEMM's hottest method,
     * and whether C2 then stayed within its inlining budget depended on which activations it had
     * profiled, so vectors were sometimes boxed (40 KB per call in the allocation test).
     */
    @Override
    public void denseForward(int rows, int in, int out,
                             float[] x, int xOffset, float[] w, int wOffset, float[] bias, int biasOffset,
                             Activation act, float[] z, int zOffset, float[] y, int yOffset) {
        boolean identity = act.kind() == Activation.Kind.IDENTITY;
        boolean keepZ = z != null && !identity;
        float[] pre = keepZ ? z : y;
        int preOffset = keepZ ? zOffset : yOffset;
        Gemm.gemm(false, true, rows, out, in, 1f, x, xOffset, in, w, wOffset, in, 0f, pre, preOffset, out,
                bias, biasOffset);
        if (!identity) {
            VectorActivations.forward(act.kind(), act.alpha(), rows * out, pre, preOffset, y, yOffset);
        } else if (z != null) {
            System.arraycopy(y, yOffset, z, zOffset, rows * out);
        }
    }

    @Override
    public void activationForward(Activation act, int n, float[] x, int xOffset, float[] y, int yOffset) {
        VectorActivations.forward(act.kind(), act.alpha(), n, x, xOffset, y, yOffset);
    }

    @Override
    public void activationBackward(Activation act, int rows, int cols,
                                   float[] z, int zOffset, float[] y, int yOffset,
                                   float[] dy, int dyOffset, float[] dz, int dzOffset,
                                   float[] dbias, int dbiasOffset) {
        VectorActivations.backward(act.kind(), act.alpha(), rows, cols, z, zOffset, dy, dyOffset, dz, dzOffset,
                dbias, dbiasOffset);
    }

    // ------------------------------------------------------------------ losses

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
            float max = max(cols, logits, lr);
            float labelLogit = logits[lr + label];
            float sumExp = sumExpShifted(cols, logits, lr, max);
            // -Σ q_j log p_j = lse - (1-ε)·z_y - (ε/cols)·Σ z_j, all relative to the row max
            double shiftedSum = eps == 0 ? 0 : sumShifted(cols, logits, lr, max);
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

    private static float max(int n, float[] x, int off) {
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (; j <= n - L; j += L) {
            acc = acc.max(FloatVector.fromArray(S, x, off + j));
        }
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; j < n; j++) {
            m = Math.max(m, x[off + j]);
        }
        return m;
    }

    private static float sumShifted(int n, float[] x, int off, float shift) {
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> m = S.indexInRange(j, n);
            acc = acc.add(FloatVector.fromArray(S, x, off + j, m).sub(shift).blend(0f, m.not()));
        }
        acc = acc.add(acc.rearrange(Lanes.R8, Lanes.M8)); // fixed-order lane sum (see Lanes)
        acc = acc.add(acc.rearrange(Lanes.R4, Lanes.M4));
        acc = acc.add(acc.rearrange(Lanes.R2));
        acc = acc.add(acc.rearrange(Lanes.R1));
        return acc.lane(0);
    }

    private static float sumExpShifted(int n, float[] x, int off, float shift) {
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> m = S.indexInRange(j, n);
            // masked-off lanes would be exp(0 - shift): blend them to zero
            acc = acc.add(VectorMath.exp(FloatVector.fromArray(S, x, off + j, m).sub(shift)).blend(0f, m.not()));
        }
        acc = acc.add(acc.rearrange(Lanes.R8, Lanes.M8)); // fixed-order lane sum (see Lanes)
        acc = acc.add(acc.rearrange(Lanes.R4, Lanes.M4));
        acc = acc.add(acc.rearrange(Lanes.R2));
        acc = acc.add(acc.rearrange(Lanes.R1));
        return acc.lane(0);
    }

    @Override
    public void softmax(int rows, int cols, float[] x, int xOffset, float[] y, int yOffset) {
        for (int r = 0; r < rows; r++) {
            int xr = xOffset + r * cols;
            int yr = yOffset + r * cols;
            float max = max(cols, x, xr);
            float inv = 1f / sumExpShifted(cols, x, xr, max);
            for (int j = 0; j < cols; j += L) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                VectorMath.exp(FloatVector.fromArray(S, x, xr + j, m).sub(max)).mul(inv).intoArray(y, yr + j, m);
            }
        }
    }

    @Override
    public float meanSquaredError(int n, float[] pred, int predOffset, float[] target, int targetOffset,
                                  float[] grad, int gradOffset) {
        float scale = 2f / n;
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector d = FloatVector.fromArray(S, pred, predOffset + i).sub(FloatVector.fromArray(S, target, targetOffset + i));
            acc = d.fma(d, acc);
            if (grad != null) {
                d.mul(scale).intoArray(grad, gradOffset + i);
            }
        }
        if (i < n) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector d = FloatVector.fromArray(S, pred, predOffset + i, m)
                    .sub(FloatVector.fromArray(S, target, targetOffset + i, m));
            acc = d.fma(d, acc);
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
    private static final int CHUNK = 1024;
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

    // ------------------------------------------------------------------ optimizer updates

    @Override
    public void sgdUpdate(int n, float lr, float weightDecay, float[] w, int wOffset, float[] g, int gOffset) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector wv = FloatVector.fromArray(S, w, wOffset + i, m);
            FloatVector gv = FloatVector.fromArray(S, g, gOffset + i, m);
            wv.sub(wv.mul(weightDecay).add(gv).mul(lr)).intoArray(w, wOffset + i, m);
        }
    }

    @Override
    public void momentumUpdate(int n, float lr, float momentum, boolean nesterov, float weightDecay,
                               float[] w, int wOffset, float[] g, int gOffset, float[] v, int vOffset) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector wv = FloatVector.fromArray(S, w, wOffset + i, m);
            FloatVector gv = wv.mul(weightDecay).add(FloatVector.fromArray(S, g, gOffset + i, m));
            FloatVector vv = flush(FloatVector.fromArray(S, v, vOffset + i, m).mul(momentum).add(gv));
            vv.intoArray(v, vOffset + i, m);
            FloatVector step = nesterov ? vv.mul(momentum).add(gv) : vv;
            wv.sub(step.mul(lr)).intoArray(w, wOffset + i, m);
        }
    }

    @Override
    public void adamUpdate(int n, float lr, float beta1, float beta2, float epsilon, float weightDecay,
                           boolean decoupled, int t,
                           float[] w, int wOffset, float[] g, int gOffset,
                           float[] m, int mOffset, float[] v, int vOffset) {
        float bias1 = (float) (1.0 - Math.pow(beta1, t));
        float bias2 = (float) (1.0 - Math.pow(beta2, t));
        float coupled = decoupled ? 0f : weightDecay;
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> k = S.indexInRange(i, n);
            FloatVector wv = FloatVector.fromArray(S, w, wOffset + i, k);
            FloatVector gv = wv.mul(coupled).add(FloatVector.fromArray(S, g, gOffset + i, k));
            if (decoupled) {
                wv = wv.sub(wv.mul(lr * weightDecay));
            }
            FloatVector mv = flush(FloatVector.fromArray(S, m, mOffset + i, k).mul(beta1).add(gv.mul(1f - beta1)));
            FloatVector vv = flush(FloatVector.fromArray(S, v, vOffset + i, k).mul(beta2).add(gv.mul(gv).mul(1f - beta2)));
            mv.intoArray(m, mOffset + i, k);
            vv.intoArray(v, vOffset + i, k);
            FloatVector denom = vv.div(bias2).lanewise(VectorOperators.SQRT).add(epsilon);
            wv.sub(mv.div(bias1).mul(lr).div(denom)).intoArray(w, wOffset + i, k);
        }
    }

    @Override
    public void adagradUpdate(int n, float lr, float epsilon, float weightDecay,
                              float[] w, int wOffset, float[] g, int gOffset, float[] s, int sOffset) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector wv = FloatVector.fromArray(S, w, wOffset + i, m);
            FloatVector gv = wv.mul(weightDecay).add(FloatVector.fromArray(S, g, gOffset + i, m));
            FloatVector sv = FloatVector.fromArray(S, s, sOffset + i, m).add(gv.mul(gv));
            sv.intoArray(s, sOffset + i, m);
            wv.sub(gv.mul(lr).div(sv.lanewise(VectorOperators.SQRT).add(epsilon))).intoArray(w, wOffset + i, m);
        }
    }

    @Override
    public void rmspropUpdate(int n, float lr, float rho, float epsilon, float weightDecay,
                              float[] w, int wOffset, float[] g, int gOffset, float[] s, int sOffset) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector wv = FloatVector.fromArray(S, w, wOffset + i, m);
            FloatVector gv = wv.mul(weightDecay).add(FloatVector.fromArray(S, g, gOffset + i, m));
            FloatVector sv = flush(FloatVector.fromArray(S, s, sOffset + i, m).mul(rho).add(gv.mul(gv).mul(1f - rho)));
            sv.intoArray(s, sOffset + i, m);
            wv.sub(gv.mul(lr).div(sv.lanewise(VectorOperators.SQRT).add(epsilon))).intoArray(w, wOffset + i, m);
        }
    }

    /** |x| < 2^-126 → 0: keeps state out of the subnormal range (see {@link Kernels}). */
    private static FloatVector flush(FloatVector x) {
        return x.blend(0f, x.abs().compare(VectorOperators.LT, Float.MIN_NORMAL));
    }

    // ------------------------------------------------------------------ elementwise and reductions

    @Override
    public void add(int n, float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, aOffset + i, m).add(FloatVector.fromArray(S, b, bOffset + i, m))
                    .intoArray(out, outOffset + i, m);
        }
    }

    @Override
    public void multiply(int n, float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, aOffset + i, m).mul(FloatVector.fromArray(S, b, bOffset + i, m))
                    .intoArray(out, outOffset + i, m);
        }
    }

    @Override
    public void multiplyAccumulate(int n, float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, a, aOffset + i, m).fma(FloatVector.fromArray(S, b, bOffset + i, m),
                    FloatVector.fromArray(S, out, outOffset + i, m)).intoArray(out, outOffset + i, m);
        }
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOffset, float[] y, int yOffset) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, x, xOffset + i, m).mul(alpha).add(FloatVector.fromArray(S, y, yOffset + i, m))
                    .intoArray(y, yOffset + i, m);
        }
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOffset) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, x, xOffset + i, m).mul(alpha).intoArray(x, xOffset + i, m);
        }
    }

    @Override
    public void clamp(int n, float lo, float hi, float[] x, int xOffset) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector.fromArray(S, x, xOffset + i, m).max(lo).min(hi).intoArray(x, xOffset + i, m);
        }
    }

    @Override
    public float sum(int n, float[] x, int xOffset) {
        return reduce(n, x, xOffset, null, 0, 0);
    }

    @Override
    public float dot(int n, float[] a, int aOffset, float[] b, int bOffset) {
        return reduce(n, a, aOffset, b, bOffset, 1);
    }

    @Override
    public float sumOfSquares(int n, float[] x, int xOffset) {
        return reduce(n, x, xOffset, x, xOffset, 1);
    }

    @Override
    public float sumOfAbs(int n, float[] x, int xOffset) {
        return reduce(n, x, xOffset, null, 0, 2);
    }

    /** mode 0: Σx, 1: Σx·y, 2: Σ|x|. Four independent accumulators hide the add latency. */
    private static float reduce(int n, float[] x, int xo, float[] y, int yo, int mode) {
        FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S), a2 = FloatVector.zero(S), a3 = FloatVector.zero(S);
        int i = 0;
        for (; i <= n - 4 * L; i += 4 * L) {
            a0 = term(mode, x, xo + i, y, yo + i, a0);
            a1 = term(mode, x, xo + i + L, y, yo + i + L, a1);
            a2 = term(mode, x, xo + i + 2 * L, y, yo + i + 2 * L, a2);
            a3 = term(mode, x, xo + i + 3 * L, y, yo + i + 3 * L, a3);
        }
        for (; i <= n - L; i += L) {
            a0 = term(mode, x, xo + i, y, yo + i, a0);
        }
        FloatVector total = a0.add(a1).add(a2.add(a3));
        total = total.add(total.rearrange(Lanes.R8, Lanes.M8)); // fixed-order lane sum (see Lanes)
        total = total.add(total.rearrange(Lanes.R4, Lanes.M4));
        total = total.add(total.rearrange(Lanes.R2));
        total = total.add(total.rearrange(Lanes.R1));
        float s = total.lane(0);
        for (; i < n; i++) {
            s += mode == 0 ? x[xo + i] : mode == 1 ? x[xo + i] * y[yo + i] : Math.abs(x[xo + i]);
        }
        return s;
    }

    private static FloatVector term(int mode, float[] x, int xi, float[] y, int yi, FloatVector acc) {
        FloatVector v = FloatVector.fromArray(S, x, xi);
        return switch (mode) {
            case 0 -> acc.add(v);
            case 1 -> v.fma(FloatVector.fromArray(S, y, yi), acc);
            default -> acc.add(v.abs());
        };
    }

    @Override
    public void argmaxRows(int rows, int cols, float[] x, int xOffset, int[] out, int outOffset) {
        for (int r = 0; r < rows; r++) {
            int xr = xOffset + r * cols;
            float max = max(cols, x, xr);
            int best = 0;
            while (x[xr + best] != max) { // first column holding the max
                best++;
            }
            out[outOffset + r] = best;
        }
    }

    // ------------------------------------------------------------------ layers and penalties

    @Override
    public void preluForward(int rows, int cols, float[] x, int xOffset, float[] slope, int slopeOffset,
                             float[] y, int yOffset) {
        LayerKernels.preluForward(rows, cols, x, xOffset, slope, slopeOffset, y, yOffset);
    }

    @Override
    public void preluBackward(int rows, int cols, float[] x, int xOffset, float[] slope, int slopeOffset,
                              float[] dy, int dyOffset, float[] dx, int dxOffset, float[] dslope, int dslopeOffset) {
        LayerKernels.preluBackward(rows, cols, x, xOffset, slope, slopeOffset, dy, dyOffset, dx, dxOffset, dslope, dslopeOffset);
    }

    @Override
    public void maxoutForward(int rows, int units, int pieces, float[] z, int zOffset, float[] y, int yOffset) {
        LayerKernels.maxoutForward(rows, units, pieces, z, zOffset, y, yOffset);
    }

    @Override
    public void maxoutBackward(int rows, int units, int pieces, float[] z, int zOffset, float[] dy, int dyOffset,
                               float[] dz, int dzOffset) {
        LayerKernels.maxoutBackward(rows, units, pieces, z, zOffset, dy, dyOffset, dz, dzOffset);
    }

    @Override
    public void batchNormForward(int rows, int cols, float epsilon, float[] x, int xOffset,
                                 float[] gamma, int gammaOffset, float[] beta, int betaOffset,
                                 float[] mean, int meanOffset, float[] variance, int varianceOffset,
                                 float[] xhat, int xhatOffset, float[] y, int yOffset) {
        LayerKernels.batchNormForward(rows, cols, epsilon, x, xOffset, gamma, gammaOffset, beta, betaOffset,
                mean, meanOffset, variance, varianceOffset, xhat, xhatOffset, y, yOffset);
    }

    @Override
    public void batchNormBackward(int rows, int cols, float epsilon, float[] dy, int dyOffset, float[] xhat, int xhatOffset,
                                  float[] gamma, int gammaOffset, float[] variance, int varianceOffset,
                                  float[] sumDy, int sumDyOffset, float[] sumDyXhat, int sumDyXhatOffset,
                                  float[] dx, int dxOffset) {
        LayerKernels.batchNormBackward(rows, cols, epsilon, dy, dyOffset, xhat, xhatOffset, gamma, gammaOffset,
                variance, varianceOffset, sumDy, sumDyOffset, sumDyXhat, sumDyXhatOffset, dx, dxOffset);
    }

    @Override
    public void scaleShiftColumns(int rows, int cols, float[] x, int xOffset, float[] scale, int scaleOffset,
                                  float[] shift, int shiftOffset, float[] y, int yOffset) {
        LayerKernels.scaleShiftColumns(rows, cols, x, xOffset, scale, scaleOffset, shift, shiftOffset, y, yOffset);
    }

    @Override
    public void layerNormForward(int rows, int cols, float epsilon, float[] x, int xOffset,
                                 float[] gamma, int gammaOffset, float[] beta, int betaOffset,
                                 float[] mean, int meanOffset, float[] variance, int varianceOffset,
                                 float[] xhat, int xhatOffset, float[] y, int yOffset) {
        LayerKernels.layerNormForward(rows, cols, epsilon, x, xOffset, gamma, gammaOffset, beta, betaOffset,
                mean, meanOffset, variance, varianceOffset, xhat, xhatOffset, y, yOffset);
    }

    @Override
    public void layerNormBackward(int rows, int cols, float epsilon, float[] dy, int dyOffset, float[] xhat, int xhatOffset,
                                  float[] gamma, int gammaOffset, float[] variance, int varianceOffset,
                                  float[] dgamma, int dgammaOffset, float[] dbeta, int dbetaOffset,
                                  float[] dx, int dxOffset) {
        LayerKernels.layerNormBackward(rows, cols, epsilon, dy, dyOffset, xhat, xhatOffset, gamma, gammaOffset,
                variance, varianceOffset, dgamma, dgammaOffset, dbeta, dbetaOffset, dx, dxOffset);
    }

    @Override
    public float elasticNetPenalty(int n, float l1, float l2, float[] w, int wOffset, float[] g, int gOffset) {
        return LayerKernels.elasticNetPenalty(n, l1, l2, w, wOffset, g, gOffset);
    }
}
