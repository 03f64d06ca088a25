package dev.simdnn.kernel.contract;

import dev.simdnn.kernel.*;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The conformance suite of {@link Updates}: every optimizer update against its rule, state flushing, the elastic-net penalty. */
public abstract class UpdatesContractTest extends KernelContract {

    @Test
    void everyUpdatesMethodIsCovered() {
        assertEveryMethodCovered(Updates.class, UpdatesContractTest.class, 6);
    }

    // ================================================================== optimizer updates

    @Test
    @Covers({"sgdUpdate", "momentumUpdate", "adamUpdate", "adagradUpdate", "rmspropUpdate"})
    void optimizerUpdatesMatchTheirRules() {
        SplittableRandom rng = new SplittableRandom(17);
        for (int n : edgeSizes()) {
            float[] w = random(rng, n, 1);
            float[] g = random(rng, n, 1);
            float[] v = random(rng, n, 0.5);
            float[] m = random(rng, n, 0.5);
            float[] sq = new float[n];
            for (int i = 0; i < n; i++) {
                sq[i] = (float) rng.nextDouble(0, 0.5);
            }
            float lr = 0.05f, wd = 0.01f, mu = 0.9f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
            int t = 3;

            float[] w1 = w.clone();
            kernels().updates().sgdUpdate(n, lr, wd, w1, 0, g, 0);
            for (boolean nesterov : new boolean[] {false, true}) {
                float[] w2 = w.clone();
                float[] v2 = v.clone();
                kernels().updates().momentumUpdate(n, lr, mu, nesterov, wd, w2, 0, g, 0, v2, 0);
                for (int i = 0; i < n; i++) {
                    double gi = g[i] + (double) wd * w[i];
                    double vi = mu * (double) v[i] + gi;
                    assertEquals(vi, v2[i], 1e-6);
                    assertEquals(w[i] - lr * (nesterov ? gi + mu * vi : vi), w2[i], 1e-6);
                }
            }
            for (boolean decoupled : new boolean[] {false, true}) {
                float[] w3 = w.clone();
                float[] m3 = m.clone();
                float[] v3 = sq.clone();
                kernels().updates().adamUpdate(n, lr, b1, b2, eps, wd, decoupled, t, w3, 0, g, 0, m3, 0, v3, 0);
                for (int i = 0; i < n; i++) {
                    double wi = w[i];
                    double gi = g[i];
                    if (decoupled) {
                        wi -= lr * wd * wi;
                    } else {
                        gi += wd * wi;
                    }
                    double mi = b1 * (double) m[i] + (1 - b1) * gi;
                    double vi = b2 * (double) sq[i] + (1 - b2) * gi * gi;
                    double upd = lr * (mi / (1 - Math.pow(b1, t))) / (Math.sqrt(vi / (1 - Math.pow(b2, t))) + eps);
                    assertEquals(mi, m3[i], 1e-6);
                    assertEquals(vi, v3[i], 1e-6);
                    assertEquals(wi - upd, w3[i], 1e-6, "adam decoupled=" + decoupled);
                }
            }
            for (int i = 0; i < n; i++) {
                assertEquals(w[i] - lr * (g[i] + (double) wd * w[i]), w1[i], 1e-6);
            }
            float[] w4 = w.clone();
            float[] s4 = sq.clone();
            kernels().updates().adagradUpdate(n, lr, 1e-10f, wd, w4, 0, g, 0, s4, 0);
            float[] w5 = w.clone();
            float[] s5 = sq.clone();
            kernels().updates().rmspropUpdate(n, lr, 0.9f, eps, wd, w5, 0, g, 0, s5, 0);
            for (int i = 0; i < n; i++) {
                double gi = g[i] + (double) wd * w[i];
                double sa = sq[i] + gi * gi;
                assertEquals(sa, s4[i], 1e-6);
                assertEquals(w[i] - lr * gi / (Math.sqrt(sa) + 1e-10), w4[i], 1e-6, "adagrad");
                double sr = 0.9 * sq[i] + 0.1 * gi * gi;
                assertEquals(sr, s5[i], 1e-6);
                assertEquals(w[i] - lr * gi / (Math.sqrt(sr) + eps), w5[i], 1e-6, "rmsprop");
            }
        }
    }

    @Test
    @Covers({"momentumUpdate", "adamUpdate"})
    void optimizerStateBelowMinNormalIsFlushedToZero() {
        // velocity 1e-39 (subnormal) with zero gradient would decay to 9e-40; it must become 0
        float[] w = {1f, 2f};
        float[] g = {0f, 0.5f};
        float[] v = {1e-39f, 1e-39f};
        kernels().updates().momentumUpdate(2, 0.1f, 0.9f, false, 0f, w, 0, g, 0, v, 0);
        assertEquals(0f, v[0], 0f, "subnormal velocity flushed");
        assertEquals(0.5f, v[1], 1e-7f, "normal velocity kept");
        float[] m = {1e-39f, 0.1f};
        float[] s2 = {1e-39f, 0.1f};
        kernels().updates().adamUpdate(2, 0.1f, 0.9f, 0.999f, 1e-8f, 0f, false, 2, w, 0, g, 0, m, 0, s2, 0);
        assertEquals(0f, m[0], 0f, "subnormal first moment flushed");
        assertEquals(0f, s2[0], 0f, "subnormal second moment flushed");
        assertTrue(m[1] > 0 && s2[1] > 0);
    }

    @Test
    @Covers({"elasticNetPenalty"})
    void elasticNetPenaltyAndItsGradient() {
        // known answer: w = [-2, 0, 3], l1 = 0.5, l2 = 0.1 → 0.5·5 + 0.05·13 = 3.15; g += [-0.7, 0, 0.8]
        float[] g = {1, 1, 1};
        float p = kernels().updates().elasticNetPenalty(3, 0.5f, 0.1f, new float[] {-2, 0, 3}, 0, g, 0);
        assertEquals(3.15, p, 1e-6);
        assertArrayEquals(new float[] {0.3f, 1f, 1.8f}, g, 1e-6f);
        SplittableRandom rng = new SplittableRandom(61);
        for (int n : edgeSizes()) {
            float[] w = random(rng, n + 1, 3);
            float[] g0 = random(rng, n + 1, 1);
            float[] gg = g0.clone();
            float l1 = 0.03f;
            float l2 = 0.2f;
            float pen = kernels().updates().elasticNetPenalty(n, l1, l2, w, 1, gg, 1);
            double expect = 0;
            for (int i = 1; i <= n; i++) {
                expect += l1 * Math.abs(w[i]) + 0.5 * l2 * w[i] * w[i];
                double ge = g0[i] + l1 * Math.signum(w[i]) + (double) l2 * w[i];
                assertEquals(ge, gg[i], 4 * U * (Math.abs(g0[i]) + l1 + Math.abs(l2 * w[i])), "gradient");
            }
            assertEquals(g0[0], gg[0], "offset respected");
            assertEquals(expect, pen, (n + 4) * 2 * U * expect + 1e-30, "penalty");
            assertEquals(pen, kernels().updates().elasticNetPenalty(n, l1, l2, w, 1, null, 0), 1e-6 * pen, "value only");
        }
    }
}
