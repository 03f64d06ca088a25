package dev.simdnn.simd.gemm;

import dev.simdnn.simd.SimdConfig;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import static dev.simdnn.simd.SimdConfig.FMA;

/**
 * The register-blocked micro-kernel: a 12 × NR tile, NR = two vectors (12 × 32 at 512 bits,
 * 12 × 16 at 256, 12 × 8 at 128), accumulated in 24 vector registers.
 *
 * <pre>
 *   C := alpha·Σ_{p < kc} a[:, p] ⊗ b[p, :] + beta·C (+ bias)   (full tiles; edges: see {@link Epilogue})
 *
 *   packed A sliver (12 × kc):       packed B sliver (kc × NR):
 *     p=0: a00 a10 … a11,0            p=0: b00 b01 … b0,NR-1
 *     p=1: a01 a11 … a11,1            p=1: b10 b11 … b1,NR-1
 *     …  (12 floats per p)           …  (NR floats per p)
 * </pre>
 *
 * Per p: two vector loads of B, twelve broadcasts of A, twenty-four FMAs (broadcast-A form;
 * {@link dev.simdnn.simd.Fma#fma}, a multiply and an add where the CPU has no FMA). A full tile is
 * written straight into C from the registers (no round trip through a tile buffer); edges are not
 * its business: packing pads partial slivers with zeros, the kernel writes them to the tile buffer
 * (row-major 12 × NR), and the epilogue writes back only the rows and columns that exist. No vector
 * ever crosses a method boundary.
 */
final class MicroKernel12xTwoVectors {
    static final int MR = 12;
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = S.length();
    static final int NR = 2 * L;

    private MicroKernel12xTwoVectors() {
    }

    /**
     * Accumulates the tile and writes {@code C = alpha·tile + beta·C (+ bias[j])} for all twelve rows
     * and both vectors straight from the registers: C is not read when {@code beta == 0}, so NaN in C
     * never leaks. A full tile only; {@link Gemm} sends an edge tile to {@code tile} (alpha 1, beta 0,
     * no bias) and lets {@link Epilogue} write the corner that exists. Either way every element gets
     * the same operations in the same order ({@code tile·alpha}, then {@code C·beta + that}, then the
     * bias), so the two routes give the same bits.
     *
     * @param a       not modified: A's twelve values at p are {@code a[ai + p·aStride + r]}, r < 12:
     *                a packed sliver ({@code aStride} = 12), or a transposed A read where it lies
     *                (stored k × m, {@code aStride} = its row stride: dW = dZᵀ·x then needs no
     *                packing of dZᵀ, which took 10.6 µs for 128 × 256; the same speed either way)
     * @param b       not modified: packed B sliver from {@code bi}, {@code NR·kc} floats
     * @param c       modified: the 12 × NR block of C at {@code ci}, row stride {@code ldc}
     * @param hasBias whether {@code bias[biasIdx …]} is added; {@code bias} is never null (C2 boxes
     *                vectors merged with null): pass any array when there is none
     */
    static void compute(int kc, float[] a, int ai, int aStride, float[] b, int bi,
                        float[] c, int ci, int ldc, float alpha, float beta, boolean hasBias, float[] bias, int biasIdx) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        FloatVector c80 = FloatVector.zero(S), c81 = FloatVector.zero(S);
        FloatVector c90 = FloatVector.zero(S), c91 = FloatVector.zero(S);
        FloatVector c100 = FloatVector.zero(S), c101 = FloatVector.zero(S);
        FloatVector c110 = FloatVector.zero(S), c111 = FloatVector.zero(S);
        // Offsets linear in p let C2 hoist the range checks out of the loop.
        for (int p = 0; p < kc; p++) {
            int ap = ai + p * aStride;
            int bp = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x0 = FloatVector.broadcast(S, a[ap]);
            c00 = FMA ? x0.fma(b0, c00) : x0.mul(b0).add(c00);
            c01 = FMA ? x0.fma(b1, c01) : x0.mul(b1).add(c01);
            FloatVector x1 = FloatVector.broadcast(S, a[ap + 1]);
            c10 = FMA ? x1.fma(b0, c10) : x1.mul(b0).add(c10);
            c11 = FMA ? x1.fma(b1, c11) : x1.mul(b1).add(c11);
            FloatVector x2 = FloatVector.broadcast(S, a[ap + 2]);
            c20 = FMA ? x2.fma(b0, c20) : x2.mul(b0).add(c20);
            c21 = FMA ? x2.fma(b1, c21) : x2.mul(b1).add(c21);
            FloatVector x3 = FloatVector.broadcast(S, a[ap + 3]);
            c30 = FMA ? x3.fma(b0, c30) : x3.mul(b0).add(c30);
            c31 = FMA ? x3.fma(b1, c31) : x3.mul(b1).add(c31);
            FloatVector x4 = FloatVector.broadcast(S, a[ap + 4]);
            c40 = FMA ? x4.fma(b0, c40) : x4.mul(b0).add(c40);
            c41 = FMA ? x4.fma(b1, c41) : x4.mul(b1).add(c41);
            FloatVector x5 = FloatVector.broadcast(S, a[ap + 5]);
            c50 = FMA ? x5.fma(b0, c50) : x5.mul(b0).add(c50);
            c51 = FMA ? x5.fma(b1, c51) : x5.mul(b1).add(c51);
            FloatVector x6 = FloatVector.broadcast(S, a[ap + 6]);
            c60 = FMA ? x6.fma(b0, c60) : x6.mul(b0).add(c60);
            c61 = FMA ? x6.fma(b1, c61) : x6.mul(b1).add(c61);
            FloatVector x7 = FloatVector.broadcast(S, a[ap + 7]);
            c70 = FMA ? x7.fma(b0, c70) : x7.mul(b0).add(c70);
            c71 = FMA ? x7.fma(b1, c71) : x7.mul(b1).add(c71);
            FloatVector x8 = FloatVector.broadcast(S, a[ap + 8]);
            c80 = FMA ? x8.fma(b0, c80) : x8.mul(b0).add(c80);
            c81 = FMA ? x8.fma(b1, c81) : x8.mul(b1).add(c81);
            FloatVector x9 = FloatVector.broadcast(S, a[ap + 9]);
            c90 = FMA ? x9.fma(b0, c90) : x9.mul(b0).add(c90);
            c91 = FMA ? x9.fma(b1, c91) : x9.mul(b1).add(c91);
            FloatVector x10 = FloatVector.broadcast(S, a[ap + 10]);
            c100 = FMA ? x10.fma(b0, c100) : x10.mul(b0).add(c100);
            c101 = FMA ? x10.fma(b1, c101) : x10.mul(b1).add(c101);
            FloatVector x11 = FloatVector.broadcast(S, a[ap + 11]);
            c110 = FMA ? x11.fma(b0, c110) : x11.mul(b0).add(c110);
            c111 = FMA ? x11.fma(b1, c111) : x11.mul(b1).add(c111);
        }
        FloatVector va = FloatVector.broadcast(S, alpha); // times 1 is exact
        c00 = c00.mul(va);
        c01 = c01.mul(va);
        c10 = c10.mul(va);
        c11 = c11.mul(va);
        c20 = c20.mul(va);
        c21 = c21.mul(va);
        c30 = c30.mul(va);
        c31 = c31.mul(va);
        c40 = c40.mul(va);
        c41 = c41.mul(va);
        c50 = c50.mul(va);
        c51 = c51.mul(va);
        c60 = c60.mul(va);
        c61 = c61.mul(va);
        c70 = c70.mul(va);
        c71 = c71.mul(va);
        c80 = c80.mul(va);
        c81 = c81.mul(va);
        c90 = c90.mul(va);
        c91 = c91.mul(va);
        c100 = c100.mul(va);
        c101 = c101.mul(va);
        c110 = c110.mul(va);
        c111 = c111.mul(va);
        if (beta != 0f) {
            FloatVector vb = FloatVector.broadcast(S, beta);
            FloatVector o00 = FloatVector.fromArray(S, c, ci + 0 * ldc);
            c00 = FMA ? o00.fma(vb, c00) : o00.mul(vb).add(c00);
            FloatVector o01 = FloatVector.fromArray(S, c, ci + 0 * ldc + L);
            c01 = FMA ? o01.fma(vb, c01) : o01.mul(vb).add(c01);
            FloatVector o10 = FloatVector.fromArray(S, c, ci + 1 * ldc);
            c10 = FMA ? o10.fma(vb, c10) : o10.mul(vb).add(c10);
            FloatVector o11 = FloatVector.fromArray(S, c, ci + 1 * ldc + L);
            c11 = FMA ? o11.fma(vb, c11) : o11.mul(vb).add(c11);
            FloatVector o20 = FloatVector.fromArray(S, c, ci + 2 * ldc);
            c20 = FMA ? o20.fma(vb, c20) : o20.mul(vb).add(c20);
            FloatVector o21 = FloatVector.fromArray(S, c, ci + 2 * ldc + L);
            c21 = FMA ? o21.fma(vb, c21) : o21.mul(vb).add(c21);
            FloatVector o30 = FloatVector.fromArray(S, c, ci + 3 * ldc);
            c30 = FMA ? o30.fma(vb, c30) : o30.mul(vb).add(c30);
            FloatVector o31 = FloatVector.fromArray(S, c, ci + 3 * ldc + L);
            c31 = FMA ? o31.fma(vb, c31) : o31.mul(vb).add(c31);
            FloatVector o40 = FloatVector.fromArray(S, c, ci + 4 * ldc);
            c40 = FMA ? o40.fma(vb, c40) : o40.mul(vb).add(c40);
            FloatVector o41 = FloatVector.fromArray(S, c, ci + 4 * ldc + L);
            c41 = FMA ? o41.fma(vb, c41) : o41.mul(vb).add(c41);
            FloatVector o50 = FloatVector.fromArray(S, c, ci + 5 * ldc);
            c50 = FMA ? o50.fma(vb, c50) : o50.mul(vb).add(c50);
            FloatVector o51 = FloatVector.fromArray(S, c, ci + 5 * ldc + L);
            c51 = FMA ? o51.fma(vb, c51) : o51.mul(vb).add(c51);
            FloatVector o60 = FloatVector.fromArray(S, c, ci + 6 * ldc);
            c60 = FMA ? o60.fma(vb, c60) : o60.mul(vb).add(c60);
            FloatVector o61 = FloatVector.fromArray(S, c, ci + 6 * ldc + L);
            c61 = FMA ? o61.fma(vb, c61) : o61.mul(vb).add(c61);
            FloatVector o70 = FloatVector.fromArray(S, c, ci + 7 * ldc);
            c70 = FMA ? o70.fma(vb, c70) : o70.mul(vb).add(c70);
            FloatVector o71 = FloatVector.fromArray(S, c, ci + 7 * ldc + L);
            c71 = FMA ? o71.fma(vb, c71) : o71.mul(vb).add(c71);
            FloatVector o80 = FloatVector.fromArray(S, c, ci + 8 * ldc);
            c80 = FMA ? o80.fma(vb, c80) : o80.mul(vb).add(c80);
            FloatVector o81 = FloatVector.fromArray(S, c, ci + 8 * ldc + L);
            c81 = FMA ? o81.fma(vb, c81) : o81.mul(vb).add(c81);
            FloatVector o90 = FloatVector.fromArray(S, c, ci + 9 * ldc);
            c90 = FMA ? o90.fma(vb, c90) : o90.mul(vb).add(c90);
            FloatVector o91 = FloatVector.fromArray(S, c, ci + 9 * ldc + L);
            c91 = FMA ? o91.fma(vb, c91) : o91.mul(vb).add(c91);
            FloatVector o100 = FloatVector.fromArray(S, c, ci + 10 * ldc);
            c100 = FMA ? o100.fma(vb, c100) : o100.mul(vb).add(c100);
            FloatVector o101 = FloatVector.fromArray(S, c, ci + 10 * ldc + L);
            c101 = FMA ? o101.fma(vb, c101) : o101.mul(vb).add(c101);
            FloatVector o110 = FloatVector.fromArray(S, c, ci + 11 * ldc);
            c110 = FMA ? o110.fma(vb, c110) : o110.mul(vb).add(c110);
            FloatVector o111 = FloatVector.fromArray(S, c, ci + 11 * ldc + L);
            c111 = FMA ? o111.fma(vb, c111) : o111.mul(vb).add(c111);
        }
        if (hasBias) {
            FloatVector q0 = FloatVector.fromArray(S, bias, biasIdx);
            FloatVector q1 = FloatVector.fromArray(S, bias, biasIdx + L);
            c00 = c00.add(q0);
            c01 = c01.add(q1);
            c10 = c10.add(q0);
            c11 = c11.add(q1);
            c20 = c20.add(q0);
            c21 = c21.add(q1);
            c30 = c30.add(q0);
            c31 = c31.add(q1);
            c40 = c40.add(q0);
            c41 = c41.add(q1);
            c50 = c50.add(q0);
            c51 = c51.add(q1);
            c60 = c60.add(q0);
            c61 = c61.add(q1);
            c70 = c70.add(q0);
            c71 = c71.add(q1);
            c80 = c80.add(q0);
            c81 = c81.add(q1);
            c90 = c90.add(q0);
            c91 = c91.add(q1);
            c100 = c100.add(q0);
            c101 = c101.add(q1);
            c110 = c110.add(q0);
            c111 = c111.add(q1);
        }
        c00.intoArray(c, ci + 0 * ldc);
        c01.intoArray(c, ci + 0 * ldc + L);
        c10.intoArray(c, ci + 1 * ldc);
        c11.intoArray(c, ci + 1 * ldc + L);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + L);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + L);
        c40.intoArray(c, ci + 4 * ldc);
        c41.intoArray(c, ci + 4 * ldc + L);
        c50.intoArray(c, ci + 5 * ldc);
        c51.intoArray(c, ci + 5 * ldc + L);
        c60.intoArray(c, ci + 6 * ldc);
        c61.intoArray(c, ci + 6 * ldc + L);
        c70.intoArray(c, ci + 7 * ldc);
        c71.intoArray(c, ci + 7 * ldc + L);
        c80.intoArray(c, ci + 8 * ldc);
        c81.intoArray(c, ci + 8 * ldc + L);
        c90.intoArray(c, ci + 9 * ldc);
        c91.intoArray(c, ci + 9 * ldc + L);
        c100.intoArray(c, ci + 10 * ldc);
        c101.intoArray(c, ci + 10 * ldc + L);
        c110.intoArray(c, ci + 11 * ldc);
        c111.intoArray(c, ci + 11 * ldc + L);
    }

    /**
     * {@link #compute} reading A where it lies instead of from a packed sliver: row r of the tile is
     * {@code a[ai + r·lda + p]}, p < kc (twelve rows that exist: the caller packs a block's last
     * partial sliver as before). The same values in the same FMA chains, so the same bits; it
     * saves packing A, for products whose A pack is a large share (few columns of C), at about 3%
     * of the kernel's speed (twelve row streams instead of one). A copy of {@code compute} rather
     * than one kernel with both of A's strides as arguments: that one ran about 3% slower on a
     * packed sliver too (throwaway loop, 242–245 against 248–253 GFLOP/s), and the epilogue cannot
     * be shared, since no vector may cross a method boundary.
     */
    static void computeDirect(int kc, float[] a, int ai, int lda, float[] b, int bi,
                              float[] c, int ci, int ldc, float alpha, float beta, boolean hasBias, float[] bias, int biasIdx) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        FloatVector c80 = FloatVector.zero(S), c81 = FloatVector.zero(S);
        FloatVector c90 = FloatVector.zero(S), c91 = FloatVector.zero(S);
        FloatVector c100 = FloatVector.zero(S), c101 = FloatVector.zero(S);
        FloatVector c110 = FloatVector.zero(S), c111 = FloatVector.zero(S);
        // Twelve row offsets, fixed for the tile; each linear in p, so C2 hoists the range checks.
        int a0 = ai, a1 = ai + lda, a2 = ai + 2 * lda, a3 = ai + 3 * lda, a4 = ai + 4 * lda, a5 = ai + 5 * lda;
        int a6 = ai + 6 * lda, a7 = ai + 7 * lda, a8 = ai + 8 * lda, a9 = ai + 9 * lda, a10 = ai + 10 * lda;
        int a11 = ai + 11 * lda;
        for (int p = 0; p < kc; p++) {
            int bp = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x0 = FloatVector.broadcast(S, a[a0 + p]);
            c00 = FMA ? x0.fma(b0, c00) : x0.mul(b0).add(c00);
            c01 = FMA ? x0.fma(b1, c01) : x0.mul(b1).add(c01);
            FloatVector x1 = FloatVector.broadcast(S, a[a1 + p]);
            c10 = FMA ? x1.fma(b0, c10) : x1.mul(b0).add(c10);
            c11 = FMA ? x1.fma(b1, c11) : x1.mul(b1).add(c11);
            FloatVector x2 = FloatVector.broadcast(S, a[a2 + p]);
            c20 = FMA ? x2.fma(b0, c20) : x2.mul(b0).add(c20);
            c21 = FMA ? x2.fma(b1, c21) : x2.mul(b1).add(c21);
            FloatVector x3 = FloatVector.broadcast(S, a[a3 + p]);
            c30 = FMA ? x3.fma(b0, c30) : x3.mul(b0).add(c30);
            c31 = FMA ? x3.fma(b1, c31) : x3.mul(b1).add(c31);
            FloatVector x4 = FloatVector.broadcast(S, a[a4 + p]);
            c40 = FMA ? x4.fma(b0, c40) : x4.mul(b0).add(c40);
            c41 = FMA ? x4.fma(b1, c41) : x4.mul(b1).add(c41);
            FloatVector x5 = FloatVector.broadcast(S, a[a5 + p]);
            c50 = FMA ? x5.fma(b0, c50) : x5.mul(b0).add(c50);
            c51 = FMA ? x5.fma(b1, c51) : x5.mul(b1).add(c51);
            FloatVector x6 = FloatVector.broadcast(S, a[a6 + p]);
            c60 = FMA ? x6.fma(b0, c60) : x6.mul(b0).add(c60);
            c61 = FMA ? x6.fma(b1, c61) : x6.mul(b1).add(c61);
            FloatVector x7 = FloatVector.broadcast(S, a[a7 + p]);
            c70 = FMA ? x7.fma(b0, c70) : x7.mul(b0).add(c70);
            c71 = FMA ? x7.fma(b1, c71) : x7.mul(b1).add(c71);
            FloatVector x8 = FloatVector.broadcast(S, a[a8 + p]);
            c80 = FMA ? x8.fma(b0, c80) : x8.mul(b0).add(c80);
            c81 = FMA ? x8.fma(b1, c81) : x8.mul(b1).add(c81);
            FloatVector x9 = FloatVector.broadcast(S, a[a9 + p]);
            c90 = FMA ? x9.fma(b0, c90) : x9.mul(b0).add(c90);
            c91 = FMA ? x9.fma(b1, c91) : x9.mul(b1).add(c91);
            FloatVector x10 = FloatVector.broadcast(S, a[a10 + p]);
            c100 = FMA ? x10.fma(b0, c100) : x10.mul(b0).add(c100);
            c101 = FMA ? x10.fma(b1, c101) : x10.mul(b1).add(c101);
            FloatVector x11 = FloatVector.broadcast(S, a[a11 + p]);
            c110 = FMA ? x11.fma(b0, c110) : x11.mul(b0).add(c110);
            c111 = FMA ? x11.fma(b1, c111) : x11.mul(b1).add(c111);
        }
        FloatVector va = FloatVector.broadcast(S, alpha); // times 1 is exact
        c00 = c00.mul(va);
        c01 = c01.mul(va);
        c10 = c10.mul(va);
        c11 = c11.mul(va);
        c20 = c20.mul(va);
        c21 = c21.mul(va);
        c30 = c30.mul(va);
        c31 = c31.mul(va);
        c40 = c40.mul(va);
        c41 = c41.mul(va);
        c50 = c50.mul(va);
        c51 = c51.mul(va);
        c60 = c60.mul(va);
        c61 = c61.mul(va);
        c70 = c70.mul(va);
        c71 = c71.mul(va);
        c80 = c80.mul(va);
        c81 = c81.mul(va);
        c90 = c90.mul(va);
        c91 = c91.mul(va);
        c100 = c100.mul(va);
        c101 = c101.mul(va);
        c110 = c110.mul(va);
        c111 = c111.mul(va);
        if (beta != 0f) {
            FloatVector vb = FloatVector.broadcast(S, beta);
            FloatVector o00 = FloatVector.fromArray(S, c, ci + 0 * ldc);
            c00 = FMA ? o00.fma(vb, c00) : o00.mul(vb).add(c00);
            FloatVector o01 = FloatVector.fromArray(S, c, ci + 0 * ldc + L);
            c01 = FMA ? o01.fma(vb, c01) : o01.mul(vb).add(c01);
            FloatVector o10 = FloatVector.fromArray(S, c, ci + 1 * ldc);
            c10 = FMA ? o10.fma(vb, c10) : o10.mul(vb).add(c10);
            FloatVector o11 = FloatVector.fromArray(S, c, ci + 1 * ldc + L);
            c11 = FMA ? o11.fma(vb, c11) : o11.mul(vb).add(c11);
            FloatVector o20 = FloatVector.fromArray(S, c, ci + 2 * ldc);
            c20 = FMA ? o20.fma(vb, c20) : o20.mul(vb).add(c20);
            FloatVector o21 = FloatVector.fromArray(S, c, ci + 2 * ldc + L);
            c21 = FMA ? o21.fma(vb, c21) : o21.mul(vb).add(c21);
            FloatVector o30 = FloatVector.fromArray(S, c, ci + 3 * ldc);
            c30 = FMA ? o30.fma(vb, c30) : o30.mul(vb).add(c30);
            FloatVector o31 = FloatVector.fromArray(S, c, ci + 3 * ldc + L);
            c31 = FMA ? o31.fma(vb, c31) : o31.mul(vb).add(c31);
            FloatVector o40 = FloatVector.fromArray(S, c, ci + 4 * ldc);
            c40 = FMA ? o40.fma(vb, c40) : o40.mul(vb).add(c40);
            FloatVector o41 = FloatVector.fromArray(S, c, ci + 4 * ldc + L);
            c41 = FMA ? o41.fma(vb, c41) : o41.mul(vb).add(c41);
            FloatVector o50 = FloatVector.fromArray(S, c, ci + 5 * ldc);
            c50 = FMA ? o50.fma(vb, c50) : o50.mul(vb).add(c50);
            FloatVector o51 = FloatVector.fromArray(S, c, ci + 5 * ldc + L);
            c51 = FMA ? o51.fma(vb, c51) : o51.mul(vb).add(c51);
            FloatVector o60 = FloatVector.fromArray(S, c, ci + 6 * ldc);
            c60 = FMA ? o60.fma(vb, c60) : o60.mul(vb).add(c60);
            FloatVector o61 = FloatVector.fromArray(S, c, ci + 6 * ldc + L);
            c61 = FMA ? o61.fma(vb, c61) : o61.mul(vb).add(c61);
            FloatVector o70 = FloatVector.fromArray(S, c, ci + 7 * ldc);
            c70 = FMA ? o70.fma(vb, c70) : o70.mul(vb).add(c70);
            FloatVector o71 = FloatVector.fromArray(S, c, ci + 7 * ldc + L);
            c71 = FMA ? o71.fma(vb, c71) : o71.mul(vb).add(c71);
            FloatVector o80 = FloatVector.fromArray(S, c, ci + 8 * ldc);
            c80 = FMA ? o80.fma(vb, c80) : o80.mul(vb).add(c80);
            FloatVector o81 = FloatVector.fromArray(S, c, ci + 8 * ldc + L);
            c81 = FMA ? o81.fma(vb, c81) : o81.mul(vb).add(c81);
            FloatVector o90 = FloatVector.fromArray(S, c, ci + 9 * ldc);
            c90 = FMA ? o90.fma(vb, c90) : o90.mul(vb).add(c90);
            FloatVector o91 = FloatVector.fromArray(S, c, ci + 9 * ldc + L);
            c91 = FMA ? o91.fma(vb, c91) : o91.mul(vb).add(c91);
            FloatVector o100 = FloatVector.fromArray(S, c, ci + 10 * ldc);
            c100 = FMA ? o100.fma(vb, c100) : o100.mul(vb).add(c100);
            FloatVector o101 = FloatVector.fromArray(S, c, ci + 10 * ldc + L);
            c101 = FMA ? o101.fma(vb, c101) : o101.mul(vb).add(c101);
            FloatVector o110 = FloatVector.fromArray(S, c, ci + 11 * ldc);
            c110 = FMA ? o110.fma(vb, c110) : o110.mul(vb).add(c110);
            FloatVector o111 = FloatVector.fromArray(S, c, ci + 11 * ldc + L);
            c111 = FMA ? o111.fma(vb, c111) : o111.mul(vb).add(c111);
        }
        if (hasBias) {
            FloatVector q0 = FloatVector.fromArray(S, bias, biasIdx);
            FloatVector q1 = FloatVector.fromArray(S, bias, biasIdx + L);
            c00 = c00.add(q0);
            c01 = c01.add(q1);
            c10 = c10.add(q0);
            c11 = c11.add(q1);
            c20 = c20.add(q0);
            c21 = c21.add(q1);
            c30 = c30.add(q0);
            c31 = c31.add(q1);
            c40 = c40.add(q0);
            c41 = c41.add(q1);
            c50 = c50.add(q0);
            c51 = c51.add(q1);
            c60 = c60.add(q0);
            c61 = c61.add(q1);
            c70 = c70.add(q0);
            c71 = c71.add(q1);
            c80 = c80.add(q0);
            c81 = c81.add(q1);
            c90 = c90.add(q0);
            c91 = c91.add(q1);
            c100 = c100.add(q0);
            c101 = c101.add(q1);
            c110 = c110.add(q0);
            c111 = c111.add(q1);
        }
        c00.intoArray(c, ci + 0 * ldc);
        c01.intoArray(c, ci + 0 * ldc + L);
        c10.intoArray(c, ci + 1 * ldc);
        c11.intoArray(c, ci + 1 * ldc + L);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + L);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + L);
        c40.intoArray(c, ci + 4 * ldc);
        c41.intoArray(c, ci + 4 * ldc + L);
        c50.intoArray(c, ci + 5 * ldc);
        c51.intoArray(c, ci + 5 * ldc + L);
        c60.intoArray(c, ci + 6 * ldc);
        c61.intoArray(c, ci + 6 * ldc + L);
        c70.intoArray(c, ci + 7 * ldc);
        c71.intoArray(c, ci + 7 * ldc + L);
        c80.intoArray(c, ci + 8 * ldc);
        c81.intoArray(c, ci + 8 * ldc + L);
        c90.intoArray(c, ci + 9 * ldc);
        c91.intoArray(c, ci + 9 * ldc + L);
        c100.intoArray(c, ci + 10 * ldc);
        c101.intoArray(c, ci + 10 * ldc + L);
        c110.intoArray(c, ci + 11 * ldc);
        c111.intoArray(c, ci + 11 * ldc + L);
    }

    /**
     * Four rows of a sliver, from row {@code r} of the packed A sliver at {@code ai} (still 12 floats
     * per p): the edge of a block whose rows are not a multiple of 12 (the last 8 of a batch of 128),
     * so the missing rows are not computed as zeros. Each element gets the same FMA chain as in
     * {@link #compute}, so the same bits; eight chains still cover the FMA latency. Stores like
     * {@code compute}: {@code C = alpha·tile + beta·C (+ bias)} for 4 × NR.
     */
    static void compute4(int kc, float[] a, int ai, float[] b, int bi,
                         float[] c, int ci, int ldc, float alpha, float beta, boolean hasBias, float[] bias, int biasIdx) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ap = ai + p * MR;
            int bp = bi + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector x0 = FloatVector.broadcast(S, a[ap]);
            c00 = FMA ? x0.fma(b0, c00) : x0.mul(b0).add(c00);
            c01 = FMA ? x0.fma(b1, c01) : x0.mul(b1).add(c01);
            FloatVector x1 = FloatVector.broadcast(S, a[ap + 1]);
            c10 = FMA ? x1.fma(b0, c10) : x1.mul(b0).add(c10);
            c11 = FMA ? x1.fma(b1, c11) : x1.mul(b1).add(c11);
            FloatVector x2 = FloatVector.broadcast(S, a[ap + 2]);
            c20 = FMA ? x2.fma(b0, c20) : x2.mul(b0).add(c20);
            c21 = FMA ? x2.fma(b1, c21) : x2.mul(b1).add(c21);
            FloatVector x3 = FloatVector.broadcast(S, a[ap + 3]);
            c30 = FMA ? x3.fma(b0, c30) : x3.mul(b0).add(c30);
            c31 = FMA ? x3.fma(b1, c31) : x3.mul(b1).add(c31);
        }
        FloatVector va = FloatVector.broadcast(S, alpha);
        c00 = c00.mul(va);
        c01 = c01.mul(va);
        c10 = c10.mul(va);
        c11 = c11.mul(va);
        c20 = c20.mul(va);
        c21 = c21.mul(va);
        c30 = c30.mul(va);
        c31 = c31.mul(va);
        if (beta != 0f) {
            FloatVector vb = FloatVector.broadcast(S, beta);
            FloatVector o00 = FloatVector.fromArray(S, c, ci + 0 * ldc);
            c00 = FMA ? o00.fma(vb, c00) : o00.mul(vb).add(c00);
            FloatVector o01 = FloatVector.fromArray(S, c, ci + 0 * ldc + L);
            c01 = FMA ? o01.fma(vb, c01) : o01.mul(vb).add(c01);
            FloatVector o10 = FloatVector.fromArray(S, c, ci + 1 * ldc);
            c10 = FMA ? o10.fma(vb, c10) : o10.mul(vb).add(c10);
            FloatVector o11 = FloatVector.fromArray(S, c, ci + 1 * ldc + L);
            c11 = FMA ? o11.fma(vb, c11) : o11.mul(vb).add(c11);
            FloatVector o20 = FloatVector.fromArray(S, c, ci + 2 * ldc);
            c20 = FMA ? o20.fma(vb, c20) : o20.mul(vb).add(c20);
            FloatVector o21 = FloatVector.fromArray(S, c, ci + 2 * ldc + L);
            c21 = FMA ? o21.fma(vb, c21) : o21.mul(vb).add(c21);
            FloatVector o30 = FloatVector.fromArray(S, c, ci + 3 * ldc);
            c30 = FMA ? o30.fma(vb, c30) : o30.mul(vb).add(c30);
            FloatVector o31 = FloatVector.fromArray(S, c, ci + 3 * ldc + L);
            c31 = FMA ? o31.fma(vb, c31) : o31.mul(vb).add(c31);
        }
        if (hasBias) {
            FloatVector q0 = FloatVector.fromArray(S, bias, biasIdx);
            FloatVector q1 = FloatVector.fromArray(S, bias, biasIdx + L);
            c00 = c00.add(q0);
            c01 = c01.add(q1);
            c10 = c10.add(q0);
            c11 = c11.add(q1);
            c20 = c20.add(q0);
            c21 = c21.add(q1);
            c30 = c30.add(q0);
            c31 = c31.add(q1);
        }
        c00.intoArray(c, ci + 0 * ldc);
        c01.intoArray(c, ci + 0 * ldc + L);
        c10.intoArray(c, ci + 1 * ldc);
        c11.intoArray(c, ci + 1 * ldc + L);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + L);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + L);
    }

    /**
     * Twelve rows of the first vector of a sliver only, into the tile buffer (row stride NR, its
     * second half left as it was): the last sliver of a C whose width is not a multiple of NR has at
     * most L columns there (the last 16 of 784), so the second vector would be all padding; A's
     * step in p is {@code aStride}, as in {@link #compute} (12 packed, lda for a transposed A read
     * in place). Half the
     * FMAs of {@link #compute}, the same chain per element, so the same bits; {@link Epilogue}
     * writes the rows and columns that exist.
     */
    static void computeOneVector(int kc, float[] a, int ai, int aStride, float[] b, int bi, float[] tile) {
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S);
        FloatVector c3 = FloatVector.zero(S), c4 = FloatVector.zero(S), c5 = FloatVector.zero(S);
        FloatVector c6 = FloatVector.zero(S), c7 = FloatVector.zero(S), c8 = FloatVector.zero(S);
        FloatVector c9 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int ap = ai + p * aStride;
            FloatVector b0 = FloatVector.fromArray(S, b, bi + p * NR);
            FloatVector x0 = FloatVector.broadcast(S, a[ap]);
            c0 = FMA ? x0.fma(b0, c0) : x0.mul(b0).add(c0);
            FloatVector x1 = FloatVector.broadcast(S, a[ap + 1]);
            c1 = FMA ? x1.fma(b0, c1) : x1.mul(b0).add(c1);
            FloatVector x2 = FloatVector.broadcast(S, a[ap + 2]);
            c2 = FMA ? x2.fma(b0, c2) : x2.mul(b0).add(c2);
            FloatVector x3 = FloatVector.broadcast(S, a[ap + 3]);
            c3 = FMA ? x3.fma(b0, c3) : x3.mul(b0).add(c3);
            FloatVector x4 = FloatVector.broadcast(S, a[ap + 4]);
            c4 = FMA ? x4.fma(b0, c4) : x4.mul(b0).add(c4);
            FloatVector x5 = FloatVector.broadcast(S, a[ap + 5]);
            c5 = FMA ? x5.fma(b0, c5) : x5.mul(b0).add(c5);
            FloatVector x6 = FloatVector.broadcast(S, a[ap + 6]);
            c6 = FMA ? x6.fma(b0, c6) : x6.mul(b0).add(c6);
            FloatVector x7 = FloatVector.broadcast(S, a[ap + 7]);
            c7 = FMA ? x7.fma(b0, c7) : x7.mul(b0).add(c7);
            FloatVector x8 = FloatVector.broadcast(S, a[ap + 8]);
            c8 = FMA ? x8.fma(b0, c8) : x8.mul(b0).add(c8);
            FloatVector x9 = FloatVector.broadcast(S, a[ap + 9]);
            c9 = FMA ? x9.fma(b0, c9) : x9.mul(b0).add(c9);
            FloatVector x10 = FloatVector.broadcast(S, a[ap + 10]);
            c10 = FMA ? x10.fma(b0, c10) : x10.mul(b0).add(c10);
            FloatVector x11 = FloatVector.broadcast(S, a[ap + 11]);
            c11 = FMA ? x11.fma(b0, c11) : x11.mul(b0).add(c11);
        }
        c0.intoArray(tile, 0);
        c1.intoArray(tile, NR);
        c2.intoArray(tile, 2 * NR);
        c3.intoArray(tile, 3 * NR);
        c4.intoArray(tile, 4 * NR);
        c5.intoArray(tile, 5 * NR);
        c6.intoArray(tile, 6 * NR);
        c7.intoArray(tile, 7 * NR);
        c8.intoArray(tile, 8 * NR);
        c9.intoArray(tile, 9 * NR);
        c10.intoArray(tile, 10 * NR);
        c11.intoArray(tile, 11 * NR);
    }
}
