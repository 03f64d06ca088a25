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
 *   tile := Σ_{p < kc} a[:, p] ⊗ b[p, :]        (no alpha, no beta: see {@link Epilogue})
 *
 *   packed A sliver (12 × kc):       packed B sliver (kc × NR):
 *     p=0: a00 a10 … a11,0            p=0: b00 b01 … b0,NR-1
 *     p=1: a01 a11 … a11,1            p=1: b10 b11 … b1,NR-1
 *     …  (12 floats per p)           …  (NR floats per p)
 * </pre>
 *
 * Per p: two vector loads of B, twelve broadcasts of A, twenty-four FMAs (broadcast-A form;
 * {@link dev.simdnn.simd.Fma#fma}, a multiply and an add where the CPU has no FMA). Edges are
 * not its business: packing pads partial slivers with zeros, and the epilogue writes back only the
 * rows and columns that exist. The tile is written to {@code tile} (row-major 12 × NR) so no vector
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
     * @param a    not modified: packed A sliver from {@code ai}, {@code 12·kc} floats
     * @param b    not modified: packed B sliver from {@code bi}, {@code NR·kc} floats
     * @param tile modified: the 12 × NR sums, row-major
     */
    static void compute(int kc, float[] a, int ai, float[] b, int bi, float[] tile) {
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
        c00.intoArray(tile, 0 * NR);
        c01.intoArray(tile, 0 * NR + L);
        c10.intoArray(tile, 1 * NR);
        c11.intoArray(tile, 1 * NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
        c80.intoArray(tile, 8 * NR);
        c81.intoArray(tile, 8 * NR + L);
        c90.intoArray(tile, 9 * NR);
        c91.intoArray(tile, 9 * NR + L);
        c100.intoArray(tile, 10 * NR);
        c101.intoArray(tile, 10 * NR + L);
        c110.intoArray(tile, 11 * NR);
        c111.intoArray(tile, 11 * NR + L);
    }
}
