package dev.simdnn.simd.blas;

import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Blas;
import dev.simdnn.kernel.PackedWeights;
import dev.simdnn.simd.Lanes;
import dev.simdnn.simd.SimdConfig;
import dev.simdnn.simd.activations.SimdActivations;
import dev.simdnn.simd.gemm.Gemm;
import dev.simdnn.simd.gemm.GemmPool;
import dev.simdnn.simd.math.RowReductions;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import static dev.simdnn.simd.SimdConfig.FMA;

/**
 * The Vector API {@link Blas}: GEMM is {@link Gemm} (packed, blocked, multi-threaded; the dense
 * layer's bias runs in its epilogue), and every level-1 operation and reduction is one vectorised
 * pass here: a vector body over {@code L}-wide chunks and a masked tail; reductions keep four
 * independent accumulators, then one fixed-order lane sum ({@link Lanes}; never {@code reduceLanes},
 * whose order changes with the JIT). Immutable (its GEMM thread pool is shared per thread count)
 * apart from GEMM's per-thread buffers; thread-safe.
 */
public final class SimdBlas implements Blas {
    /** GEMM on the default thread count ({@link SimdConfig#THREADS}). */
    public static final SimdBlas INSTANCE = new SimdBlas(GemmPool.shared(SimdConfig.THREADS));

    private final GemmPool pool;

    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = S.length();

    private SimdBlas(GemmPool pool) {
        this.pool = pool;
    }

    /**
     * GEMM split over {@code threads} threads (the caller included); every other operation runs on
     * the calling thread. Results are bit-identical for any thread count.
     */
    public static SimdBlas withThreads(int threads) {
        return new SimdBlas(GemmPool.shared(threads));
    }

    /** Threads GEMM may use, the caller included. */
    public int threads() {
        return pool.threads();
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int aOffset, int lda,
                     float[] b, int bOffset, int ldb,
                     float beta, float[] c, int cOffset, int ldc) {
        Gemm.gemm(pool, transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc, null, 0);
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
        Gemm.gemm(pool, false, true, rows, out, in, 1f, x, xOffset, in, w, wOffset, in, 0f, pre, preOffset, out,
                bias, biasOffset);
        if (!identity) {
            SimdActivations.INSTANCE.activationForward(act, rows * out, pre, preOffset, y, yOffset);
        } else if (z != null) {
            System.arraycopy(y, yOffset, z, zOffset, rows * out);
        }
    }

    /** A snapshot of W and its GEMM panels, packed once (the layout depends on the block sizes only, not on threads). */
    @Override
    public PackedWeights packDenseWeights(int in, int out, float[] w, int wOffset) {
        float[] copy = java.util.Arrays.copyOfRange(w, wOffset, wOffset + in * out);
        return new PackedWeights(in, out, copy, Gemm.BLOCKING, Gemm.packB(true, in, out, copy, 0, in));
    }

    @Override
    public void denseForward(int rows, PackedWeights w, float[] x, int xOffset, float[] bias, int biasOffset,
                             Activation act, float[] y, int yOffset) {
        if (!(w.layout(Gemm.BLOCKING) instanceof Gemm.PackedB packed)) {
            denseForward(rows, w.in(), w.out(), x, xOffset, w.weights(), 0, bias, biasOffset, act, null, 0, y, yOffset);
            return;
        }
        Gemm.gemmPackedB(pool, rows, w.out(), w.in(), x, xOffset, w.in(), packed, w.weights(), y, yOffset, w.out(),
                bias, biasOffset);
        if (act.kind() != Activation.Kind.IDENTITY) {
            SimdActivations.INSTANCE.activationForward(act, rows * w.out(), y, yOffset, y, yOffset);
        }
    }

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
            FloatVector av = FloatVector.fromArray(S, a, aOffset + i, m);
            FloatVector bv = FloatVector.fromArray(S, b, bOffset + i, m);
            FloatVector ov = FloatVector.fromArray(S, out, outOffset + i, m);
            (FMA ? av.fma(bv, ov) : av.mul(bv).add(ov)).intoArray(out, outOffset + i, m);
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
        return reduce(n, x, xOffset, null, 0, Reduction.SUM);
    }

    @Override
    public float dot(int n, float[] a, int aOffset, float[] b, int bOffset) {
        return reduce(n, a, aOffset, b, bOffset, Reduction.DOT);
    }

    @Override
    public float sumOfSquares(int n, float[] x, int xOffset) {
        return reduce(n, x, xOffset, x, xOffset, Reduction.DOT);
    }

    @Override
    public float sumOfAbs(int n, float[] x, int xOffset) {
        return reduce(n, x, xOffset, null, 0, Reduction.SUM_OF_ABS);
    }

    /** What {@link #reduce} sums. */
    private enum Reduction {
        /** Σ x. */
        SUM,
        /** Σ x·y. */
        DOT,
        /** Σ |x|. */
        SUM_OF_ABS
    }

    /** Four independent accumulators hide the add latency; then a fixed-order lane sum, then the scalar tail. */
    private static float reduce(int n, float[] x, int xo, float[] y, int yo, Reduction mode) {
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
            s += mode == Reduction.SUM ? x[xo + i] : mode == Reduction.DOT ? x[xo + i] * y[yo + i] : Math.abs(x[xo + i]);
        }
        return s;
    }

    private static FloatVector term(Reduction mode, float[] x, int xi, float[] y, int yi, FloatVector acc) {
        FloatVector v = FloatVector.fromArray(S, x, xi);
        // identity comparisons, not a switch: no switch-map array load per vector
        if (mode == Reduction.SUM) {
            return acc.add(v);
        }
        if (mode == Reduction.SUM_OF_ABS) {
            return acc.add(v.abs());
        }
        FloatVector w = FloatVector.fromArray(S, y, yi);
        return FMA ? v.fma(w, acc) : v.mul(w).add(acc);
    }

    @Override
    public void argmaxRows(int rows, int cols, float[] x, int xOffset, int[] out, int outOffset) {
        for (int r = 0; r < rows; r++) {
            int xr = xOffset + r * cols;
            float max = RowReductions.max(cols, x, xr); // NaN when the row holds one (max propagates NaN)
            int best = 0;
            if (Float.isNaN(max)) {
                while (best < cols - 1 && !Float.isNaN(x[xr + best])) { // the first NaN
                    best++;
                }
            } else {
                while (best < cols - 1 && x[xr + best] != max) { // the first column holding the max
                    best++;
                }
            }
            out[outOffset + r] = best;
        }
    }
}
