package dev.simdnn.simd.gemm;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Results do not depend on the thread count: the parallel driver must give bit-identical C to one
 * thread running all five loops, however C is split (by columns or by rows), with and without the
 * bias epilogue.
 */
class GemmThreadsTest {

    private static float[] random(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        return x;
    }

    @Test
    void parallelEqualsSingleThreadBitForBit() {
        SplittableRandom rng = new SplittableRandom(5);
        int[][] shapes = {{300, 520, 300}, {1000, 10, 200}, {64, 1000, 129}, {257, 257, 513}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    float[] a = random(rng, m * k);
                    float[] b = random(rng, k * n);
                    float[] c0 = random(rng, m * n);
                    float[] one = c0.clone();
                    float[] many = c0.clone();
                    int lda = ta ? m : k;
                    int ldb = tb ? k : n;
                    Gemm.range(ta, tb, 0, m, 0, n, k, 0.7f, a, 0, lda, b, 0, ldb, 0.5f, one, 0, n, null, 0, false, null);
                    Gemm.gemm(GemmPool.shared(3), ta, tb, m, n, k, 0.7f, a, 0, lda, b, 0, ldb, 0.5f, many, 0, n, null, 0);
                    assertArrayEquals(one, many, "shape " + m + "x" + n + "x" + k + " ta=" + ta + " tb=" + tb);
                }
            }
            // dense forward with the bias in the epilogue
            float[] x = random(rng, m * k);
            float[] w = random(rng, n * k);
            float[] bias = random(rng, n);
            float[] z1 = new float[m * n], z2 = new float[m * n];
            Gemm.range(false, true, 0, m, 0, n, k, 1f, x, 0, k, w, 0, k, 0f, z1, 0, n, bias, 0, false, null);
            Gemm.gemm(GemmPool.shared(2), false, true, m, n, k, 1f, x, 0, k, w, 0, k, 0f, z2, 0, n, bias, 0);
            assertArrayEquals(z1, z2);
        }
    }

    @Test
    void readingAInPlaceGivesThePackedBits() {
        // A with a row stride of 1024 floats is packed (twelve rows 4 KiB apart would share an L1
        // set); the same A at stride 1031 is read where it lies: the same products, the same bits
        SplittableRandom rng = new SplittableRandom(8);
        int m = 53, n = 200, k = 300; // 4 full slivers + 5 rows; 6 slivers + 8 columns; 2 k-slices
        float[] packedA = new float[m * 1024];
        float[] directA = new float[m * 1031];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                float v = (float) rng.nextDouble(-1, 1);
                packedA[i * 1024 + p] = v;
                directA[i * 1031 + p] = v;
            }
        }
        // and A transposed (stored k × m): op(A)[i][p] = a[p·lda + i]
        float[] packedAt = new float[k * 1024];
        float[] directAt = new float[k * 1031];
        for (int p = 0; p < k; p++) {
            for (int i = 0; i < m; i++) {
                float v = (float) rng.nextDouble(-1, 1);
                packedAt[p * 1024 + i] = v;
                directAt[p * 1031 + i] = v;
            }
        }
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                float[] b = random(rng, k * n);
                float[] bias = random(rng, n);
                float[] c0 = random(rng, m * n);
                float[] viaPack = c0.clone();
                float[] inPlace = c0.clone();
                int ldb = tb ? k : n;
                Gemm.range(ta, tb, 0, m, 0, n, k, 0.7f, ta ? packedAt : packedA, 0, 1024, b, 0, ldb, 0.5f, viaPack, 0, n,
                        bias, 0, false, null);
                Gemm.range(ta, tb, 0, m, 0, n, k, 0.7f, ta ? directAt : directA, 0, 1031, b, 0, ldb, 0.5f, inPlace, 0, n,
                        bias, 0, false, null);
                assertArrayEquals(viaPack, inPlace, "ta=" + ta + " tb=" + tb);
            }
        }
    }
}
