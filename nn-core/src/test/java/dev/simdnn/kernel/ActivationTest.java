package dev.simdnn.kernel;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActivationTest {

    static final List<Activation> ALL = List.of(Activation.IDENTITY, Activation.STEP, Activation.SIGMOID,
            Activation.TANH, Activation.RELU, Activation.leakyRelu(0.01f), Activation.leakyRelu(0.2f),
            Activation.elu(1f), Activation.elu(0.5f), Activation.SELU, Activation.GELU, Activation.GELU_ERF, Activation.SWISH,
            Activation.SOFTPLUS);

    /**
     * Central differences in double: truncation error h²·|f'''|/6 ≈ 1e-12 for h = 1e-6 and rounding
     * ≈ 1e-16/1e-6 = 1e-10, so 1e-7 relative (plus 1e-8 absolute) is loose for every smooth point.
     * Kinks (0 for ReLU-likes and the step) are avoided by sampling points away from 0.
     */
    @Test
    void derivativeMatchesCentralDifferences() {
        double h = 1e-6;
        for (Activation a : ALL) {
            for (double z = -7.93; z <= 7.93; z += 0.137) {
                if (Math.abs(z) < 2 * h) {
                    continue;
                }
                double numeric = (a.apply(z + h) - a.apply(z - h)) / (2 * h);
                double analytic = a.derivative(z);
                assertEquals(numeric, analytic, 1e-7 * Math.max(1, Math.abs(numeric)) + 1e-8,
                        a + "'(" + z + ")");
            }
        }
    }

    @Test
    void knownValues() {
        assertEquals(0.5, Activation.SIGMOID.apply(0.0), 0);
        assertEquals(Math.log(2), Activation.SOFTPLUS.apply(0.0), 1e-15);
        assertEquals(0.0, Activation.STEP.apply(-1e-9), 0);
        assertEquals(1.0, Activation.STEP.apply(0.0), 0, "the perceptron fires at z >= 0");
        assertEquals(0.0, Activation.STEP.derivative(0.3), 0, "the step's backward is zero");
        assertEquals(-0.02, Activation.leakyRelu(0.01f).apply(-2.0), 1e-9);
        assertEquals(Math.expm1(-1), Activation.elu(1f).apply(-1.0), 1e-15);
        assertEquals(1.0507009873554805 * 2, Activation.SELU.apply(2.0), 1e-15);
        // GELU, tanh form: 0.5·(1 + tanh(√(2/π)·(1 + 0.044715))) worked out by hand.
        assertEquals(0.8411919906082768, Activation.GELU.apply(1.0), 1e-12);
        assertEquals(1 / (1 + Math.exp(-1)), Activation.SWISH.apply(1.0), 1e-15);
        // exact GELU z·Φ(z); Φ and erfc against C99 erfc (Python math.erfc), 1e-13 relative (the documented bound)
        assertEquals(0.8413447460685429, Activation.GELU_ERF.apply(1.0), 1e-13);
        assertEquals(-0.004049694094890287, Activation.GELU_ERF.apply(-3.0), 1e-13 * 0.004);
        assertEquals(0.4795001221869535, Activation.erfc(0.5), 1e-13 * 0.48);
        assertEquals(1.541725790028002e-8, Activation.erfc(4.0), 1e-13 * 1.5e-8, "the continued fraction");
        assertEquals(1.999999984582742, Activation.erfc(-4.0), 1e-13);
        assertEquals(2.866515718791946e-7, Activation.normalCdf(-5.0), 1e-13 * 2.9e-7);
        assertEquals(7.619853024160593e-24, Activation.normalCdf(-10.0), 1e-13 * 7.6e-24, "relative, in the lower tail");
        assertEquals(0.5, Activation.GELU_ERF.derivative(0.0), 1e-15, "Φ(0) + 0·φ(0)");
    }

    @Test
    void stableForHugeInputs() {
        double[] extremes = {1e4, -1e4, 1e30, -1e30, Float.MAX_VALUE, -Float.MAX_VALUE};
        for (Activation a : ALL) {
            for (double z : extremes) {
                double y = a.apply(z);
                double d = a.derivative(z);
                assertTrue(!Double.isNaN(y) && !Double.isNaN(d), a + " at " + z + " gave " + y + ", " + d);
                assertTrue(Float.isFinite((float) d), a + "'(" + z + ") = " + d);
            }
        }
        assertEquals(1.0, Activation.SIGMOID.apply(1e4), 0);
        assertEquals(0.0, Activation.SIGMOID.apply(-1e4), 0);
        assertEquals(1e4, Activation.SOFTPLUS.apply(1e4), 0);
        assertEquals(0.0, Activation.SOFTPLUS.apply(-1e4), 0);
        assertEquals(-1.0, Activation.elu(1f).apply(-1e30), 0);
        assertEquals(0.0, Activation.GELU.apply(-1e4), 0);
    }

    @Test
    void parseRoundTrips() {
        for (Activation a : ALL) {
            assertEquals(a, Activation.parse(a.toString()));
        }
        assertEquals(Activation.SWISH, Activation.parse("SiLU"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activation.parse("relu6"));
        assertTrue(e.getMessage().contains("relu6"));
        assertThrows(IllegalArgumentException.class, () -> Activation.elu(-1f));
    }
}
