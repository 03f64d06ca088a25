package dev.simdnn.simd;

import dev.simdnn.kernel.Activation;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stated accuracy of the vectorised activations: over a dense sweep of z in [-30, 30], the
 * largest error against the double-precision definition, in units of float's unit roundoff
 * u = 2⁻²⁴, measured relative to {@code |f(z)| + |z·f'(z)|} (the value plus its sensitivity to a
 * relative change of z: a float evaluation cannot beat the rounding of its own input, which
 * matters in GELU's exponential tail). Printed, and bounded: forward ≤ 8 u, derivative ≤ 48 u (GELU's derivative, a sum of terms that cancel near its root at z ≈ -0.75, is the worst).
 * The plain relative error is printed beside it.
 */
class SimdActivationAccuracyTest {
    private static final double U = Math.ulp(1.0f) / 2;

    @Test
    void worstErrorPerActivation() {
        int n = 60_001;
        float[] z = new float[n];
        for (int i = 0; i < n; i++) {
            z[i] = -30f + 60f * i / (n - 1);
        }
        float[] y = new float[n];
        float[] ones = new float[n];
        java.util.Arrays.fill(ones, 1f);
        float[] dz = new float[n];
        StringBuilder report = new StringBuilder();
        for (Activation act : List.of(Activation.SIGMOID, Activation.TANH, Activation.elu(1f), Activation.SELU,
                Activation.GELU, Activation.GELU_ERF, Activation.SWISH, Activation.SOFTPLUS, Activation.RELU, Activation.leakyRelu(0.01f))) {
            SimdKernels.INSTANCE.activations().activationForward(act, n, z, 0, y, 0);
            SimdKernels.INSTANCE.activations().activationBackward(act, 1, n, z, 0, y, 0, ones, 0, dz, 0, null, 0);
            double worstF = 0, worstD = 0, plainF = 0;
            for (int i = 0; i < n; i++) {
                double zi = z[i];
                double f = act.apply(zi);
                double d = act.derivative(zi);
                double zd2 = (act.derivative(zi * (1 + 1e-7)) - act.derivative(zi * (1 - 1e-7))) / 2e-7;
                worstF = Math.max(worstF, Math.abs(y[i] - f) / (Math.abs(f) + Math.abs(zi * d) + 1e-37) / U);
                plainF = Math.max(plainF, Math.abs(y[i] - f) / Math.max(Math.abs(f), 1e-30) / U);
                worstD = Math.max(worstD, Math.abs(dz[i] - d) / (Math.abs(d) + Math.abs(zd2) + 1e-37) / U);
            }
            report.append(String.format(Locale.ROOT, "%-18s forward %5.2f u (plain relative %8.2f u)   derivative %5.2f u%n",
                    act, worstF, plainF, worstD));
            assertTrue(worstF <= 8, act + " forward error " + worstF + " u");
            assertTrue(worstD <= 48, act + " derivative error " + worstD + " u");
        }
        System.out.print("SIMD activation accuracy vs double reference (" + SimdConfig.describe() + "):\n" + report);
    }
}
