package dev.simdnn.kernel;

/**
 * Normalisation: batch normalisation (training and inference) and layer normalisation.
 *
 * <p>One family of the {@link Kernels} compute contract; its conventions (row-major layout,
 * <em>modified</em>/<em>not modified</em> arrays, no allocation, thread safety, trusted inputs,
 * subnormal flushing) apply to every method here.
 */
public interface Norms {

    /**
     * Batch normalisation in training mode over {@code rows × cols} (statistics per column):
     * writes the batch mean and biased variance of each column, {@code xhat = (x - mean)/√(var + ε)}
     * and {@code y = gamma·xhat + beta}. Means and variances are computed in two passes.
     *
     * @param mean     modified ({@code cols})
     * @param variance modified ({@code cols}), biased: divided by {@code rows}
     * @param xhat     modified ({@code rows × cols})
     * @param y        modified ({@code rows × cols}); may alias {@code xhat}, not {@code x}
     */
    void batchNormForward(int rows, int cols, float epsilon, float[] x, int xOffset,
                          float[] gamma, int gammaOffset, float[] beta, int betaOffset,
                          float[] mean, int meanOffset, float[] variance, int varianceOffset,
                          float[] xhat, int xhatOffset, float[] y, int yOffset);

    /**
     * Batch normalisation's backward over {@code rows × cols}: writes the column sums
     * {@code sumDy = Σ_rows dy} (the gradient of beta) and {@code sumDyXhat = Σ_rows dy·xhat} (of
     * gamma), and {@code dx = gamma/(rows·√(var + ε))·(rows·dy - sumDy - xhat·sumDyXhat)}.
     *
     * @param sumDy     overwritten ({@code cols})
     * @param sumDyXhat overwritten ({@code cols})
     * @param dx        modified ({@code rows × cols}), or {@code null} to skip; may alias {@code dy}
     */
    void batchNormBackward(int rows, int cols, float epsilon, float[] dy, int dyOffset, float[] xhat, int xhatOffset,
                           float[] gamma, int gammaOffset, float[] variance, int varianceOffset,
                           float[] sumDy, int sumDyOffset, float[] sumDyXhat, int sumDyXhatOffset,
                           float[] dx, int dxOffset);

    /** {@code y[r, c] = x[r, c]·scale[c] + shift[c]} over {@code rows × cols}; {@code y} may alias {@code x}. */
    void scaleShiftColumns(int rows, int cols, float[] x, int xOffset, float[] scale, int scaleOffset,
                           float[] shift, int shiftOffset, float[] y, int yOffset);

    /**
     * Layer normalisation over {@code rows × cols} (statistics per row): writes each row's mean and
     * biased variance, {@code xhat = (x - mean)/√(var + ε)} and {@code y = gamma[c]·xhat + beta[c]}.
     *
     * @param mean     modified ({@code rows})
     * @param variance modified ({@code rows})
     * @param y        modified; may alias {@code xhat}, not {@code x}
     */
    void layerNormForward(int rows, int cols, float epsilon, float[] x, int xOffset,
                          float[] gamma, int gammaOffset, float[] beta, int betaOffset,
                          float[] mean, int meanOffset, float[] variance, int varianceOffset,
                          float[] xhat, int xhatOffset, float[] y, int yOffset);

    /**
     * Layer normalisation's backward: {@code dgamma[c] += Σ_rows dy·xhat}, {@code dbeta[c] += Σ_rows dy},
     * and per row, with {@code g = gamma·dy}:
     * {@code dx = (cols·g - Σ_c g - xhat·Σ_c g·xhat) / (cols·√(var + ε))}.
     *
     * @param dx modified, or {@code null} to skip; must not alias {@code dy}
     */
    void layerNormBackward(int rows, int cols, float epsilon, float[] dy, int dyOffset, float[] xhat, int xhatOffset,
                           float[] gamma, int gammaOffset, float[] variance, int varianceOffset,
                           float[] dgamma, int dgammaOffset, float[] dbeta, int dbetaOffset,
                           float[] dx, int dxOffset);
}
