package dev.simdnn.kernel.contract;

import dev.simdnn.kernel.*;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The conformance suite of {@link Losses}: every loss value and gradient, label smoothing, stability for large logits. */
public abstract class LossesContractTest extends KernelContract {

    @Test
    void everyLossesMethodIsCovered() {
        assertEveryMethodCovered(Losses.class, LossesContractTest.class, 7);
    }

    // ================================================================== losses

    @Test
    void softmaxCrossEntropyMayWriteItsGradientOverItsLogits() {
        SplittableRandom rng = new SplittableRandom(29);
        for (int cols : new int[] {3, 10, 17, 33}) { // narrower and wider than a vector
            for (float eps : new float[] {0f, 0.1f}) {
                int rows = 5;
                float[] logits = random(rng, rows * cols, 5);
                float[] labels = new float[rows];
                for (int r = 0; r < rows; r++) {
                    labels[r] = rng.nextInt(cols);
                }
                float[] grad = new float[rows * cols];
                float loss = kernels().losses().softmaxCrossEntropy(rows, cols, eps, logits, 0, labels, 0, grad, 0);
                float[] inPlace = logits.clone();
                float same = kernels().losses().softmaxCrossEntropy(rows, cols, eps, inPlace, 0, labels, 0, inPlace, 0);
                assertEquals(loss, same, 0f, "loss, cols " + cols + ", eps " + eps);
                assertArrayEquals(grad, inPlace, "gradient written over the logits, cols " + cols + ", eps " + eps);
            }
        }
    }

    @Test
    @Covers({"softmaxCrossEntropy"})
    void softmaxCrossEntropyKnownAnswer() {
        // logits [0, ln 3] → softmax [1/4, 3/4]; label 1 → loss -ln(3/4); grad [1/4, -1/4]
        float[] logits = {0f, (float) Math.log(3)};
        float[] grad = new float[2];
        float loss = kernels().losses().softmaxCrossEntropy(1, 2, 0f, logits, 0, new float[] {1}, 0, grad, 0);
        assertEquals(-Math.log(0.75), loss, 1e-6);
        assertEquals(0.25, grad[0], 1e-6);
        assertEquals(-0.25, grad[1], 1e-6);
    }

    @Test
    @Covers({"softmaxCrossEntropy"})
    void softmaxCrossEntropyMatchesReferenceAndIsStable() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int rows : new int[] {1, 3, 17}) {
            for (int cols : new int[] {2, 3, 10, 17, 33}) {
                for (double scale : new double[] {1, 30, 1e4}) {
                    float[] logits = random(rng, rows * cols, scale);
                    float[] labels = new float[rows];
                    for (int r = 0; r < rows; r++) {
                        labels[r] = rng.nextInt(cols);
                    }
                    float[] grad = new float[rows * cols];
                    float loss = kernels().losses().softmaxCrossEntropy(rows, cols, 0f, logits, 0, labels, 0, grad, 0);
                    double expectLoss = 0;
                    for (int r = 0; r < rows; r++) {
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j < cols; j++) {
                            max = Math.max(max, logits[r * cols + j]);
                        }
                        double se = 0;
                        for (int j = 0; j < cols; j++) {
                            se += Math.exp(logits[r * cols + j] - max);
                        }
                        double lse = max + Math.log(se);
                        expectLoss += lse - logits[r * cols + (int) labels[r]];
                        for (int j = 0; j < cols; j++) {
                            double p = Math.exp(logits[r * cols + j] - lse);
                            double onehot = j == labels[r] ? 1 : 0;
                            double g = (p - onehot) / rows;
                            assertTrue(Float.isFinite(grad[r * cols + j]));
                            // exp's argument z - max carries |z - max|·u of rounding; a few more u for exp, Σ, 1/rows
                            double tol = (8 + Math.abs(logits[r * cols + j] - max)) * 2 * U * Math.max(p, onehot) / rows;
                            assertEquals(g, grad[r * cols + j], tol + 1e-37, "grad");
                        }
                    }
                    expectLoss /= rows;
                    assertTrue(Float.isFinite(loss), "finite loss for logits of scale " + scale);
                    // The loss is a difference of values of size `scale`: cancellation costs scale·u.
                    assertEquals(expectLoss, loss, 1e-5 * Math.max(1, expectLoss) + 4 * scale * U);
                    float lossOnly = kernels().losses().softmaxCrossEntropy(rows, cols, 0f, logits, 0, labels, 0, null, 0);
                    assertEquals(loss, lossOnly, 1e-6 * Math.max(1, Math.abs(loss)));
                }
            }
        }
    }

    @Test
    @Covers({"meanSquaredError", "binaryCrossEntropyWithLogits"})
    void meanSquaredErrorAndBinaryCrossEntropyMatchReference() {
        SplittableRandom rng = new SplittableRandom(13);
        for (int n : edgeSizes()) {
            float[] p = random(rng, n, 3);
            float[] t = random(rng, n, 3);
            float[] g = new float[n];
            float mse = kernels().losses().meanSquaredError(n, p, 0, t, 0, g, 0);
            double e = 0;
            for (int i = 0; i < n; i++) {
                double d = (double) p[i] - t[i];
                e += d * d;
                assertEquals(2 * d / n, g[i], 4 * U * Math.abs(2 * d / n) + 1e-37);
            }
            assertEquals(e / n, mse, (n + 2) * U * e / n + 1e-30);

            float[] z = random(rng, n, 40);
            float[] y = new float[n];
            for (int i = 0; i < n; i++) {
                y[i] = rng.nextInt(2);
            }
            float bce = kernels().losses().binaryCrossEntropyWithLogits(n, z, 0, y, 0, g, 0);
            double eb = 0;
            for (int i = 0; i < n; i++) {
                double zi = z[i];
                eb += Math.max(zi, 0) - zi * y[i] + Math.log1p(Math.exp(-Math.abs(zi)));
                double gi = (Activation.sigmoid(zi) - y[i]) / n;
                assertEquals(gi, g[i], 1e-6 * Math.abs(gi) + 1e-9);
            }
            assertEquals(eb / n, bce, 1e-5 * eb / n + 1e-6);
        }
        // Known answer: z = 0, t = 1 gives ln 2 and gradient -1/2.
        float[] g1 = new float[1];
        assertEquals(Math.log(2), kernels().losses().binaryCrossEntropyWithLogits(1, new float[] {0}, 0, new float[] {1}, 0, g1, 0),
                1e-7);
        assertEquals(-0.5f, g1[0], 1e-7);
    }

    @Test
    @Covers({"meanAbsoluteError", "huber", "hinge"})
    void maeHuberAndHingeMatchReference() {
        SplittableRandom rng = new SplittableRandom(29);
        for (int n : edgeSizes()) {
            float[] p = random(rng, n, 3);
            float[] t = random(rng, n, 3);
            float[] bin = new float[n];
            for (int i = 0; i < n; i++) {
                bin[i] = rng.nextInt(2);
            }
            float[] g1 = new float[n], g2 = new float[n], g3 = new float[n];
            float mae = kernels().losses().meanAbsoluteError(n, p, 0, t, 0, g1, 0);
            float hub = kernels().losses().huber(n, 1f, p, 0, t, 0, g2, 0);
            float hin = kernels().losses().hinge(n, p, 0, bin, 0, g3, 0);
            double em = 0, eh = 0, eg = 0, mag = 0;
            for (int i = 0; i < n; i++) {
                double d = (double) p[i] - t[i];
                em += Math.abs(d);
                mag += Math.abs(d) + d * d;
                eh += Math.abs(d) <= 1 ? 0.5 * d * d : Math.abs(d) - 0.5;
                double y = 2 * bin[i] - 1;
                double margin = y * p[i];
                eg += Math.max(0, 1 - margin);
                assertEquals(Math.signum(d) / n, g1[i], 1e-7, "mae grad");
                assertEquals(Math.max(-1, Math.min(1, d)) / n, g2[i], 1e-6 / n, "huber grad");
                assertEquals(margin < 1 ? -y / n : 0, g3[i], 1e-7, "hinge grad");
            }
            double tol = (n + 4) * U * (mag + n) / n;
            assertEquals(em / n, mae, tol);
            assertEquals(eh / n, hub, tol);
            assertEquals(eg / n, hin, tol);
        }
        // worked by hand: p = (2, 0), t = (0, 0.5): MAE (2 + 0.5)/2 = 1.25; Huber(δ=1) (1.5 + 0.125)/2 = 0.8125
        float[] g = new float[2];
        assertEquals(1.25f, kernels().losses().meanAbsoluteError(2, new float[] {2, 0}, 0, new float[] {0, 0.5f}, 0, g, 0), 1e-7f);
        assertEquals(0.8125f, kernels().losses().huber(2, 1f, new float[] {2, 0}, 0, new float[] {0, 0.5f}, 0, g, 0), 1e-7f);
        // hinge: scores (0.3, -2), labels (1, 0): (1 - 0.3) + max(0, 1 - 2) = 0.7, mean 0.35
        assertEquals(0.35f, kernels().losses().hinge(2, new float[] {0.3f, -2f}, 0, new float[] {1, 0}, 0, g, 0), 1e-7f);
    }

    @Test
    @Covers({"softmaxCrossEntropy"})
    void lossGradientsBelowMinNormalAreFlushedToZero() {
        // p(class 1) = e^-100 / (1 + e^-100) ≈ 3.7e-44: its gradient is flushed to 0, not subnormal
        float[] grad = new float[2];
        kernels().losses().softmaxCrossEntropy(1, 2, 0f, new float[] {0f, -100f}, 0, new float[] {0}, 0, grad, 0);
        assertEquals(0f, grad[1], 0f);
        assertEquals(0f, grad[0], 0f, "p - 1 ≈ -3.7e-44 is flushed too");
    }

    // ================================================================== label smoothing, layers, penalties

    @Test
    @Covers({"softmaxCrossEntropy"})
    void labelSmoothingMatchesTheSmoothedTargetDistribution() {
        // Known answer: logits [0, ln 3] → p = [1/4, 3/4]; label 1, ε = 0.2 → q = [0.1, 0.9];
        // loss = -(0.1·ln 1/4 + 0.9·ln 3/4), grad = p - q = [0.15, -0.15]
        float[] grad = new float[2];
        float loss = kernels().losses().softmaxCrossEntropy(1, 2, 0.2f, new float[] {0f, (float) Math.log(3)}, 0,
                new float[] {1}, 0, grad, 0);
        assertEquals(-(0.1 * Math.log(0.25) + 0.9 * Math.log(0.75)), loss, 1e-6);
        assertEquals(0.15, grad[0], 1e-6);
        assertEquals(-0.15, grad[1], 1e-6);
        SplittableRandom rng = new SplittableRandom(41);
        for (int rows : new int[] {1, 5}) {
            for (int cols : edgeSizes()) {
                float eps = 0.1f;
                float[] logits = random(rng, rows * cols, 20);
                float[] labels = new float[rows];
                for (int r = 0; r < rows; r++) {
                    labels[r] = rng.nextInt(cols);
                }
                float[] g = new float[rows * cols];
                float l = kernels().losses().softmaxCrossEntropy(rows, cols, eps, logits, 0, labels, 0, g, 0);
                double expect = 0;
                for (int r = 0; r < rows; r++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < cols; j++) {
                        max = Math.max(max, logits[r * cols + j]);
                    }
                    double se = 0;
                    for (int j = 0; j < cols; j++) {
                        se += Math.exp(logits[r * cols + j] - max);
                    }
                    for (int j = 0; j < cols; j++) {
                        double logP = logits[r * cols + j] - max - Math.log(se);
                        double q = (j == labels[r] ? 1 - (double) eps : 0) + (double) eps / cols;
                        expect -= q * logP;
                        assertEquals((Math.exp(logP) - q) / rows, g[r * cols + j], 64 * U / rows + 1e-37, "grad");
                    }
                }
                assertEquals(expect / rows, l, 1e-5 * Math.max(1, expect / rows) + 80 * U, "loss");
            }
        }
    }

    @Test
    @Covers({"logCosh"})
    void logCoshMatchesReferenceAndStaysFiniteFarFromTheTarget() {
        SplittableRandom rng = new SplittableRandom(41);
        for (int n : edgeSizes()) {
            float[] p = random(rng, n, 4);
            float[] t = random(rng, n, 4);
            float[] g = new float[n];
            float got = kernels().losses().logCosh(n, p, 0, t, 0, g, 0);
            double expected = 0, mag = 0;
            for (int i = 0; i < n; i++) {
                double d = (double) p[i] - t[i];
                expected += Math.log(Math.cosh(d)); // |d| < 8 here: cosh does not overflow
                mag += Math.abs(d) + 1;
                // tanh'(d) ≤ 1: the float rounding of d (|d|·u) plus the backend's tanh error
                assertEquals(Math.tanh(d) / n, g[i], (Math.abs(d) * U + activationRelativeTolerance()) / n,
                        "gradient " + i + " of " + n);
            }
            assertEquals(expected / n, got, (n + 8) * activationRelativeTolerance() * mag / n, "n = " + n);
            assertEquals(got, kernels().losses().logCosh(n, p, 0, t, 0, null, 0), 0f, "the loss without a gradient");
        }
        // worked by hand: d = (0, 1, -2): log cosh 0 = 0, log cosh 1 = 0.4337808, log cosh 2 = 1.3250027
        float[] g = new float[3];
        assertEquals((0 + 0.4337808 + 1.3250027) / 3,
                kernels().losses().logCosh(3, new float[] {1, 1, 0}, 0, new float[] {1, 0, 2}, 0, g, 0), 1e-6);
        assertEquals(0f, g[0], 0f);
        assertEquals(Math.tanh(1) / 3, g[1], 1e-6);
        assertEquals(-Math.tanh(2) / 3, g[2], 1e-6);
        // far away: log cosh 100 = 100 - log 2, with no overflow of cosh(100) in float
        assertEquals(100 - Math.log(2), kernels().losses().logCosh(1, new float[] {100}, 0, new float[] {0}, 0, g, 0), 1e-4);
        assertEquals(1f, g[0], 1e-6f);
    }
}
