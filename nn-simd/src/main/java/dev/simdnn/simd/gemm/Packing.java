package dev.simdnn.simd.gemm;

import dev.simdnn.simd.SimdConfig;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
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

    /**
     * The transposed pack of B turns L × L blocks in registers by the butterfly: log2(L) stages, each
     * swapping one bit of the row index with the same bit of the lane index, one rotation and one
     * blend per row (on the MLP's 784 × 256 weight at 16 lanes, 20–24 against 52 µs for the scalar
     * copy, timed in a throwaway loop; in JMH {@code GemmBench} the 128×256×784 NT product went from
     * 173 to 207 GFLOP/s).
     * Written out for 4, 8 and 16 lanes; any other species keeps the scalar copy. The pack of an
     * untransposed A uses it too at 16 lanes, 12 rows and four zero rows per block (the X of the
     * MLP's first layer, 128 × 784: 13–15 against 20 µs, timed the same way).
     */
    private static final boolean TRANSPOSE_IN_REGISTERS = L == 4 || L == 8 || L == 16;
    /** Floats after its last sliver that {@link #packA} may overwrite (its 16-lane pack of A). */
    static final int A_SLACK = L;
    /**
     * Per butterfly stage, bit L/2 first: {@code UP} moves lane {@code l − bit} to lane l, {@code DOWN}
     * lane {@code l + bit} (both mod L); {@code HIGH} holds the lanes whose index has the bit set.
     */
    private static final VectorShuffle<Float>[] UP = rotations(-1);
    private static final VectorShuffle<Float>[] DOWN = rotations(1);
    private static final VectorMask<Float>[] HIGH = highLanes();

    private Packing() {
    }

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] rotations(int sign) {
        int stages = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] out = new VectorShuffle[stages];
        for (int st = 0; st < stages; st++) {
            int bit = L >> (st + 1);
            int[] idx = new int[L];
            for (int l = 0; l < L; l++) {
                idx[l] = (l + sign * bit) & (L - 1);
            }
            out[st] = VectorShuffle.fromArray(S, idx, 0);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static VectorMask<Float>[] highLanes() {
        int stages = Integer.numberOfTrailingZeros(L);
        VectorMask<Float>[] out = new VectorMask[stages];
        for (int st = 0; st < stages; st++) {
            int bit = L >> (st + 1);
            boolean[] set = new boolean[L];
            for (int l = 0; l < L; l++) {
                set[l] = (l & bit) != 0;
            }
            out[st] = VectorMask.fromArray(S, set, 0);
        }
        return out;
    }

    /**
     * {@code dst[d + q·NR + i] = b[src + i·ldb + q]} for an L × L block. The blocks below are written
     * out, a named vector per row and a line per row and stage: vectors held in an array would be
     * boxed.
     */
    private static void transpose(float[] b, int src, int ldb, float[] dst, int d) {
        if (L == 16) {
            transpose16(b, src, ldb, true, dst, d, NR);
        } else if (L == 8) {
            transpose8(b, src, ldb, dst, d);
        } else {
            transpose4(b, src, ldb, dst, d);
        }
    }

    /** {@code dst[d + q·NR + i] = b[src + i·ldb + q]} for a 16 × 16 block (16-lane species only). */
    /**
     * The 16-lane block, for B ({@code sixteen}: 16 rows, stores at stride NR) and for A (12 rows and
     * four zero rows, stores of 16 lanes at stride MR: lanes 12–15 of the last p land in the four
     * floats after the block).
     */
    private static void transpose16(float[] b, int src, int ldb, boolean sixteen, float[] dst, int d, int stride) {
        FloatVector r0 = FloatVector.fromArray(S, b, src + 0 * ldb);
        FloatVector r1 = FloatVector.fromArray(S, b, src + 1 * ldb);
        FloatVector r2 = FloatVector.fromArray(S, b, src + 2 * ldb);
        FloatVector r3 = FloatVector.fromArray(S, b, src + 3 * ldb);
        FloatVector r4 = FloatVector.fromArray(S, b, src + 4 * ldb);
        FloatVector r5 = FloatVector.fromArray(S, b, src + 5 * ldb);
        FloatVector r6 = FloatVector.fromArray(S, b, src + 6 * ldb);
        FloatVector r7 = FloatVector.fromArray(S, b, src + 7 * ldb);
        FloatVector r8 = FloatVector.fromArray(S, b, src + 8 * ldb);
        FloatVector r9 = FloatVector.fromArray(S, b, src + 9 * ldb);
        FloatVector r10 = FloatVector.fromArray(S, b, src + 10 * ldb);
        FloatVector r11 = FloatVector.fromArray(S, b, src + 11 * ldb);
        FloatVector r12 = sixteen ? FloatVector.fromArray(S, b, src + 12 * ldb) : FloatVector.zero(S);
        FloatVector r13 = sixteen ? FloatVector.fromArray(S, b, src + 13 * ldb) : FloatVector.zero(S);
        FloatVector r14 = sixteen ? FloatVector.fromArray(S, b, src + 14 * ldb) : FloatVector.zero(S);
        FloatVector r15 = sixteen ? FloatVector.fromArray(S, b, src + 15 * ldb) : FloatVector.zero(S);
        // swap bit 8 of the row with bit 8 of the lane
        FloatVector t0x8 = r0.blend(r8.rearrange(UP[0]), HIGH[0]);
        r8 = r0.rearrange(DOWN[0]).blend(r8, HIGH[0]);
        r0 = t0x8;
        FloatVector t1x8 = r1.blend(r9.rearrange(UP[0]), HIGH[0]);
        r9 = r1.rearrange(DOWN[0]).blend(r9, HIGH[0]);
        r1 = t1x8;
        FloatVector t2x8 = r2.blend(r10.rearrange(UP[0]), HIGH[0]);
        r10 = r2.rearrange(DOWN[0]).blend(r10, HIGH[0]);
        r2 = t2x8;
        FloatVector t3x8 = r3.blend(r11.rearrange(UP[0]), HIGH[0]);
        r11 = r3.rearrange(DOWN[0]).blend(r11, HIGH[0]);
        r3 = t3x8;
        FloatVector t4x8 = r4.blend(r12.rearrange(UP[0]), HIGH[0]);
        r12 = r4.rearrange(DOWN[0]).blend(r12, HIGH[0]);
        r4 = t4x8;
        FloatVector t5x8 = r5.blend(r13.rearrange(UP[0]), HIGH[0]);
        r13 = r5.rearrange(DOWN[0]).blend(r13, HIGH[0]);
        r5 = t5x8;
        FloatVector t6x8 = r6.blend(r14.rearrange(UP[0]), HIGH[0]);
        r14 = r6.rearrange(DOWN[0]).blend(r14, HIGH[0]);
        r6 = t6x8;
        FloatVector t7x8 = r7.blend(r15.rearrange(UP[0]), HIGH[0]);
        r15 = r7.rearrange(DOWN[0]).blend(r15, HIGH[0]);
        r7 = t7x8;
        // swap bit 4 of the row with bit 4 of the lane
        FloatVector t0x4 = r0.blend(r4.rearrange(UP[1]), HIGH[1]);
        r4 = r0.rearrange(DOWN[1]).blend(r4, HIGH[1]);
        r0 = t0x4;
        FloatVector t1x4 = r1.blend(r5.rearrange(UP[1]), HIGH[1]);
        r5 = r1.rearrange(DOWN[1]).blend(r5, HIGH[1]);
        r1 = t1x4;
        FloatVector t2x4 = r2.blend(r6.rearrange(UP[1]), HIGH[1]);
        r6 = r2.rearrange(DOWN[1]).blend(r6, HIGH[1]);
        r2 = t2x4;
        FloatVector t3x4 = r3.blend(r7.rearrange(UP[1]), HIGH[1]);
        r7 = r3.rearrange(DOWN[1]).blend(r7, HIGH[1]);
        r3 = t3x4;
        FloatVector t8x4 = r8.blend(r12.rearrange(UP[1]), HIGH[1]);
        r12 = r8.rearrange(DOWN[1]).blend(r12, HIGH[1]);
        r8 = t8x4;
        FloatVector t9x4 = r9.blend(r13.rearrange(UP[1]), HIGH[1]);
        r13 = r9.rearrange(DOWN[1]).blend(r13, HIGH[1]);
        r9 = t9x4;
        FloatVector t10x4 = r10.blend(r14.rearrange(UP[1]), HIGH[1]);
        r14 = r10.rearrange(DOWN[1]).blend(r14, HIGH[1]);
        r10 = t10x4;
        FloatVector t11x4 = r11.blend(r15.rearrange(UP[1]), HIGH[1]);
        r15 = r11.rearrange(DOWN[1]).blend(r15, HIGH[1]);
        r11 = t11x4;
        // swap bit 2 of the row with bit 2 of the lane
        FloatVector t0x2 = r0.blend(r2.rearrange(UP[2]), HIGH[2]);
        r2 = r0.rearrange(DOWN[2]).blend(r2, HIGH[2]);
        r0 = t0x2;
        FloatVector t1x2 = r1.blend(r3.rearrange(UP[2]), HIGH[2]);
        r3 = r1.rearrange(DOWN[2]).blend(r3, HIGH[2]);
        r1 = t1x2;
        FloatVector t4x2 = r4.blend(r6.rearrange(UP[2]), HIGH[2]);
        r6 = r4.rearrange(DOWN[2]).blend(r6, HIGH[2]);
        r4 = t4x2;
        FloatVector t5x2 = r5.blend(r7.rearrange(UP[2]), HIGH[2]);
        r7 = r5.rearrange(DOWN[2]).blend(r7, HIGH[2]);
        r5 = t5x2;
        FloatVector t8x2 = r8.blend(r10.rearrange(UP[2]), HIGH[2]);
        r10 = r8.rearrange(DOWN[2]).blend(r10, HIGH[2]);
        r8 = t8x2;
        FloatVector t9x2 = r9.blend(r11.rearrange(UP[2]), HIGH[2]);
        r11 = r9.rearrange(DOWN[2]).blend(r11, HIGH[2]);
        r9 = t9x2;
        FloatVector t12x2 = r12.blend(r14.rearrange(UP[2]), HIGH[2]);
        r14 = r12.rearrange(DOWN[2]).blend(r14, HIGH[2]);
        r12 = t12x2;
        FloatVector t13x2 = r13.blend(r15.rearrange(UP[2]), HIGH[2]);
        r15 = r13.rearrange(DOWN[2]).blend(r15, HIGH[2]);
        r13 = t13x2;
        // swap bit 1 of the row with bit 1 of the lane
        FloatVector t0x1 = r0.blend(r1.rearrange(UP[3]), HIGH[3]);
        r1 = r0.rearrange(DOWN[3]).blend(r1, HIGH[3]);
        r0 = t0x1;
        FloatVector t2x1 = r2.blend(r3.rearrange(UP[3]), HIGH[3]);
        r3 = r2.rearrange(DOWN[3]).blend(r3, HIGH[3]);
        r2 = t2x1;
        FloatVector t4x1 = r4.blend(r5.rearrange(UP[3]), HIGH[3]);
        r5 = r4.rearrange(DOWN[3]).blend(r5, HIGH[3]);
        r4 = t4x1;
        FloatVector t6x1 = r6.blend(r7.rearrange(UP[3]), HIGH[3]);
        r7 = r6.rearrange(DOWN[3]).blend(r7, HIGH[3]);
        r6 = t6x1;
        FloatVector t8x1 = r8.blend(r9.rearrange(UP[3]), HIGH[3]);
        r9 = r8.rearrange(DOWN[3]).blend(r9, HIGH[3]);
        r8 = t8x1;
        FloatVector t10x1 = r10.blend(r11.rearrange(UP[3]), HIGH[3]);
        r11 = r10.rearrange(DOWN[3]).blend(r11, HIGH[3]);
        r10 = t10x1;
        FloatVector t12x1 = r12.blend(r13.rearrange(UP[3]), HIGH[3]);
        r13 = r12.rearrange(DOWN[3]).blend(r13, HIGH[3]);
        r12 = t12x1;
        FloatVector t14x1 = r14.blend(r15.rearrange(UP[3]), HIGH[3]);
        r15 = r14.rearrange(DOWN[3]).blend(r15, HIGH[3]);
        r14 = t14x1;
        r0.intoArray(dst, d + 0 * stride);
        r1.intoArray(dst, d + 1 * stride);
        r2.intoArray(dst, d + 2 * stride);
        r3.intoArray(dst, d + 3 * stride);
        r4.intoArray(dst, d + 4 * stride);
        r5.intoArray(dst, d + 5 * stride);
        r6.intoArray(dst, d + 6 * stride);
        r7.intoArray(dst, d + 7 * stride);
        r8.intoArray(dst, d + 8 * stride);
        r9.intoArray(dst, d + 9 * stride);
        r10.intoArray(dst, d + 10 * stride);
        r11.intoArray(dst, d + 11 * stride);
        r12.intoArray(dst, d + 12 * stride);
        r13.intoArray(dst, d + 13 * stride);
        r14.intoArray(dst, d + 14 * stride);
        r15.intoArray(dst, d + 15 * stride);
    }

    /** {@code dst[d + q·NR + i] = b[src + i·ldb + q]} for a 8 × 8 block (8-lane species only). */
    private static void transpose8(float[] b, int src, int ldb, float[] dst, int d) {
        FloatVector r0 = FloatVector.fromArray(S, b, src + 0 * ldb);
        FloatVector r1 = FloatVector.fromArray(S, b, src + 1 * ldb);
        FloatVector r2 = FloatVector.fromArray(S, b, src + 2 * ldb);
        FloatVector r3 = FloatVector.fromArray(S, b, src + 3 * ldb);
        FloatVector r4 = FloatVector.fromArray(S, b, src + 4 * ldb);
        FloatVector r5 = FloatVector.fromArray(S, b, src + 5 * ldb);
        FloatVector r6 = FloatVector.fromArray(S, b, src + 6 * ldb);
        FloatVector r7 = FloatVector.fromArray(S, b, src + 7 * ldb);
        // swap bit 4 of the row with bit 4 of the lane
        FloatVector t0x4 = r0.blend(r4.rearrange(UP[0]), HIGH[0]);
        r4 = r0.rearrange(DOWN[0]).blend(r4, HIGH[0]);
        r0 = t0x4;
        FloatVector t1x4 = r1.blend(r5.rearrange(UP[0]), HIGH[0]);
        r5 = r1.rearrange(DOWN[0]).blend(r5, HIGH[0]);
        r1 = t1x4;
        FloatVector t2x4 = r2.blend(r6.rearrange(UP[0]), HIGH[0]);
        r6 = r2.rearrange(DOWN[0]).blend(r6, HIGH[0]);
        r2 = t2x4;
        FloatVector t3x4 = r3.blend(r7.rearrange(UP[0]), HIGH[0]);
        r7 = r3.rearrange(DOWN[0]).blend(r7, HIGH[0]);
        r3 = t3x4;
        // swap bit 2 of the row with bit 2 of the lane
        FloatVector t0x2 = r0.blend(r2.rearrange(UP[1]), HIGH[1]);
        r2 = r0.rearrange(DOWN[1]).blend(r2, HIGH[1]);
        r0 = t0x2;
        FloatVector t1x2 = r1.blend(r3.rearrange(UP[1]), HIGH[1]);
        r3 = r1.rearrange(DOWN[1]).blend(r3, HIGH[1]);
        r1 = t1x2;
        FloatVector t4x2 = r4.blend(r6.rearrange(UP[1]), HIGH[1]);
        r6 = r4.rearrange(DOWN[1]).blend(r6, HIGH[1]);
        r4 = t4x2;
        FloatVector t5x2 = r5.blend(r7.rearrange(UP[1]), HIGH[1]);
        r7 = r5.rearrange(DOWN[1]).blend(r7, HIGH[1]);
        r5 = t5x2;
        // swap bit 1 of the row with bit 1 of the lane
        FloatVector t0x1 = r0.blend(r1.rearrange(UP[2]), HIGH[2]);
        r1 = r0.rearrange(DOWN[2]).blend(r1, HIGH[2]);
        r0 = t0x1;
        FloatVector t2x1 = r2.blend(r3.rearrange(UP[2]), HIGH[2]);
        r3 = r2.rearrange(DOWN[2]).blend(r3, HIGH[2]);
        r2 = t2x1;
        FloatVector t4x1 = r4.blend(r5.rearrange(UP[2]), HIGH[2]);
        r5 = r4.rearrange(DOWN[2]).blend(r5, HIGH[2]);
        r4 = t4x1;
        FloatVector t6x1 = r6.blend(r7.rearrange(UP[2]), HIGH[2]);
        r7 = r6.rearrange(DOWN[2]).blend(r7, HIGH[2]);
        r6 = t6x1;
        r0.intoArray(dst, d + 0 * NR);
        r1.intoArray(dst, d + 1 * NR);
        r2.intoArray(dst, d + 2 * NR);
        r3.intoArray(dst, d + 3 * NR);
        r4.intoArray(dst, d + 4 * NR);
        r5.intoArray(dst, d + 5 * NR);
        r6.intoArray(dst, d + 6 * NR);
        r7.intoArray(dst, d + 7 * NR);
    }

    /** {@code dst[d + q·NR + i] = b[src + i·ldb + q]} for a 4 × 4 block (4-lane species only). */
    private static void transpose4(float[] b, int src, int ldb, float[] dst, int d) {
        FloatVector r0 = FloatVector.fromArray(S, b, src + 0 * ldb);
        FloatVector r1 = FloatVector.fromArray(S, b, src + 1 * ldb);
        FloatVector r2 = FloatVector.fromArray(S, b, src + 2 * ldb);
        FloatVector r3 = FloatVector.fromArray(S, b, src + 3 * ldb);
        // swap bit 2 of the row with bit 2 of the lane
        FloatVector t0x2 = r0.blend(r2.rearrange(UP[0]), HIGH[0]);
        r2 = r0.rearrange(DOWN[0]).blend(r2, HIGH[0]);
        r0 = t0x2;
        FloatVector t1x2 = r1.blend(r3.rearrange(UP[0]), HIGH[0]);
        r3 = r1.rearrange(DOWN[0]).blend(r3, HIGH[0]);
        r1 = t1x2;
        // swap bit 1 of the row with bit 1 of the lane
        FloatVector t0x1 = r0.blend(r1.rearrange(UP[1]), HIGH[1]);
        r1 = r0.rearrange(DOWN[1]).blend(r1, HIGH[1]);
        r0 = t0x1;
        FloatVector t2x1 = r2.blend(r3.rearrange(UP[1]), HIGH[1]);
        r3 = r2.rearrange(DOWN[1]).blend(r3, HIGH[1]);
        r2 = t2x1;
        r0.intoArray(dst, d + 0 * NR);
        r1.intoArray(dst, d + 1 * NR);
        r2.intoArray(dst, d + 2 * NR);
        r3.intoArray(dst, d + 3 * NR);
    }

    /**
     * Rows {@code [ic, ic+mc)} × columns {@code [pc, pc+kc)} of op(A) into {@code dst} (modified):
     * sliver t holds rows {@code ic+12t …}, at {@code dst[t·12·kc + p·12 + i]}. May write garbage into
     * the {@link #A_SLACK} floats after the last sliver: size {@code dst} for them.
     */
    static void packA(float[] dst, boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc) {
        for (int t = 0; t < mc; t += MR) {
            int rows = Math.min(MR, mc - t);
            int base = t * kc; // (t / MR) · MR · kc
            if (!transA && rows == MR && L == 16) {
                // op(A)[i][p] = A[i][p]: 12 rows × 16 values of p turned in registers (four zero rows
                // complete the block), each p's 16 lanes stored at stride MR in p order, so the four
                // lanes past a p's twelve are overwritten by the next p (the last p's land in the
                // block after, or in the buffer's A_SLACK); the p that do not fill a block one by one.
                int src = aOff + (ic + t) * lda + pc;
                int p0 = 0;
                for (; p0 + L <= kc; p0 += L) {
                    transpose16(a, src + p0, lda, false, dst, base + p0 * MR, MR);
                }
                for (int i = 0; i < MR; i++) {
                    for (int p = p0; p < kc; p++) {
                        dst[base + p * MR + i] = a[src + i * lda + p];
                    }
                }
            } else if (!transA) {
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
            } else if (cols == NR && TRANSPOSE_IN_REGISTERS) {
                // op(B)[p][j] = B[j][p]: L × L blocks (L rows of B, L values of p) turned in registers,
                // each half of the sliver; the p that do not fill a block one by one.
                for (int h = 0; h < NR; h += L) {
                    int row0 = bOff + (jc + s + h) * ldb + pc;
                    int p0 = 0;
                    for (; p0 + L <= kc; p0 += L) {
                        transpose(b, row0 + p0, ldb, dst, base + p0 * NR + h);
                    }
                    for (int j = 0; j < L; j++) {
                        for (int p = p0; p < kc; p++) {
                            dst[base + p * NR + h + j] = b[row0 + j * ldb + p];
                        }
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
