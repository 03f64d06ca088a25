package dev.simdnn.kernel.scalar;

import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Activations;

/**
 * The scalar reference of {@link Activations}: plain loops, one element at a time, sums in
 * {@code double} (see {@link ScalarKernels}). Stateless and thread-safe.
 */
public final class ScalarActivations implements Activations {
    /** The one instance; the class has no state. */
    public static final ScalarActivations INSTANCE = new ScalarActivations();

    private ScalarActivations() {
    }

    @Override
    public void activationForward(Activation act, int n, float[] x, int xOffset, float[] y, int yOffset) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = act.apply(x[xOffset + i]);
        }
    }

    @Override
    public void activationBackward(Activation act, int rows, int cols,
                                   float[] z, int zOffset, float[] y, int yOffset,
                                   float[] dy, int dyOffset, float[] dz, int dzOffset,
                                   float[] dbias, int dbiasOffset) {
        boolean identity = act.kind() == Activation.Kind.IDENTITY;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                int e = r * cols + j;
                float g = dy[dyOffset + e];
                if (!identity) {
                    g *= act.derivative(z[zOffset + e]);
                }
                dz[dzOffset + e] = g;
            }
        }
        if (dbias != null) {
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int r = 0; r < rows; r++) {
                    s += dz[dzOffset + r * cols + j];
                }
                dbias[dbiasOffset + j] += (float) s;
            }
        }
    }

    @Override
    public void softmax(int rows, int cols, float[] x, int xOffset, float[] y, int yOffset) {
        for (int r = 0; r < rows; r++) {
            int xr = xOffset + r * cols;
            int yr = yOffset + r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, x[xr + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(x[xr + j] - max);
                y[yr + j] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < cols; j++) {
                y[yr + j] *= inv;
            }
        }
    }

    @Override
    public void preluForward(int rows, int cols, float[] x, int xOffset, float[] slope, int slopeOffset,
                             float[] y, int yOffset) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                float v = x[xOffset + r * cols + c];
                y[yOffset + r * cols + c] = v > 0 ? v : slope[slopeOffset + c] * v;
            }
        }
    }

    @Override
    public void preluBackward(int rows, int cols, float[] x, int xOffset, float[] slope, int slopeOffset,
                              float[] dy, int dyOffset, float[] dx, int dxOffset, float[] dslope, int dslopeOffset) {
        for (int c = 0; c < cols; c++) {
            double ds = 0;
            float a = slope[slopeOffset + c];
            for (int r = 0; r < rows; r++) {
                float v = x[xOffset + r * cols + c];
                float g = dy[dyOffset + r * cols + c];
                if (v <= 0) {
                    ds += (double) g * v;
                }
                if (dx != null) {
                    dx[dxOffset + r * cols + c] = v > 0 ? g : a * g;
                }
            }
            dslope[dslopeOffset + c] += (float) ds;
        }
    }

    @Override
    public void maxoutForward(int rows, int units, int pieces, float[] z, int zOffset, float[] y, int yOffset) {
        for (int r = 0; r < rows; r++) {
            int zr = zOffset + r * units * pieces;
            for (int u = 0; u < units; u++) {
                float best = z[zr + u];
                for (int p = 1; p < pieces; p++) {
                    best = Math.max(best, z[zr + p * units + u]);
                }
                y[yOffset + r * units + u] = best;
            }
        }
    }

    @Override
    public void maxoutBackward(int rows, int units, int pieces, float[] z, int zOffset, float[] dy, int dyOffset,
                               float[] dz, int dzOffset) {
        for (int r = 0; r < rows; r++) {
            int zr = zOffset + r * units * pieces;
            int dzr = dzOffset + r * units * pieces;
            for (int u = 0; u < units; u++) {
                int best = 0;
                for (int p = 1; p < pieces; p++) {
                    if (z[zr + p * units + u] > z[zr + best * units + u]) {
                        best = p;
                    }
                }
                for (int p = 0; p < pieces; p++) {
                    dz[dzr + p * units + u] = p == best ? dy[dyOffset + r * units + u] : 0f;
                }
            }
        }
    }
}
