package dev.simdnn.kernel;

/**
 * Loss functions, each returning the mean over the batch and writing its gradient in the same pass.
 *
 * <p>One family of the {@link Kernels} compute contract; its conventions (row-major layout,
 * <em>modified</em>/<em>not modified</em> arrays, no allocation, thread safety, trusted inputs,
 * subnormal flushing) apply to every method here.
 */
public interface Losses {

    /**
     * Softmax and cross-entropy in one pass over {@code rows × cols} logits, with optional label
     * smoothing ε: the target of a row with label {@code y} is {@code q = (1 - ε)·onehot(y) + ε/cols}.
     * Returns the mean over rows of {@code -Σ_j q_j·log softmax(logits)_j}, and writes the gradient
     * of that mean, {@code (softmax - q) / rows}, to {@code grad}. With ε = 0 this is the plain
     * {@code -log softmax(logits)[label]}. Stable for any finite logits (the row max is subtracted
     * before {@code exp}).
     *
     * @param labelSmoothing ε in {@code [0, 1)}
     * @param logits         not modified
     * @param labels         not modified: {@code rows} class indices in {@code [0, cols)}, stored as floats
     * @param grad           modified: {@code rows × cols}, or {@code null} for the loss only; may
     *                       alias {@code logits}
     */
    float softmaxCrossEntropy(int rows, int cols, float labelSmoothing, float[] logits, int logitsOffset,
                              float[] labels, int labelsOffset, float[] grad, int gradOffset);

    /**
     * Mean squared error {@code Σ (p - t)² / n} over {@code n} elements; writes its gradient
     * {@code 2(p - t)/n} to {@code grad} (modified, or {@code null}).
     */
    float meanSquaredError(int n, float[] pred, int predOffset, float[] target, int targetOffset,
                           float[] grad, int gradOffset);

    /**
     * Binary cross-entropy from logits, mean over {@code n} elements:
     * {@code max(z,0) - z·t + log(1 + e^-|z|)}, stable for any finite z; writes its gradient
     * {@code (sigmoid(z) - t)/n} to {@code grad} (modified, or {@code null}).
     */
    float binaryCrossEntropyWithLogits(int n, float[] logits, int logitsOffset,
                                       float[] target, int targetOffset, float[] grad, int gradOffset);

    /**
     * Mean absolute error {@code Σ |p - t| / n}; gradient {@code sign(p - t)/n} (0 where p = t) to
     * {@code grad} (modified, or {@code null}).
     */
    float meanAbsoluteError(int n, float[] pred, int predOffset, float[] target, int targetOffset,
                            float[] grad, int gradOffset);

    /**
     * Huber loss with threshold δ > 0, mean over {@code n}: {@code ½d²} for {@code |d| ≤ δ}, else
     * {@code δ(|d| - ½δ)}, with {@code d = p - t}; gradient {@code clamp(d, -δ, δ)/n} to {@code grad}
     * (modified, or {@code null}).
     */
    float huber(int n, float delta, float[] pred, int predOffset, float[] target, int targetOffset,
                float[] grad, int gradOffset);

    /**
     * Hinge loss for binary targets {@code t ∈ {0, 1}} (read as y = 2t - 1 = ±1), mean over
     * {@code n}: {@code max(0, 1 - y·z)}; gradient {@code -y/n} where {@code y·z < 1}, else 0, to
     * {@code grad} (modified, or {@code null}).
     */
    float hinge(int n, float[] scores, int scoresOffset, float[] target, int targetOffset, float[] grad, int gradOffset);

    /**
     * Log-cosh loss, mean over {@code n}: {@code log(cosh(d))} with {@code d = p - t}, computed as
     * {@code |d| + log1p(e^(-2|d|)) - log 2} so that large {@code |d|} never overflows {@code cosh};
     * gradient {@code tanh(d)/n} to {@code grad} (modified, or {@code null}). Quadratic near the
     * target like MSE, linear far from it like MAE, smooth everywhere.
     */
    float logCosh(int n, float[] pred, int predOffset, float[] target, int targetOffset, float[] grad, int gradOffset);
}
