package dev.simdnn.simd.gemm;

import dev.simdnn.simd.SimdConfig;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Copies blocks of op(A) and op(B) into the contiguous sliver layouts the micro-kernel streams
 * (drawn in {@link MicroKernel12xTwoVectors}). Packing absorbs the transposition: the kernel never
 * knows whether A or B was transposed. Partial slivers are padded with zeros.
 */
final class Packing {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = S.length();
    private static final int MR = MicroKernel12xTwoVectors.MR;
    private static final int NR = MicroKernel12xTwoVectors.NR;

    private Packing() {
    }

    /**
     * Rows {@code [ic, ic+mc)} × columns {@code [pc, pc+kc)} of op(A) into {@code dst} (modified):
     * sliver t holds rows {@code ic+12t …}, at {@code dst[t·12·kc + p·12 + i]}.
     */
    static void packA(float[] dst, boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc) {
        for (int t = 0; t < mc; t += MR) {
            int rows = Math.min(MR, mc - t);
            int base = t * kc; // (t / MR) · MR · kc
            if (!transA) {
                // op(A)[i][p] = A[i][p]: read each row forward, write with stride MR.
                for (int i = 0; i < rows; i++) {
                    int src = aOff + (ic + t + i) * lda + pc;
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * MR + i] = a[src + p];
                    }
                }
            } else {
                // op(A)[i][p] = A[p][i]: the MR values of one p are adjacent in A.
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + ic + t;
                    int d = base + p * MR;
                    for (int i = 0; i < rows; i++) {
                        dst[d + i] = a[src + i];
                    }
                }
            }
            if (rows < MR) {
                for (int p = 0; p < kc; p++) {
                    for (int i = rows; i < MR; i++) {
                        dst[base + p * MR + i] = 0f;
                    }
                }
            }
        }
    }

    /**
     * Rows {@code [pc, pc+kc)} × columns {@code [jc, jc+nc)} of op(B) into {@code dst} (modified):
     * sliver s holds columns {@code jc+NR·s …}, at {@code dst[s·NR·kc + p·NR + j]}.
     */
    static void packB(float[] dst, boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc) {
        for (int s = 0; s < nc; s += NR) {
            int cols = Math.min(NR, nc - s);
            int base = s * kc; // (s / NR) · NR · kc
            if (!transB) {
                // op(B)[p][j] = B[p][j]: each p is a contiguous run of up to NR floats.
                if (cols == NR) {
                    for (int p = 0; p < kc; p++) {
                        int src = bOff + (pc + p) * ldb + jc + s;
                        int d = base + p * NR;
                        FloatVector.fromArray(S, b, src).intoArray(dst, d);
                        FloatVector.fromArray(S, b, src + L).intoArray(dst, d + L);
                    }
                } else {
                    VectorMask<Float> m0 = S.indexInRange(0, cols);
                    VectorMask<Float> m1 = S.indexInRange(L, cols);
                    for (int p = 0; p < kc; p++) {
                        int src = bOff + (pc + p) * ldb + jc + s;
                        int d = base + p * NR;
                        // Masked-off lanes load as zero: the padding comes for free.
                        FloatVector.fromArray(S, b, src, m0).intoArray(dst, d);
                        FloatVector.fromArray(S, b, src + L, m1).intoArray(dst, d + L);
                    }
                }
            } else {
                // op(B)[p][j] = B[j][p]: read each row of B forward, write with stride NR.
                for (int j = 0; j < cols; j++) {
                    int src = bOff + (jc + s + j) * ldb + pc;
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * NR + j] = b[src + p];
                    }
                }
                if (cols < NR) {
                    for (int p = 0; p < kc; p++) {
                        for (int j = cols; j < NR; j++) {
                            dst[base + p * NR + j] = 0f;
                        }
                    }
                }
            }
        }
    }
}
