package dev.simdnn.simd.gemm;

import dev.simdnn.simd.Fma;
import dev.simdnn.simd.SimdConfig;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import static dev.simdnn.simd.SimdConfig.FMA;

/**
 * Writes an edge tile (one that C cuts short; the micro-kernel stores full tiles itself) back to
 * C while it is hot in L1:
 * {@code C = alpha·tile + beta·C} (C not read when beta == 0, so NaN in C never leaks), plus, on
 * the last k-slice of a dense forward, the bias {@code bias[j]}. Only the {@code mr × nr} corner
 * that exists is written (masked columns). The activation is not applied here: see
 * {@code SimdKernels.denseForward}.
 */
final class Epilogue {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = S.length();
    private static final int NR = MicroKernel12xTwoVectors.NR;

    private Epilogue() {
    }

    /**
     * @param tile not modified: MR × NR sums
     * @param c    modified: the tile's corner at {@code ci}, row stride {@code ldc}
     * @param bias not modified: per-column bias indexed by the global column, or null
     */
    static void store(float[] tile, int mr, int nr, float alpha, float beta,
                      float[] c, int ci, int ldc, float[] bias, int biasIdx) {
        // No vector or array reference here may be null: C2 boxes (and has been seen to
        // miscompile) vectors merged with null. A boolean selects the work; the unused array is C.
        boolean hasBias = bias != null;
        float[] biasArr = hasBias ? bias : c;
        FloatVector vBeta = FloatVector.broadcast(S, beta);
        for (int half = 0; half < 2; half++) {
            int j = half * L;
            if (j >= nr) {
                break;
            }
            VectorMask<Float> m = S.indexInRange(j, nr);
            FloatVector bv = hasBias ? FloatVector.fromArray(S, biasArr, biasIdx + j, m) : FloatVector.zero(S);
            for (int i = 0; i < mr; i++) {
                int idx = ci + i * ldc + j;
                FloatVector v = FloatVector.fromArray(S, tile, i * NR + j).mul(alpha); // times 1 is exact
                if (beta != 0f) {
                    v = FMA ? FloatVector.fromArray(S, c, idx, m).fma(vBeta, v) : FloatVector.fromArray(S, c, idx, m).mul(vBeta).add(v);
                }
                if (hasBias) {
                    v = v.add(bv);
                }
                v.intoArray(c, idx, m);
            }
        }
    }

    /**
     * Writes the tile transposed: tile element (r, q) goes to {@code c[ci + q·ldc + r]}, as
     * {@code alpha·tile + beta·C} (C not read when beta == 0). Scalar: used only when C has few
     * columns, where each tile row is one column of C.
     */
    static void storeTransposed(float[] tile, int mr, int nr, float alpha, float beta, float[] c, int ci, int ldc) {
        for (int q = 0; q < nr; q++) {
            int row = ci + q * ldc;
            for (int r = 0; r < mr; r++) {
                float v = alpha * tile[r * NR + q];
                c[row + r] = beta == 0f ? v : beta == 1f ? v + c[row + r] : Fma.fma(beta, c[row + r], v);
            }
        }
    }
}
