package dev.simdnn.simd.gemm;

import dev.simdnn.kernel.Activation;
import dev.simdnn.simd.SimdConfig;
import dev.simdnn.simd.fused.VectorActivations;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Writes a finished micro-kernel tile back to C while it is hot in L1:
 * {@code v = alpha·tile + beta·C} (C not read when beta == 0, so NaN in C never leaks), and on the
 * last k-slice of a fused dense forward also {@code v += bias[j]}, then either
 * {@code C = act(v)} or, when the pre-activation is kept, {@code C = v} (that is z) and
 * {@code Y = act(v)}. Only the {@code mr × nr} corner that exists is written (masked columns).
 */
final class Epilogue {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = S.length();
    private static final int NR = MicroKernel12xTwoVectors.NR;

    private Epilogue() {
    }

    /**
     * @param tile   not modified: MR × NR sums
     * @param c      modified: the tile's corner at {@code ci}, row stride {@code ldc}
     * @param bias   not modified: per-column bias indexed by the global column {@code col}, or null
     * @param act    activation to apply, or null for none (plain GEMM or a not-last k-slice)
     * @param y      modified when non-null: activations, same layout as C from {@code yi}
     */
    static void store(float[] tile, int mr, int nr, float alpha, float beta,
                      float[] c, int ci, int ldc,
                      float[] bias, int biasIdx, Activation act, float[] y, int yi) {
        boolean fused = bias != null || act != null;
        Activation.Kind kind = act == null ? Activation.Kind.IDENTITY : act.kind();
        float actAlpha = act == null ? 0f : act.alpha();
        for (int half = 0; half < 2; half++) {
            int j = half * L;
            if (j >= nr) {
                break;
            }
            boolean full = j + L <= nr;
            VectorMask<Float> m = full ? S.maskAll(true) : S.indexInRange(j, nr);
            FloatVector bv = bias == null ? null
                    : full ? FloatVector.fromArray(S, bias, biasIdx + j) : FloatVector.fromArray(S, bias, biasIdx + j, m);
            for (int i = 0; i < mr; i++) {
                int idx = ci + i * ldc + j;
                FloatVector v = FloatVector.fromArray(S, tile, i * NR + j);
                if (alpha != 1f) {
                    v = v.mul(alpha);
                }
                if (beta != 0f) {
                    FloatVector old = full ? FloatVector.fromArray(S, c, idx) : FloatVector.fromArray(S, c, idx, m);
                    v = beta == 1f ? v.add(old) : old.fma(FloatVector.broadcast(S, beta), v);
                }
                if (fused) {
                    if (bv != null) {
                        v = v.add(bv);
                    }
                    // one call site for the activation (see SimdKernels.activationForward)
                    FloatVector a = VectorActivations.apply(kind, actAlpha, v);
                    if (y != null) {
                        // keep z in C, write act(z) to Y
                        int yIdx = yi + i * ldc + j;
                        if (full) {
                            a.intoArray(y, yIdx);
                        } else {
                            a.intoArray(y, yIdx, m);
                        }
                    } else {
                        v = a;
                    }
                }
                if (full) {
                    v.intoArray(c, idx);
                } else {
                    v.intoArray(c, idx, m);
                }
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
                c[row + r] = beta == 0f ? v : beta == 1f ? v + c[row + r] : Math.fma(beta, c[row + r], v);
            }
        }
    }
}
