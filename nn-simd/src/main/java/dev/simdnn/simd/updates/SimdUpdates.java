package dev.simdnn.simd.updates;

import dev.simdnn.kernel.Updates;
import dev.simdnn.simd.Lanes;
import dev.simdnn.simd.SimdConfig;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static dev.simdnn.simd.SimdConfig.FMA;

/**
 * The Vector API {@link Updates}: each optimizer update one fused pass over parameter, gradient
 * and state (masked tail), state flushed to zero below 2^-126; the elastic-net penalty with its
 * gradient in one pass. Stateless and thread-safe.
 */
public final class SimdUpdates implements Updates {
    /** The one instance; the class has no state. */
    public static final SimdUpdates INSTANCE = new SimdUpdates();

    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = S.length();

    private SimdUpdates() {
    }

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

    @Override
    public float elasticNetPenalty(int n, float l1, float l2, float[] w, int wo, float[] g, int go) {
        FloatVector abs = FloatVector.zero(S);
        FloatVector sq = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, w, wo + i, m);
            abs = abs.add(v.abs());
            sq = FMA ? v.fma(v, sq) : v.mul(v).add(sq);
            if (g != null) {
                // l1·sign(w) with sign(±0) = 0, then + l2·w
                FloatVector sign = FloatVector.broadcast(S, l1).blend(-l1, v.compare(VectorOperators.LT, 0f))
                        .blend(0f, v.compare(VectorOperators.EQ, 0f));
                v.mul(l2).add(sign).add(FloatVector.fromArray(S, g, go + i, m)).intoArray(g, go + i, m);
            }
        }
        abs = abs.add(abs.rearrange(Lanes.R8, Lanes.M8)); // fixed-order lane sum (see Lanes)
        abs = abs.add(abs.rearrange(Lanes.R4, Lanes.M4));
        abs = abs.add(abs.rearrange(Lanes.R2));
        abs = abs.add(abs.rearrange(Lanes.R1));
        sq = sq.add(sq.rearrange(Lanes.R8, Lanes.M8)); // fixed-order lane sum (see Lanes)
        sq = sq.add(sq.rearrange(Lanes.R4, Lanes.M4));
        sq = sq.add(sq.rearrange(Lanes.R2));
        sq = sq.add(sq.rearrange(Lanes.R1));
        return (float) (l1 * (double) abs.lane(0) + 0.5 * l2 * (double) sq.lane(0));
    }
}
