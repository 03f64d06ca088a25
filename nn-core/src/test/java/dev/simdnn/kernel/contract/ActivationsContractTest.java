package dev.simdnn.kernel.contract;

import dev.simdnn.kernel.*;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The conformance suite of {@link Activations}: every activation forward and backward, softmax, PReLU and maxout. */
public abstract class ActivationsContractTest extends KernelContract {

    @Test
    void everyActivationsMethodIsCovered() {
        assertEveryMethodCovered(Activations.class, ActivationsContractTest.class, 7);
    }

    @Test
    @Covers({"activationForward", "activationBackward"})
    void activationForwardAndBackwardMatchTheScalarDefinitions() {
        SplittableRandom rng = new SplittableRandom(11);
        for (Activation act : allActivations()) {
            for (int n : edgeSizes()) {
                int rows = 1 + n % 3;
                int cols = n;
                float[] z = random(rng, rows * cols, 6);
                z[0] = 30f; // saturated ends
                if (z.length > 1) {
                    z[1] = -30f;
                }
                float[] y = new float[z.length];
                kernels().activations().activationForward(act, z.length, z, 0, y, 0);
                float[] dy = random(rng, z.length, 1);
                float[] dz = new float[z.length];
                float[] dbias = random(rng, cols, 1);
                float[] dbias0 = dbias.clone();
                kernels().activations().activationBackward(act, rows, cols, z, 0, y, 0, dy, 0, dz, 0, dbias, 0);
                double tol = activationRelativeTolerance();
                for (int i = 0; i < z.length; i++) {
                    double zi = z[i];
                    double fy = act.apply(zi);
                    // A float evaluation is as good as the exact function of a slightly perturbed input:
                    // allow tol relative to |f| plus the sensitivity |z·f'(z)| (large for GELU's exp tail).
                    double d1 = act.derivative(zi);
                    assertEquals(fy, y[i], tol * (Math.abs(fy) + Math.abs(zi * d1)) + 1e-37, act + "(" + zi + ")");
                    double g = dy[i] * d1;
                    double d2 = (act.derivative(zi * (1 + 1e-7)) - act.derivative(zi * (1 - 1e-7))) / 2e-7; // z·f''
                    assertEquals(g, dz[i], tol * Math.abs(dy[i]) * (Math.abs(d1) + Math.abs(d2)) + 1e-37,
                            act + "'(" + zi + ")");
                }
                for (int j = 0; j < cols; j++) {
                    double s = dbias0[j];
                    double mag = Math.abs(dbias0[j]);
                    for (int r = 0; r < rows; r++) {
                        s += dz[r * cols + j];
                        mag += Math.abs(dz[r * cols + j]);
                    }
                    assertEquals(s, dbias[j], (rows + 2) * U * mag + 1e-37, act + " dbias accumulates");
                }
            }
        }
    }

    @Test
    @Covers({"activationBackward"})
    void activationBackwardMayRunInPlace() {
        float[] z = {-1, 0.5f, 2, -3};
        float[] g = {1, 1, 1, 1};
        kernels().activations().activationBackward(Activation.RELU, 2, 2, z, 0, null, 0, g, 0, g, 0, null, 0);
        assertArrayEquals(new float[] {0, 1, 1, 0}, g);
    }

    @Test
    @Covers({"softmax"})
    void softmaxRowsSumToOne() {
        SplittableRandom rng = new SplittableRandom(9);
        for (int cols : new int[] {1, 2, 10, 17, 33}) {
            float[] x = random(rng, 3 * cols, 50);
            float[] y = new float[x.length];
            kernels().activations().softmax(3, cols, x, 0, y, 0);
            for (int r = 0; r < 3; r++) {
                double s = 0;
                for (int j = 0; j < cols; j++) {
                    assertTrue(y[r * cols + j] >= 0);
                    s += y[r * cols + j];
                }
                assertEquals(1.0, s, 1e-5);
            }
        }
    }

    @Test
    @Covers({"preluForward", "preluBackward"})
    void preluMatchesReference() {
        SplittableRandom rng = new SplittableRandom(43);
        for (int rows : new int[] {1, 3, 8}) {
            for (int cols : edgeSizes()) {
                int off = 3;
                float[] x = random(rng, off + rows * cols, 2);
                x[off] = 0f; // x = 0 takes the slope branch, as in PyTorch
                float[] a = random(rng, off + cols, 0.5);
                float[] dy = random(rng, off + rows * cols, 1);
                float[] y = new float[off + rows * cols];
                kernels().activations().preluForward(rows, cols, x, off, a, off, y, off);
                float[] dx = new float[off + rows * cols];
                float[] da = new float[off + cols];
                Arrays.fill(da, 0.25f);
                kernels().activations().preluBackward(rows, cols, x, off, a, off, dy, off, dx, off, da, off);
                for (int c = 0; c < cols; c++) {
                    double expect = 0.25;
                    double mag = 0.25;
                    for (int r = 0; r < rows; r++) {
                        int i = off + r * cols + c;
                        boolean pos = x[i] > 0;
                        assertEquals(pos ? x[i] : a[off + c] * x[i], y[i], "y");
                        assertEquals(pos ? dy[i] : a[off + c] * dy[i], dx[i], "dx");
                        if (!pos) {
                            expect += (double) dy[i] * x[i];
                            mag += Math.abs((double) dy[i] * x[i]);
                        }
                    }
                    assertEquals(expect, da[off + c], (rows + 2) * 2 * U * mag, "dslope accumulates");
                }
                float[] da2 = new float[off + cols];
                kernels().activations().preluBackward(rows, cols, x, off, a, off, dy, off, null, 0, da2, off);
                for (int c = 0; c < cols; c++) {
                    assertEquals(da[off + c] - 0.25f, da2[off + c], 1e-5, "dx == null skips only dx");
                }
            }
        }
    }

    @Test
    @Covers({"maxoutForward", "maxoutBackward"})
    void maxoutRoutesTheGradientToTheFirstMaximum() {
        // two units, three pieces; unit 1 ties between pieces 0 and 2
        float[] z = {1, 5, 3, 2, 2, 5};
        float[] y = new float[2];
        kernels().activations().maxoutForward(1, 2, 3, z, 0, y, 0);
        assertArrayEquals(new float[] {3, 5}, y);
        float[] dz = new float[6];
        Arrays.fill(dz, 9f);
        kernels().activations().maxoutBackward(1, 2, 3, z, 0, new float[] {10, 20}, 0, dz, 0);
        assertArrayEquals(new float[] {0, 20, 10, 0, 0, 0}, dz);
        SplittableRandom rng = new SplittableRandom(47);
        for (int pieces : new int[] {1, 2, 3, 5}) {
            for (int units : edgeSizes()) {
                int rows = 3;
                int off = 2;
                float[] zz = random(rng, off + rows * units * pieces, 1);
                float[] dy = random(rng, off + rows * units, 1);
                float[] yy = new float[off + rows * units];
                float[] dd = new float[off + rows * units * pieces];
                kernels().activations().maxoutForward(rows, units, pieces, zz, off, yy, off);
                kernels().activations().maxoutBackward(rows, units, pieces, zz, off, dy, off, dd, off);
                for (int r = 0; r < rows; r++) {
                    for (int u = 0; u < units; u++) {
                        int best = 0;
                        for (int p = 1; p < pieces; p++) {
                            if (zz[off + r * units * pieces + p * units + u] > zz[off + r * units * pieces + best * units + u]) {
                                best = p;
                            }
                        }
                        assertEquals(zz[off + r * units * pieces + best * units + u], yy[off + r * units + u]);
                        for (int p = 0; p < pieces; p++) {
                            assertEquals(p == best ? dy[off + r * units + u] : 0f, dd[off + r * units * pieces + p * units + u]);
                        }
                    }
                }
            }
        }
    }
}
