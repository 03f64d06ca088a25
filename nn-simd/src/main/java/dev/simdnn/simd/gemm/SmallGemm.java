package dev.simdnn.simd.gemm;

import dev.simdnn.simd.Fma;
import dev.simdnn.simd.Lanes;
import dev.simdnn.simd.SimdConfig;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import static dev.simdnn.simd.SimdConfig.FMA;

/**
 * Direct paths for products too small or too skinny to repay packing, chosen by shape alone (never
 * by thread count, so results stay independent of it):
 *
 * <ul>
 *   <li>{@link #dotRows}: {@code op(A)·Bᵀ} with few rows, e.g. batch-1 inference {@code x·Wᵀ}
 *       (GEMV): every C element is a dot product of two contiguous rows, vectorised along k, four
 *       columns at a time.</li>
 *   <li>{@link #broadcastRows}: {@code op(A)·B} with B not transposed and few rows of C (batch-1
 *       backward): each row of C is built in vector registers from broadcasts of A times rows of B.
 *       (Tried for a short k too, the output layer's input gradient with k = 10: packing was faster,
 *       67 vs 55 GFLOP/s.)</li>
 * </ul>
 * Both add the bias to each finished row while it is in L1.
 */
final class SmallGemm {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = S.length();
    /** Columns of C a broadcast pass keeps in registers: four vectors. */
    private static final int BLOCK = Blocking.CURRENT.dotBlock();

    private SmallGemm() {
    }

    /** {@code C = alpha·op(A)·Bᵀ + beta·C} (B given n×k, row-major), plus the bias; rows of C one by one. */
    static void dotRows(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                        float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc,
                        float[] bias, int biasOff, float[] rowBuf) {
        for (int i = 0; i < m; i++) {
            float[] ar;
            int ai;
            if (!transA) {
                ar = a;
                ai = aOff + i * lda;
            } else {
                // column i of A, gathered once into a contiguous buffer
                for (int p = 0; p < k; p++) {
                    rowBuf[p] = a[aOff + p * lda + i];
                }
                ar = rowBuf;
                ai = 0;
            }
            dotRow(n, k, alpha, ar, ai, b, bOff, ldb, beta, c, cOff + i * ldc, bias == null ? c : bias,
                    bias == null ? -1 : biasOff);
        }
    }

    /**
     * One row of C: {@code c[ci + j] = alpha·(x · B[j, :]) + beta·c[ci + j] (+ bias[j] when
     * biasOff ≥ 0)}, four columns at a time. The vector work sits in two small methods: one large
     * method holding it all was refused by C1 ("out of virtual registers") and so never reached
     * C2, running the Vector API's allocating Java fallback instead.
     */
    private static void dotRow(int n, int k, float alpha, float[] ar, int ai, float[] b, int bOff, int ldb,
                               float beta, float[] c, int ci, float[] bias, int biasOff) {
        int j = 0;
        for (; j <= n - 4; j += 4) {
            dot4(k, alpha, ar, ai, b, bOff + j * ldb, ldb, beta, c, ci + j);
        }
        for (; j < n; j++) {
            dot1(k, alpha, ar, ai, b, bOff + j * ldb, beta, c, ci + j);
        }
        if (biasOff >= 0) {
            // the bias as a plain add per element: the same single rounding as the vector add elsewhere
            for (int jj = 0; jj < n; jj++) {
                c[ci + jj] += bias[biasOff + jj];
            }
        }
    }

    /** c[ci..ci+3] from four dot products of x with consecutive rows of B (stride ldb). */
    private static void dot4(int k, float alpha, float[] ar, int ai, float[] b, int b0, int ldb, float beta,
                             float[] c, int ci) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
        int p = 0;
        for (; p <= k - L; p += L) { // full vectors: no mask to build
            FloatVector x = FloatVector.fromArray(S, ar, ai + p);
            s0 = FMA ? x.fma(FloatVector.fromArray(S, b, b0 + p), s0) : x.mul(FloatVector.fromArray(S, b, b0 + p)).add(s0);
            s1 = FMA ? x.fma(FloatVector.fromArray(S, b, b0 + ldb + p), s1) : x.mul(FloatVector.fromArray(S, b, b0 + ldb + p)).add(s1);
            s2 = FMA ? x.fma(FloatVector.fromArray(S, b, b0 + 2 * ldb + p), s2) : x.mul(FloatVector.fromArray(S, b, b0 + 2 * ldb + p)).add(s2);
            s3 = FMA ? x.fma(FloatVector.fromArray(S, b, b0 + 3 * ldb + p), s3) : x.mul(FloatVector.fromArray(S, b, b0 + 3 * ldb + p)).add(s3);
        }
        for (; p < k; p += L) { // the tail, masked (runs at most once)
            VectorMask<Float> mk = S.indexInRange(p, k);
            FloatVector x = FloatVector.fromArray(S, ar, ai + p, mk);
            s0 = FMA ? x.fma(FloatVector.fromArray(S, b, b0 + p, mk), s0) : x.mul(FloatVector.fromArray(S, b, b0 + p, mk)).add(s0);
            s1 = FMA ? x.fma(FloatVector.fromArray(S, b, b0 + ldb + p, mk), s1) : x.mul(FloatVector.fromArray(S, b, b0 + ldb + p, mk)).add(s1);
            s2 = FMA ? x.fma(FloatVector.fromArray(S, b, b0 + 2 * ldb + p, mk), s2) : x.mul(FloatVector.fromArray(S, b, b0 + 2 * ldb + p, mk)).add(s2);
            s3 = FMA ? x.fma(FloatVector.fromArray(S, b, b0 + 3 * ldb + p, mk), s3) : x.mul(FloatVector.fromArray(S, b, b0 + 3 * ldb + p, mk)).add(s3);
        }
        // The four lane sums at once, in the same fixed tree as Lanes (so dot4 and dot1 agree
        // bit for bit): fold halves and pack s0|s1 and s2|s3, fold quarters and pack all four,
        // then the last folds; s0 ends in lane 0, s2 in L/4, s1 in L/2, s3 in 3L/4.
        FloatVector h01 = s0.add(s0.rearrange(Lanes.HALF)).blend(s1.add(s1.rearrange(Lanes.HALF)), Lanes.UPPER_HALF);
        FloatVector h23 = s2.add(s2.rearrange(Lanes.HALF)).blend(s3.add(s3.rearrange(Lanes.HALF)), Lanes.UPPER_HALF);
        FloatVector t = h01.add(h01.rearrange(Lanes.QUARTER))
                .blend(h23.add(h23.rearrange(Lanes.MINUS_QUARTER)), Lanes.SECOND_QUARTERS);
        t = t.add(t.rearrange(Lanes.R2, Lanes.M8));
        t = t.add(t.rearrange(Lanes.R1, Lanes.M4));
        c[ci] = combine(alpha, t.lane(0), beta, c[ci]);
        c[ci + 1] = combine(alpha, t.lane(L / 2), beta, c[ci + 1]);
        c[ci + 2] = combine(alpha, t.lane(L / 4), beta, c[ci + 2]);
        c[ci + 3] = combine(alpha, t.lane(3 * L / 4), beta, c[ci + 3]);
    }

    /** c[ci] from one dot product of x with the row of B at bj. */
    private static void dot1(int k, float alpha, float[] ar, int ai, float[] b, int bj, float beta, float[] c, int ci) {
        FloatVector s = FloatVector.zero(S);
        for (int p = 0; p < k; p += L) {
            VectorMask<Float> mk = S.indexInRange(p, k);
            s = FMA ? FloatVector.fromArray(S, ar, ai + p, mk).fma(FloatVector.fromArray(S, b, bj + p, mk), s) : FloatVector.fromArray(S, ar, ai + p, mk).mul(FloatVector.fromArray(S, b, bj + p, mk)).add(s);
        }
        s = s.add(s.rearrange(Lanes.R8, Lanes.M8)); // fixed-order lane sum (see Lanes)
        s = s.add(s.rearrange(Lanes.R4, Lanes.M4));
        s = s.add(s.rearrange(Lanes.R2));
        s = s.add(s.rearrange(Lanes.R1));
        c[ci] = combine(alpha, s.lane(0), beta, c[ci]);
    }

    /** {@code C = alpha·op(A)·B + beta·C} (B k×n, row-major), then the epilogue; one row of C at a time. */
    static void broadcastRows(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
                              float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc,
                              float[] bias, int biasOff) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j += BLOCK) {
                int w = Math.min(BLOCK, n - j);
                VectorMask<Float> m0 = S.indexInRange(0, w);
                VectorMask<Float> m1 = S.indexInRange(L, w);
                VectorMask<Float> m2 = S.indexInRange(2 * L, w);
                VectorMask<Float> m3 = S.indexInRange(3 * L, w);
                FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    FloatVector x = FloatVector.broadcast(S, aip);
                    int bp = bOff + p * ldb + j;
                    if (w == BLOCK) {
                        s0 = FMA ? x.fma(FloatVector.fromArray(S, b, bp), s0) : x.mul(FloatVector.fromArray(S, b, bp)).add(s0);
                        s1 = FMA ? x.fma(FloatVector.fromArray(S, b, bp + L), s1) : x.mul(FloatVector.fromArray(S, b, bp + L)).add(s1);
                        s2 = FMA ? x.fma(FloatVector.fromArray(S, b, bp + 2 * L), s2) : x.mul(FloatVector.fromArray(S, b, bp + 2 * L)).add(s2);
                        s3 = FMA ? x.fma(FloatVector.fromArray(S, b, bp + 3 * L), s3) : x.mul(FloatVector.fromArray(S, b, bp + 3 * L)).add(s3);
                    } else {
                        // only the vectors that hold columns: a masked load whose offset lies past the
                        // array's end (all lanes off) leaves the intrinsic for a fallback that allocates
                        s0 = FMA ? x.fma(FloatVector.fromArray(S, b, bp, m0), s0) : x.mul(FloatVector.fromArray(S, b, bp, m0)).add(s0);
                        if (w > L) {
                            s1 = FMA ? x.fma(FloatVector.fromArray(S, b, bp + L, m1), s1) : x.mul(FloatVector.fromArray(S, b, bp + L, m1)).add(s1);
                        }
                        if (w > 2 * L) {
                            s2 = FMA ? x.fma(FloatVector.fromArray(S, b, bp + 2 * L, m2), s2) : x.mul(FloatVector.fromArray(S, b, bp + 2 * L, m2)).add(s2);
                        }
                        if (w > 3 * L) {
                            s3 = FMA ? x.fma(FloatVector.fromArray(S, b, bp + 3 * L, m3), s3) : x.mul(FloatVector.fromArray(S, b, bp + 3 * L, m3)).add(s3);
                        }
                    }
                }
                storeRow(s0, alpha, beta, c, ci + j, m0);
                if (w > L) { // vectors with no column are not passed on: an unneeded call boxed them
                    storeRow(s1, alpha, beta, c, ci + j + L, m1);
                }
                if (w > 2 * L) {
                    storeRow(s2, alpha, beta, c, ci + j + 2 * L, m2);
                }
                if (w > 3 * L) {
                    storeRow(s3, alpha, beta, c, ci + j + 3 * L, m3);
                }
            }
            addBiasRow(n, c, ci, bias, biasOff);
        }
    }

    private static void storeRow(FloatVector s, float alpha, float beta, float[] c, int idx, VectorMask<Float> m) {
        if (!m.anyTrue()) {
            return;
        }
        FloatVector v = alpha == 1f ? s : s.mul(alpha);
        if (beta != 0f) {
            FloatVector old = FloatVector.fromArray(S, c, idx, m);
            v = beta == 1f ? v.add(old) : (FMA ? old.fma(FloatVector.broadcast(S, beta), v) : old.mul(FloatVector.broadcast(S, beta)).add(v));
        }
        v.intoArray(c, idx, m);
    }

    /** alpha·s + beta·c, with beta == 0 ignoring c (which may be NaN). */
    private static float combine(float alpha, float s, float beta, float c) {
        float v = alpha * s;
        return beta == 0f ? v : beta == 1f ? v + c : Fma.fma(beta, c, v);
    }

    /** {@code C[i, :] += bias} for each of {@code m} rows (row stride {@code ldc}); nothing when bias is null. */
    static void addBiasRows(int m, int n, float[] c, int cOff, int ldc, float[] bias, int biasOff) {
        if (bias == null) {
            return;
        }
        for (int i = 0; i < m; i++) {
            addBiasRow(n, c, cOff + i * ldc, bias, biasOff);
        }
    }

    /** {@code c[ci + j] += bias[biasOff + j]} for {@code n} columns; nothing when bias is null. */
    static void addBiasRow(int n, float[] c, int ci, float[] bias, int biasOff) {
        if (bias == null) {
            return;
        }
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector.fromArray(S, c, ci + j, m).add(FloatVector.fromArray(S, bias, biasOff + j, m)).intoArray(c, ci + j, m);
        }
    }
}
