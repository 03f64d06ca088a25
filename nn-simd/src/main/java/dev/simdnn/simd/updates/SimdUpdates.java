package dev.simdnn.simd.updates;

import dev.simdnn.kernel.Updates;
import dev.simdnn.simd.Lanes;
import dev.simdnn.simd.SimdConfig;
import dev.simdnn.simd.gemm.GemmPool;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static dev.simdnn.simd.SimdConfig.FMA;

/**
 * The Vector API {@link Updates}: each optimizer update one fused pass over parameter, gradient
 * and state (masked tail), state flushed to zero below 2^-126; the elastic-net penalty with its
 * gradient in one pass. The SGD, momentum and Adam updates of a large parameter (at least
 * {@link #PARALLEL_MIN} elements) are split over the backend's threads, in vector-aligned ranges:
 * each element's arithmetic is the same whichever thread runs it, so the result does not depend on
 * the thread count. Immutable and thread-safe.
 */
public final class SimdUpdates implements Updates {
    /** On the default thread count. */
    public static final SimdUpdates INSTANCE = new SimdUpdates(GemmPool.shared(SimdConfig.THREADS));
    /** Elements below which an update stays on the calling thread (waking a worker costs more). */
    public static final int PARALLEL_MIN = 1 << 15;

    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = S.length();

    private final GemmPool pool;

    private SimdUpdates(GemmPool pool) {
        this.pool = pool;
    }

    /** The updates split over {@code threads} threads (the pool GEMM uses for that count). */
    public static SimdUpdates withThreads(int threads) {
        return threads == INSTANCE.pool.threads() ? INSTANCE : new SimdUpdates(GemmPool.shared(threads));
    }

    /** The arguments of one split update, reused per calling thread: a parallel update allocates nothing. */
    private static final class Split implements GemmPool.Job {
        private static final ThreadLocal<Split> PER_THREAD = ThreadLocal.withInitial(Split::new);
        int kind; // 0 sgd, 1 momentum, 2 adam
        int n, parts, t, wOff, gOff, mOff, vOff;
        float lr, a, b, eps, wd;
        boolean flag1, flag2;
        float[] w, g, m, v;

        @Override
        public void run(int part) {
            int from = part == 0 ? 0 : (int) ((long) part * n / parts) / L * L;
            int to = part == parts - 1 ? n : (int) ((long) (part + 1) * n / parts) / L * L;
            if (from >= to) {
                return;
            }
            int len = to - from;
            switch (kind) {
                case 0 -> sgd(len, lr, wd, w, wOff + from, g, gOff + from);
                case 1 -> momentum(len, lr, a, flag1, wd, w, wOff + from, g, gOff + from, v, vOff + from);
                default -> adam(len, lr, a, b, eps, wd, flag2, t, w, wOff + from, g, gOff + from, m, mOff + from,
                        v, vOff + from);
            }
        }

        void clear() {
            w = g = m = v = null;
        }
    }

    private boolean split(int n) {
        return n >= PARALLEL_MIN && pool.threads() > 1;
    }

    private void run(Split s, int n) {
        s.n = n;
        s.parts = pool.threads();
        try {
            pool.invoke(s, s.parts);
        } finally {
            s.clear();
        }
    }

    @Override
    public void sgdUpdate(int n, float lr, float weightDecay, float[] w, int wOffset, float[] g, int gOffset) {
        if (!split(n)) {
            sgd(n, lr, weightDecay, w, wOffset, g, gOffset);
            return;
        }
        Split s = Split.PER_THREAD.get();
        s.kind = 0;
        s.lr = lr;
        s.wd = weightDecay;
        s.w = w;
        s.wOff = wOffset;
        s.g = g;
        s.gOff = gOffset;
        run(s, n);
    }

    private static void sgd(int n, float lr, float weightDecay, float[] w, int wOffset, float[] g, int gOffset) {
        for (int i = 0; i <= n - L; i += L) { // full vectors: no mask
            FloatVector wv = FloatVector.fromArray(S, w, wOffset + i);
            FloatVector gv = FloatVector.fromArray(S, g, gOffset + i);
            wv.sub(wv.mul(weightDecay).add(gv).mul(lr)).intoArray(w, wOffset + i);
        }
        for (int i = n / L * L; i < n; i += L) { // the tail, masked (at most once)
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector wv = FloatVector.fromArray(S, w, wOffset + i, m);
            FloatVector gv = FloatVector.fromArray(S, g, gOffset + i, m);
            wv.sub(wv.mul(weightDecay).add(gv).mul(lr)).intoArray(w, wOffset + i, m);
        }
    }

    @Override
    public void momentumUpdate(int n, float lr, float momentum, boolean nesterov, float weightDecay,
                               float[] w, int wOffset, float[] g, int gOffset, float[] v, int vOffset) {
        if (!split(n)) {
            momentum(n, lr, momentum, nesterov, weightDecay, w, wOffset, g, gOffset, v, vOffset);
            return;
        }
        Split s = Split.PER_THREAD.get();
        s.kind = 1;
        s.lr = lr;
        s.a = momentum;
        s.flag1 = nesterov;
        s.wd = weightDecay;
        s.w = w;
        s.wOff = wOffset;
        s.g = g;
        s.gOff = gOffset;
        s.v = v;
        s.vOff = vOffset;
        run(s, n);
    }

    private static void momentum(int n, float lr, float momentum, boolean nesterov, float weightDecay,
                                 float[] w, int wOffset, float[] g, int gOffset, float[] v, int vOffset) {
        for (int i = 0; i <= n - L; i += L) { // full vectors: no mask
            FloatVector wv = FloatVector.fromArray(S, w, wOffset + i);
            FloatVector gv = wv.mul(weightDecay).add(FloatVector.fromArray(S, g, gOffset + i));
            FloatVector vv = flush(FloatVector.fromArray(S, v, vOffset + i).mul(momentum).add(gv));
            vv.intoArray(v, vOffset + i);
            FloatVector step = nesterov ? vv.mul(momentum).add(gv) : vv;
            wv.sub(step.mul(lr)).intoArray(w, wOffset + i);
        }
        for (int i = n / L * L; i < n; i += L) { // the tail, masked (at most once)
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
        if (!split(n)) {
            adam(n, lr, beta1, beta2, epsilon, weightDecay, decoupled, t, w, wOffset, g, gOffset, m, mOffset, v, vOffset);
            return;
        }
        Split s = Split.PER_THREAD.get();
        s.kind = 2;
        s.lr = lr;
        s.a = beta1;
        s.b = beta2;
        s.eps = epsilon;
        s.wd = weightDecay;
        s.flag2 = decoupled;
        s.t = t;
        s.w = w;
        s.wOff = wOffset;
        s.g = g;
        s.gOff = gOffset;
        s.m = m;
        s.mOff = mOffset;
        s.v = v;
        s.vOff = vOffset;
        run(s, n);
    }

    private static void adam(int n, float lr, float beta1, float beta2, float epsilon, float weightDecay,
                             boolean decoupled, int t,
                             float[] w, int wOffset, float[] g, int gOffset,
                             float[] m, int mOffset, float[] v, int vOffset) {
        // PyTorch's arrangement: the step size lr/(1-β1^t) and 1/√(1-β2^t) once, in double; per
        // element one square root and one division (three divisions before: Adam was bound by them)
        float step = (float) (lr / (1.0 - Math.pow(beta1, t)));
        float invSqrtBias2 = (float) (1.0 / Math.sqrt(1.0 - Math.pow(beta2, t)));
        float coupled = decoupled ? 0f : weightDecay;
        int full = n / L * L;
        for (int i = 0; i < full; i += L) { // full vectors: no mask
            FloatVector wv = FloatVector.fromArray(S, w, wOffset + i);
            FloatVector gv = wv.mul(coupled).add(FloatVector.fromArray(S, g, gOffset + i));
            if (decoupled) {
                wv = wv.sub(wv.mul(lr * weightDecay));
            }
            FloatVector mv = flush(FloatVector.fromArray(S, m, mOffset + i).mul(beta1).add(gv.mul(1f - beta1)));
            FloatVector vv = flush(FloatVector.fromArray(S, v, vOffset + i).mul(beta2).add(gv.mul(gv).mul(1f - beta2)));
            mv.intoArray(m, mOffset + i);
            vv.intoArray(v, vOffset + i);
            FloatVector denom = vv.lanewise(VectorOperators.SQRT).mul(invSqrtBias2).add(epsilon);
            wv.sub(mv.mul(step).div(denom)).intoArray(w, wOffset + i);
        }
        // The tail in scalar code, the vector loop's operations in its order (IEEE float both ways, and
        // the double square root rounds to the float one), so the same bits: a second, masked vector
        // loop made this method too large for C2 to keep every vector in registers.
        for (int i = full; i < n; i++) {
            float wi = w[wOffset + i];
            float gi = wi * coupled + g[gOffset + i];
            if (decoupled) {
                wi = wi - wi * (lr * weightDecay);
            }
            float mi = flush(m[mOffset + i] * beta1 + gi * (1f - beta1));
            float vi = flush(v[vOffset + i] * beta2 + gi * gi * (1f - beta2));
            m[mOffset + i] = mi;
            v[vOffset + i] = vi;
            float denom = (float) Math.sqrt(vi) * invSqrtBias2 + epsilon;
            w[wOffset + i] = wi - mi * step / denom;
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

    /** {@link #flush(FloatVector)} of one value. */
    private static float flush(float x) {
        return Math.abs(x) < Float.MIN_NORMAL ? 0f : x;
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
