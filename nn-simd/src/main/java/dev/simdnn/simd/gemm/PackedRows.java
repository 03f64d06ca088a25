package dev.simdnn.simd.gemm;

import dev.simdnn.simd.SimdConfig;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import static dev.simdnn.simd.SimdConfig.FMA;

/**
 * A few rows of {@code C = A·B + bias} with B packed beforehand ({@link Gemm.PackedB}): batch-1
 * inference of a frozen dense layer, a GEMV over the packed panels instead of a dot product per
 * column.
 *
 * <p>Each element of C gets the micro-kernel's arithmetic: one FMA chain over p per k-slice, from
 * zero, in p order ({@code a[p]·b[p][j] + acc}), the slices added into C in order, the bias added
 * after the last one. So a row computed here has the same bits as the same row inside any larger
 * batch through {@link Gemm#gemmPackedB}: a frozen model's answer for an input does not depend on
 * the batch it arrives in.
 *
 * <p>Every column is one lane of one vector, so there is no horizontal sum. Four slivers (eight
 * vectors of columns) advance together, eight independent FMA chains, enough to cover the FMA
 * latency; each p costs one broadcast, eight loads from four contiguous streams and eight FMAs.
 */
final class PackedRows {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = S.length();
    private static final int NR = Gemm.BLOCKING.nr();
    private static final int KC = Gemm.BLOCKING.kc();
    private static final int NC = Gemm.BLOCKING.nc();

    private PackedRows() {
    }

    /**
     * {@code C[i, :] = A[i, :]·B + bias} for {@code m} rows ({@code k >= 1}); {@code bias} may be null.
     *
     * @param c modified: {@code m} rows of {@code packed.n} columns, row stride {@code ldc}
     */
    static void multiply(int m, int k, float[] a, int aOff, int lda, Gemm.PackedB packed,
                         float[] c, int cOff, int ldc, float[] bias, int biasOff) {
        int n = packed.n;
        boolean hasBias = bias != null;
        float[] biasArr = hasBias ? bias : c; // never null: see Epilogue
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            int ci = cOff + i * ldc;
            for (int jc = 0, panel = 0; jc < n; jc += NC, panel++) {
                int nc = Math.min(NC, n - jc);
                int full = nc / NR;
                int s = 0;
                for (; s + 4 <= full; s += 4) {
                    fourSlivers(k, a, ai, packed, panel, s, c, ci + jc + s * NR, hasBias, biasArr, biasOff + jc + s * NR);
                }
                for (; s < full; s++) {
                    sliver(k, a, ai, packed, panel, s, NR, c, ci + jc + s * NR, hasBias, biasArr, biasOff + jc + s * NR);
                }
                if (full * NR < nc) {
                    sliver(k, a, ai, packed, panel, full, nc - full * NR, c, ci + jc + full * NR, hasBias, biasArr,
                            biasOff + jc + full * NR);
                }
            }
        }
    }

    /** Slivers {@code s … s+3} of a panel, all full: {@code 4·NR} columns of one row of C at {@code ci}. */
    private static void fourSlivers(int k, float[] a, int ai, Gemm.PackedB packed, int panel, int s,
                                    float[] c, int ci, boolean hasBias, float[] bias, int biasIdx) {
        float[] pb = packed.data;
        for (int pc = 0, slice = 0; pc < k; pc += KC, slice++) {
            int kc = Math.min(KC, k - pc);
            int b0 = packed.offset(panel, slice) + s * NR * kc;
            int b1 = b0 + NR * kc;
            int b2 = b1 + NR * kc;
            int b3 = b2 + NR * kc;
            FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
            FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
            FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
            FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
            int ap = ai + pc;
            for (int p = 0; p < kc; p++) {
                FloatVector x = FloatVector.broadcast(S, a[ap + p]);
                int bp = p * NR;
                c00 = FMA ? x.fma(FloatVector.fromArray(S, pb, b0 + bp), c00) : x.mul(FloatVector.fromArray(S, pb, b0 + bp)).add(c00);
                c01 = FMA ? x.fma(FloatVector.fromArray(S, pb, b0 + bp + L), c01) : x.mul(FloatVector.fromArray(S, pb, b0 + bp + L)).add(c01);
                c10 = FMA ? x.fma(FloatVector.fromArray(S, pb, b1 + bp), c10) : x.mul(FloatVector.fromArray(S, pb, b1 + bp)).add(c10);
                c11 = FMA ? x.fma(FloatVector.fromArray(S, pb, b1 + bp + L), c11) : x.mul(FloatVector.fromArray(S, pb, b1 + bp + L)).add(c11);
                c20 = FMA ? x.fma(FloatVector.fromArray(S, pb, b2 + bp), c20) : x.mul(FloatVector.fromArray(S, pb, b2 + bp)).add(c20);
                c21 = FMA ? x.fma(FloatVector.fromArray(S, pb, b2 + bp + L), c21) : x.mul(FloatVector.fromArray(S, pb, b2 + bp + L)).add(c21);
                c30 = FMA ? x.fma(FloatVector.fromArray(S, pb, b3 + bp), c30) : x.mul(FloatVector.fromArray(S, pb, b3 + bp)).add(c30);
                c31 = FMA ? x.fma(FloatVector.fromArray(S, pb, b3 + bp + L), c31) : x.mul(FloatVector.fromArray(S, pb, b3 + bp + L)).add(c31);
            }
            // C = sum (first slice) or C + sum (the epilogue's C·1 + sum, one rounding), then the bias.
            if (pc > 0) {
                c00 = c00.add(FloatVector.fromArray(S, c, ci));
                c01 = c01.add(FloatVector.fromArray(S, c, ci + L));
                c10 = c10.add(FloatVector.fromArray(S, c, ci + NR));
                c11 = c11.add(FloatVector.fromArray(S, c, ci + NR + L));
                c20 = c20.add(FloatVector.fromArray(S, c, ci + 2 * NR));
                c21 = c21.add(FloatVector.fromArray(S, c, ci + 2 * NR + L));
                c30 = c30.add(FloatVector.fromArray(S, c, ci + 3 * NR));
                c31 = c31.add(FloatVector.fromArray(S, c, ci + 3 * NR + L));
            }
            if (hasBias && pc + kc == k) {
                c00 = c00.add(FloatVector.fromArray(S, bias, biasIdx));
                c01 = c01.add(FloatVector.fromArray(S, bias, biasIdx + L));
                c10 = c10.add(FloatVector.fromArray(S, bias, biasIdx + NR));
                c11 = c11.add(FloatVector.fromArray(S, bias, biasIdx + NR + L));
                c20 = c20.add(FloatVector.fromArray(S, bias, biasIdx + 2 * NR));
                c21 = c21.add(FloatVector.fromArray(S, bias, biasIdx + 2 * NR + L));
                c30 = c30.add(FloatVector.fromArray(S, bias, biasIdx + 3 * NR));
                c31 = c31.add(FloatVector.fromArray(S, bias, biasIdx + 3 * NR + L));
            }
            c00.intoArray(c, ci);
            c01.intoArray(c, ci + L);
            c10.intoArray(c, ci + NR);
            c11.intoArray(c, ci + NR + L);
            c20.intoArray(c, ci + 2 * NR);
            c21.intoArray(c, ci + 2 * NR + L);
            c30.intoArray(c, ci + 3 * NR);
            c31.intoArray(c, ci + 3 * NR + L);
        }
    }

    /**
     * Sliver {@code s} of a panel, of which the first {@code w} columns exist ({@code 1 <= w <= NR}),
     * into one row of C at {@code ci}: masked where the sliver runs past C (the packed zeros there
     * are computed and not stored); a vector with no column is neither loaded nor stored.
     */
    private static void sliver(int k, float[] a, int ai, Gemm.PackedB packed, int panel, int s, int w,
                               float[] c, int ci, boolean hasBias, float[] bias, int biasIdx) {
        float[] pb = packed.data;
        VectorMask<Float> m0 = S.indexInRange(0, w);
        VectorMask<Float> m1 = S.indexInRange(L, w);
        boolean second = w > L;
        for (int pc = 0, slice = 0; pc < k; pc += KC, slice++) {
            int kc = Math.min(KC, k - pc);
            int b0 = packed.offset(panel, slice) + s * NR * kc;
            // two chains per sliver: split over p's parity would change the order, so the latency shows
            FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
            int ap = ai + pc;
            for (int p = 0; p < kc; p++) {
                FloatVector x = FloatVector.broadcast(S, a[ap + p]);
                int bp = b0 + p * NR;
                c0 = FMA ? x.fma(FloatVector.fromArray(S, pb, bp), c0) : x.mul(FloatVector.fromArray(S, pb, bp)).add(c0);
                c1 = FMA ? x.fma(FloatVector.fromArray(S, pb, bp + L), c1) : x.mul(FloatVector.fromArray(S, pb, bp + L)).add(c1);
            }
            boolean lastSlice = pc + kc == k;
            if (pc > 0) {
                c0 = c0.add(FloatVector.fromArray(S, c, ci, m0));
            }
            if (hasBias && lastSlice) {
                c0 = c0.add(FloatVector.fromArray(S, bias, biasIdx, m0));
            }
            c0.intoArray(c, ci, m0);
            if (second) {
                if (pc > 0) {
                    c1 = c1.add(FloatVector.fromArray(S, c, ci + L, m1));
                }
                if (hasBias && lastSlice) {
                    c1 = c1.add(FloatVector.fromArray(S, bias, biasIdx + L, m1));
                }
                c1.intoArray(c, ci + L, m1);
            }
        }
    }
}
