package dev.simdnn.init;

import dev.simdnn.kernel.Activation;
import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InitializerTest {
    private static final int FAN_IN = 300;
    private static final int FAN_OUT = 100;

    /** Mean and variance of a [fanOut, fanIn] tensor filled by {@code init}. */
    private static double[] moments(Initializer init) {
        Tensor t = Tensor.zeros(FAN_OUT, FAN_IN);
        init.initialize(t, FAN_IN, FAN_OUT, new SplittableRandom(123));
        double s = 0, sq = 0;
        for (int i = 0; i < t.size(); i++) {
            s += t.getFlat(i);
        }
        double mean = s / t.size();
        for (int i = 0; i < t.size(); i++) {
            sq += (t.getFlat(i) - mean) * (t.getFlat(i) - mean);
        }
        return new double[] {mean, sq / t.size()};
    }

    /**
     * With N = 30,000 draws the sample variance has relative standard error √(2/N) ≈ 0.8% (normal)
     * and less for the uniform; 4% is five standard errors.
     */
    private static void assertVariance(Initializer init, double expected) {
        double[] m = moments(init);
        assertEquals(0, m[0], 5 * Math.sqrt(expected / (FAN_IN * FAN_OUT)), init + " mean");
        assertEquals(expected, m[1], 0.04 * expected, init + " variance");
    }

    @Test
    void varianceFollowsTheFanRule() {
        assertVariance(Initializer.heNormal(), 2.0 / FAN_IN);
        assertVariance(Initializer.heUniform(), 2.0 / FAN_IN);
        assertVariance(Initializer.xavierNormal(), 2.0 / (FAN_IN + FAN_OUT));
        assertVariance(Initializer.xavierUniform(), 2.0 / (FAN_IN + FAN_OUT));
        assertVariance(Initializer.lecunNormal(), 1.0 / FAN_IN);
        assertVariance(Initializer.lecunUniform(), 1.0 / FAN_IN);
        assertVariance(Initializer.normal(0f, 0.5f), 0.25);
        assertVariance(Initializer.uniform(-1f, 1f), 1.0 / 3);
    }

    @Test
    void uniformStaysInItsBounds() {
        Tensor t = Tensor.zeros(50, 50);
        Initializer.heUniform().initialize(t, 50, 50, new SplittableRandom(1));
        double limit = Math.sqrt(6.0 / 50);
        for (int i = 0; i < t.size(); i++) {
            assertTrue(Math.abs(t.getFlat(i)) <= limit);
        }
    }

    @Test
    void constantsAndSeeds() {
        Tensor t = Tensor.zeros(3, 2);
        Initializer.constant(0.25f).initialize(t, 2, 3, new SplittableRandom(0));
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f}, t.toArray());
        Initializer.zeros().initialize(t, 2, 3, new SplittableRandom(0));
        assertArrayEquals(new float[6], t.toArray());
        Tensor a = Tensor.zeros(4, 4);
        Tensor b = Tensor.zeros(4, 4);
        Initializer.xavierNormal().initialize(a, 4, 4, new SplittableRandom(9));
        Initializer.xavierNormal().initialize(b, 4, 4, new SplittableRandom(9));
        assertArrayEquals(a.toArray(), b.toArray(), "same seed, same weights");
    }

    @Test
    void orthogonalGivesOrthonormalColumnsOrRows() {
        for (int[] shape : new int[][] {{64, 64}, {100, 30}, {30, 100}, {1, 7}}) {
            Tensor w = Tensor.zeros(shape[0], shape[1]);
            Initializer.orthogonal(1f).initialize(w, shape[1], shape[0], new SplittableRandom(5));
            boolean tall = shape[0] >= shape[1];
            int n = tall ? shape[1] : shape[0];
            int m = tall ? shape[0] : shape[1];
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    double dot = 0;
                    for (int i = 0; i < m; i++) {
                        dot += tall ? (double) w.get(i, a) * w.get(i, b) : (double) w.get(a, i) * w.get(b, i);
                    }
                    // float storage of unit vectors: each product errs by ~m·2^-24
                    assertEquals(a == b ? 1 : 0, dot, 1e-5, "shape " + shape[0] + "x" + shape[1] + " (" + a + ", " + b + ")");
                }
            }
        }
    }

    @Test
    void identityAndTruncatedNormal() {
        Tensor w = Tensor.zeros(3, 4);
        Initializer.identity().initialize(w, 4, 3, new SplittableRandom(0));
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0}, w.toArray());
        Tensor t = Tensor.zeros(100, 100);
        Initializer.truncatedNormal(0.5f, 0.1f).initialize(t, 100, 100, new SplittableRandom(1));
        double s = 0;
        for (int i = 0; i < t.size(); i++) {
            assertTrue(Math.abs(t.getFlat(i) - 0.5f) <= 0.2f + 1e-6f, "inside mean ± 2σ");
            s += t.getFlat(i);
        }
        assertEquals(0.5, s / t.size(), 0.005);
    }

    @Test
    void defaultsPerActivation() {
        assertEquals("he_normal", Initializer.defaultFor(Activation.RELU).toString());
        assertEquals("he_normal", Initializer.defaultFor(Activation.leakyRelu(0.1f)).toString());
        assertEquals("lecun_normal", Initializer.defaultFor(Activation.SELU).toString());
        assertEquals("xavier_uniform", Initializer.defaultFor(Activation.TANH).toString());
        assertEquals("xavier_uniform", Initializer.defaultFor(Activation.SIGMOID).toString());
    }
}
