package dev.simdnn.simd;

import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Lane sums keep one order whether the code is interpreted or compiled ({@link Lanes}): the
 * documented tree, and kernels whose results are bit-identical before and after the JIT.
 */
class LanesTest {
    private static final int L = SimdConfig.LANES;

    /** The documented tree, in scalar float arithmetic: lane i + lane (i + L/2) mod L, then L/4, … */
    private static float tree(float[] lanes) {
        float[] v = lanes.clone();
        for (int by = L / 2; by >= 1; by /= 2) {
            float[] next = new float[L];
            for (int i = 0; i < L; i++) {
                next[i] = v[i] + v[(i + by) % L];
            }
            v = next;
        }
        return v[0];
    }

    /** The four lines the kernels use. */
    private static float sum(float[] lanes) {
        FloatVector v = FloatVector.fromArray(SimdConfig.SPECIES, lanes, 0);
        v = v.add(v.rearrange(Lanes.R8, Lanes.M8));
        v = v.add(v.rearrange(Lanes.R4, Lanes.M4));
        v = v.add(v.rearrange(Lanes.R2));
        v = v.add(v.rearrange(Lanes.R1));
        return v.lane(0);
    }

    private static float[] mixed(SplittableRandom rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextDouble(-1, 1) * Math.pow(10, rng.nextInt(7))); // mixed magnitudes: order matters
        }
        return x;
    }

    @Test
    void theIdiomSumsInTheDocumentedTreeOrder() {
        SplittableRandom rng = new SplittableRandom(1);
        int reordered = 0;
        for (int i = 0; i < 1000; i++) {
            float[] v = mixed(rng, L);
            assertEquals(tree(v), sum(v), "vector " + i);
            reordered += FloatVector.fromArray(SimdConfig.SPECIES, v, 0).reduceLanes(VectorOperators.ADD) != tree(v) ? 1 : 0;
        }
        float[] w = new float[L];
        w[0] = 1e8f;
        w[1] = 1f;
        w[L / 2] = -1e8f;
        assertEquals(1f, sum(w), "lane 0 meets lane L/2 first, so the 1 survives");
        System.out.println("reduceLanes(ADD) differs from the tree order on " + reordered + " of 1000 vectors (at this point of the JIT)");
    }

    @Test
    void fourDotProductsAtOnceAgreeWithOneAtATime() {
        // batch-1 dense of 5 outputs: outputs 0-3 come from dot4's joint reduction, output 4 from
        // dot1; with weight row 4 a copy of row j, y[4] must equal y[j] bit for bit
        SplittableRandom rng = new SplittableRandom(3);
        for (int k : new int[] {1, L - 1, L, 3 * L + 5, 257}) {
            for (int j = 0; j < 4; j++) {
                float[] x = mixed(rng, k);
                float[] w = mixed(rng, 5 * k);
                System.arraycopy(w, j * k, w, 4 * k, k);
                float[] y = new float[5];
                SimdKernels.INSTANCE.blas().denseForward(1, k, 5, x, 0, w, 0, null, 0, Activation.IDENTITY, null, 0, y, 0);
                assertEquals(y[j], y[4], "k = " + k + ", output " + j);
            }
        }
    }

    @Test
    void reducingKernelsGiveTheSameBitsBeforeAndAfterCompilation() {
        Kernels k = SimdKernels.INSTANCE;
        SplittableRandom rng = new SplittableRandom(2);
        int n = 5 * L + 3;
        float[][] xs = new float[200][];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = mixed(rng, n);
        }
        float[] w = mixed(rng, 7 * n); // a 7 × n weight: the batch-1 dot path
        float[] labels = {3, 1};
        float[] first = new float[xs.length * 12];
        float[] later = new float[first.length];
        compute(k, xs, w, labels, n, first); // early: interpreted or C1
        float[] sink = new float[first.length];
        for (int round = 0; round < 300; round++) {
            compute(k, xs, w, labels, n, sink); // let C2 compile the kernels
        }
        compute(k, xs, w, labels, n, later);
        assertArrayEquals(first, later, "kernel results changed when the JIT compiled them");
        assertEquals(false, Arrays.equals(first, new float[first.length]));
    }

    private static void compute(Kernels k, float[][] xs, float[] w, float[] labels, int n, float[] out) {
        float[] y = new float[7];
        float[] grad = new float[2 * (n / 2)];
        for (int i = 0; i < xs.length; i++) {
            float[] x = xs[i];
            int o = i * 12;
            out[o] = k.blas().sum(n, x, 0);
            out[o + 1] = k.blas().dot(n, x, 0, x, 0);
            out[o + 2] = k.blas().sumOfSquares(n, x, 0);
            k.blas().denseForward(1, n, 7, x, 0, w, 0, null, 0, Activation.IDENTITY, null, 0, y, 0);
            System.arraycopy(y, 0, out, o + 3, 7);
            out[o + 10] = k.losses().softmaxCrossEntropy(2, n / 2, 0f, x, 0, labels, 0, grad, 0);
            out[o + 11] = grad[1];
        }
    }
}
