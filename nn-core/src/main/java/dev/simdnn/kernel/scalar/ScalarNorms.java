package dev.simdnn.kernel.scalar;

import dev.simdnn.kernel.Norms;

/**
 * The scalar reference of {@link Norms}: plain loops, one element at a time, sums in
 * {@code double} (see {@link ScalarKernels}). Stateless and thread-safe.
 */
public final class ScalarNorms implements Norms {
    /** The one instance; the class has no state. */
    public static final ScalarNorms INSTANCE = new ScalarNorms();

    private ScalarNorms() {
    }

    @Override
    public void batchNormForward(int rows, int cols, float epsilon, float[] x, int xOffset,
                                 float[] gamma, int gammaOffset, float[] beta, int betaOffset,
                                 float[] mean, int meanOffset, float[] variance, int varianceOffset,
                                 float[] xhat, int xhatOffset, float[] y, int yOffset) {
        for (int c = 0; c < cols; c++) {
            double s = 0;
            for (int r = 0; r < rows; r++) {
                s += x[xOffset + r * cols + c];
            }
            double mu = s / rows;
            double ss = 0;
            for (int r = 0; r < rows; r++) {
                double d = x[xOffset + r * cols + c] - mu;
                ss += d * d;
            }
            double var = ss / rows;
            double inv = 1 / Math.sqrt(var + epsilon);
            mean[meanOffset + c] = (float) mu;
            variance[varianceOffset + c] = (float) var;
            for (int r = 0; r < rows; r++) {
                double h = (x[xOffset + r * cols + c] - mu) * inv;
                xhat[xhatOffset + r * cols + c] = (float) h;
                y[yOffset + r * cols + c] = (float) (gamma[gammaOffset + c] * h + beta[betaOffset + c]);
            }
        }
    }

    @Override
    public void batchNormBackward(int rows, int cols, float epsilon, float[] dy, int dyOffset, float[] xhat, int xhatOffset,
                                  float[] gamma, int gammaOffset, float[] variance, int varianceOffset,
                                  float[] sumDy, int sumDyOffset, float[] sumDyXhat, int sumDyXhatOffset,
                                  float[] dx, int dxOffset) {
        for (int c = 0; c < cols; c++) {
            double s = 0;
            double sh = 0;
            for (int r = 0; r < rows; r++) {
                double g = dy[dyOffset + r * cols + c];
                s += g;
                sh += g * xhat[xhatOffset + r * cols + c];
            }
            sumDy[sumDyOffset + c] = (float) s;
            sumDyXhat[sumDyXhatOffset + c] = (float) sh;
            if (dx != null) {
                double k = gamma[gammaOffset + c] / (rows * Math.sqrt(variance[varianceOffset + c] + (double) epsilon));
                for (int r = 0; r < rows; r++) {
                    int i = r * cols + c;
                    dx[dxOffset + i] = (float) (k * ((double) rows * dy[dyOffset + i] - s - xhat[xhatOffset + i] * sh));
                }
            }
        }
    }

    @Override
    public void scaleShiftColumns(int rows, int cols, float[] x, int xOffset, float[] scale, int scaleOffset,
                                  float[] shift, int shiftOffset, float[] y, int yOffset) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                y[yOffset + r * cols + c] = x[xOffset + r * cols + c] * scale[scaleOffset + c] + shift[shiftOffset + c];
            }
        }
    }

    @Override
    public void layerNormForward(int rows, int cols, float epsilon, float[] x, int xOffset,
                                 float[] gamma, int gammaOffset, float[] beta, int betaOffset,
                                 float[] mean, int meanOffset, float[] variance, int varianceOffset,
                                 float[] xhat, int xhatOffset, float[] y, int yOffset) {
        for (int r = 0; r < rows; r++) {
            int xr = xOffset + r * cols;
            double s = 0;
            for (int c = 0; c < cols; c++) {
                s += x[xr + c];
            }
            double mu = s / cols;
            double ss = 0;
            for (int c = 0; c < cols; c++) {
                double d = x[xr + c] - mu;
                ss += d * d;
            }
            double var = ss / cols;
            double inv = 1 / Math.sqrt(var + epsilon);
            mean[meanOffset + r] = (float) mu;
            variance[varianceOffset + r] = (float) var;
            for (int c = 0; c < cols; c++) {
                double h = (x[xr + c] - mu) * inv;
                xhat[xhatOffset + r * cols + c] = (float) h;
                y[yOffset + r * cols + c] = (float) (gamma[gammaOffset + c] * h + beta[betaOffset + c]);
            }
        }
    }

    @Override
    public void layerNormBackward(int rows, int cols, float epsilon, float[] dy, int dyOffset, float[] xhat, int xhatOffset,
                                  float[] gamma, int gammaOffset, float[] variance, int varianceOffset,
                                  float[] dgamma, int dgammaOffset, float[] dbeta, int dbetaOffset,
                                  float[] dx, int dxOffset) {
        for (int c = 0; c < cols; c++) {
            double sg = 0;
            double sb = 0;
            for (int r = 0; r < rows; r++) {
                double g = dy[dyOffset + r * cols + c];
                sb += g;
                sg += g * xhat[xhatOffset + r * cols + c];
            }
            dgamma[dgammaOffset + c] += (float) sg;
            dbeta[dbetaOffset + c] += (float) sb;
        }
        if (dx == null) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            double s = 0;
            double sh = 0;
            for (int c = 0; c < cols; c++) {
                double g = (double) gamma[gammaOffset + c] * dy[dyOffset + r * cols + c];
                s += g;
                sh += g * xhat[xhatOffset + r * cols + c];
            }
            double k = 1 / (cols * Math.sqrt(variance[varianceOffset + r] + (double) epsilon));
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                double g = (double) gamma[gammaOffset + c] * dy[dyOffset + i];
                dx[dxOffset + i] = (float) (k * (cols * g - s - xhat[xhatOffset + i] * sh));
            }
        }
    }
}
