package dev.simdnn.kernel.contract;

import dev.simdnn.kernel.*;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The conformance suite of {@link Norms}: batch and layer normalisation, the per-column affine map, accuracy far from zero. */
public abstract class NormsContractTest extends KernelContract {

    @Test
    void everyNormsMethodIsCovered() {
        assertEveryMethodCovered(Norms.class, NormsContractTest.class, 5);
    }

    @Test
    @Covers({"batchNormForward", "batchNormBackward", "scaleShiftColumns"})
    void batchNormMatchesReference() {
        SplittableRandom rng = new SplittableRandom(53);
        float eps = 1e-5f;
        for (int rows : new int[] {1, 2, 7, 33}) {
            for (int cols : edgeSizes()) {
                int off = 1;
                float[] x = random(rng, off + rows * cols, 2);
                for (int i = off; i < x.length; i++) {
                    x[i] += 0.5f; // a mean away from zero
                }
                float[] gamma = random(rng, off + cols, 2);
                float[] beta = random(rng, off + cols, 1);
                float[] mean = new float[off + cols];
                float[] var = new float[off + cols];
                float[] xhat = new float[off + rows * cols];
                float[] y = new float[off + rows * cols];
                kernels().norms().batchNormForward(rows, cols, eps, x, off, gamma, off, beta, off, mean, off, var, off, xhat, off, y, off);
                float[] dy = random(rng, off + rows * cols, 1);
                float[] s1 = new float[off + cols];
                float[] s2 = new float[off + cols];
                float[] dx = new float[off + rows * cols];
                kernels().norms().batchNormBackward(rows, cols, eps, dy, off, xhat, off, gamma, off, var, off, s1, off, s2, off, dx, off);
                double tol = (rows + 16) * 8 * U;
                for (int c = 0; c < cols; c++) {
                    double mu = 0;
                    for (int r = 0; r < rows; r++) {
                        mu += x[off + r * cols + c];
                    }
                    mu /= rows;
                    double v = 0;
                    for (int r = 0; r < rows; r++) {
                        v += Math.pow(x[off + r * cols + c] - mu, 2);
                    }
                    v /= rows;
                    assertEquals(mu, mean[off + c], tol * 3, "mean");
                    assertEquals(v, var[off + c], tol * 9, "variance");
                    double inv = 1 / Math.sqrt(v + eps);
                    double sDy = 0;
                    double sDyH = 0;
                    double mag = 0;
                    double[] h = new double[rows];
                    for (int r = 0; r < rows; r++) {
                        h[r] = (x[off + r * cols + c] - mu) * inv;
                        int i = off + r * cols + c;
                        assertEquals(h[r], xhat[i], tol * (1 + Math.abs(h[r])) * 4 * inv, "xhat");
                        assertEquals(gamma[off + c] * h[r] + beta[off + c], y[i],
                                tol * (Math.abs(beta[off + c]) + Math.abs(gamma[off + c]) * (1 + Math.abs(h[r])) * 4 * inv), "y");
                        sDy += dy[i];
                        sDyH += dy[i] * h[r];
                        mag += Math.abs(dy[i]) * (1 + Math.abs(h[r]));
                    }
                    assertEquals(sDy, s1[off + c], tol * mag, "sum dy");
                    assertEquals(sDyH, s2[off + c], tol * mag * 4 * inv, "sum dy·xhat");
                    for (int r = 0; r < rows; r++) {
                        int i = off + r * cols + c;
                        double expect = gamma[off + c] * inv / rows * (rows * dy[i] - sDy - h[r] * sDyH);
                        double scale = Math.abs(gamma[off + c]) * inv / rows * (rows * Math.abs(dy[i]) + mag * (1 + Math.abs(h[r])));
                        assertEquals(expect, dx[i], tol * scale * 8 * inv + 1e-30, "dx");
                    }
                }
                // inference: y = x·scale + shift, exact to one rounding of each operation
                float[] out = new float[off + rows * cols];
                kernels().norms().scaleShiftColumns(rows, cols, x, off, gamma, off, beta, off, out, off);
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        int i = off + r * cols + c;
                        double expect = (double) x[i] * gamma[off + c] + beta[off + c];
                        assertEquals(expect, out[i], 2 * U * (Math.abs(x[i] * gamma[off + c]) + Math.abs(expect)) + 1e-30);
                    }
                }
            }
        }
    }

    @Test
    @Covers({"layerNormForward", "layerNormBackward"})
    void layerNormMatchesReference() {
        SplittableRandom rng = new SplittableRandom(59);
        float eps = 1e-5f;
        for (int rows : new int[] {1, 4}) {
            for (int cols : edgeSizes()) {
                int off = 2;
                float[] x = random(rng, off + rows * cols, 3);
                float[] gamma = random(rng, off + cols, 2);
                float[] beta = random(rng, off + cols, 1);
                float[] mean = new float[off + rows];
                float[] var = new float[off + rows];
                float[] xhat = new float[off + rows * cols];
                float[] y = new float[off + rows * cols];
                kernels().norms().layerNormForward(rows, cols, eps, x, off, gamma, off, beta, off, mean, off, var, off, xhat, off, y, off);
                float[] dy = random(rng, off + rows * cols, 1);
                float[] dg = new float[off + cols];
                float[] db = new float[off + cols];
                Arrays.fill(dg, 1f);
                Arrays.fill(db, -1f);
                float[] dx = new float[off + rows * cols];
                kernels().norms().layerNormBackward(rows, cols, eps, dy, off, xhat, off, gamma, off, var, off, dg, off, db, off, dx, off);
                double tol = (cols + 16) * 8 * U;
                double[][] h = new double[rows][cols];
                for (int r = 0; r < rows; r++) {
                    double mu = 0;
                    for (int c = 0; c < cols; c++) {
                        mu += x[off + r * cols + c];
                    }
                    mu /= cols;
                    double v = 0;
                    for (int c = 0; c < cols; c++) {
                        v += Math.pow(x[off + r * cols + c] - mu, 2);
                    }
                    v /= cols;
                    assertEquals(mu, mean[off + r], tol * 3, "mean");
                    assertEquals(v, var[off + r], tol * 9 * Math.max(1, v), "variance");
                    double inv = 1 / Math.sqrt(v + eps);
                    double s = 0;
                    double sh = 0;
                    double mag = 0;
                    for (int c = 0; c < cols; c++) {
                        int i = off + r * cols + c;
                        h[r][c] = (x[i] - mu) * inv;
                        assertEquals(h[r][c], xhat[i], tol * (1 + Math.abs(h[r][c])) * 4 * inv * 3, "xhat");
                        assertEquals(gamma[off + c] * h[r][c] + beta[off + c], y[i],
                                tol * (1 + Math.abs(gamma[off + c]) * (1 + Math.abs(h[r][c])) * 12 * inv), "y");
                        double g = gamma[off + c] * dy[i];
                        s += g;
                        sh += g * h[r][c];
                        mag += Math.abs(g) * (1 + Math.abs(h[r][c]));
                    }
                    for (int c = 0; c < cols; c++) {
                        int i = off + r * cols + c;
                        double g = gamma[off + c] * dy[i];
                        double expect = inv / cols * (cols * g - s - h[r][c] * sh);
                        double scale = inv / cols * (cols * Math.abs(g) + mag * (1 + Math.abs(h[r][c])));
                        assertEquals(expect, dx[i], tol * scale * 12 * inv + 1e-30, "dx");
                    }
                }
                for (int c = 0; c < cols; c++) {
                    double sg = 1;
                    double sb = -1;
                    double mag = 2;
                    for (int r = 0; r < rows; r++) {
                        int i = off + r * cols + c;
                        sg += dy[i] * h[r][c];
                        sb += dy[i];
                        mag += Math.abs(dy[i]) * (1 + Math.abs(h[r][c]));
                    }
                    assertEquals(sg, dg[off + c], (rows + 8) * 8 * U * mag * 12, "dgamma accumulates");
                    assertEquals(sb, db[off + c], (rows + 8) * 8 * U * mag, "dbeta accumulates");
                }
            }
        }
    }

    @Test
    @Covers({"batchNormForward", "layerNormForward"})
    void normalisationIsAccurateFarFromZero() {
        // inputs 1000 ± 1: a plain float sum would put n·u·1000 of error into the mean, which
        // normalisation divides by σ = 1; the result must be accurate relative to σ, not to the mean
        // (x itself is only resolved to ulp(1000)/2 = 3e-5, and so is the float mean)
        SplittableRandom rng = new SplittableRandom(67);
        for (int n : new int[] {17, 64, 257}) {
            float[] x = new float[n * 3];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (1000 + rng.nextGaussian());
            }
            float[] ones = new float[Math.max(n, 3)];
            Arrays.fill(ones, 1f);
            float[] zeros = new float[Math.max(n, 3)];
            float[] mean = new float[n];
            float[] var = new float[n];
            float[] xhat = new float[x.length];
            float[] y = new float[x.length];
            // batch norm over n rows of 3 columns; layer norm over 3 rows of n columns
            kernels().norms().batchNormForward(n, 3, 1e-5f, x, 0, ones, 0, zeros, 0, mean, 0, var, 0, xhat, 0, y, 0);
            for (int c = 0; c < 3; c++) {
                double mu = 0;
                for (int r = 0; r < n; r++) {
                    mu += x[r * 3 + c];
                }
                mu /= n;
                double v = 0;
                for (int r = 0; r < n; r++) {
                    v += Math.pow(x[r * 3 + c] - mu, 2);
                }
                v /= n;
                for (int r = 0; r < n; r++) {
                    assertEquals((x[r * 3 + c] - mu) / Math.sqrt(v + 1e-5), xhat[r * 3 + c], 1e-4, "batch norm x̂");
                }
            }
            kernels().norms().layerNormForward(3, n, 1e-5f, x, 0, ones, 0, zeros, 0, mean, 0, var, 0, xhat, 0, y, 0);
            for (int r = 0; r < 3; r++) {
                double mu = 0;
                for (int c = 0; c < n; c++) {
                    mu += x[r * n + c];
                }
                mu /= n;
                double v = 0;
                for (int c = 0; c < n; c++) {
                    v += Math.pow(x[r * n + c] - mu, 2);
                }
                v /= n;
                for (int c = 0; c < n; c++) {
                    assertEquals((x[r * n + c] - mu) / Math.sqrt(v + 1e-5), xhat[r * n + c], 1e-4, "layer norm x̂");
                }
            }
        }
    }
}
