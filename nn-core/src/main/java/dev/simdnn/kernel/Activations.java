package dev.simdnn.kernel;

/**
 * Activation functions: every {@link Activation} forward and backward (fused with the bias-gradient column sum), row-wise softmax, and the parametric units PReLU and maxout.
 *
 * <p>One family of the {@link Kernels} compute contract; its conventions (row-major layout,
 * <em>modified</em>/<em>not modified</em> arrays, no allocation, thread safety, trusted inputs,
 * subnormal flushing) apply to every method here.
 */
public interface Activations {

    /** {@code y[i] = act(x[i])} for {@code n} elements; {@code y} (modified) may alias {@code x}. */
    void activationForward(Activation act, int n, float[] x, int xOffset, float[] y, int yOffset);

    /**
     * Activation backward fused with the bias-gradient column sum:
     * {@code dz = dy ⊙ act'(z)} and, when {@code dbias != null}, {@code dbias[j] += Σ_r dz[r, j]}.
     *
     * @param z     not modified: pre-activations, {@code rows × cols} (ignored for identity)
     * @param y     not modified: the activations {@code act(z)}, which a backend may use instead of
     *              recomputing {@code act(z)}; may be {@code null}
     * @param dy    not modified: the gradient with respect to {@code y}
     * @param dz    modified: the gradient with respect to {@code z}; may alias {@code dy}
     * @param dbias modified (accumulated): {@code cols} values, or {@code null}
     */
    void activationBackward(Activation act, int rows, int cols,
                            float[] z, int zOffset, float[] y, int yOffset,
                            float[] dy, int dyOffset, float[] dz, int dzOffset,
                            float[] dbias, int dbiasOffset);

    /** Row-wise softmax of {@code rows × cols} values; {@code y} (modified) may alias {@code x}. */
    void softmax(int rows, int cols, float[] x, int xOffset, float[] y, int yOffset);

    /**
     * PReLU over {@code rows × cols}: {@code y = x} where {@code x > 0}, else {@code slope[c]·x},
     * with one learnable slope per column (channel). {@code y} (modified) may alias {@code x}.
     */
    void preluForward(int rows, int cols, float[] x, int xOffset, float[] slope, int slopeOffset,
                      float[] y, int yOffset);

    /**
     * PReLU's backward: {@code dx = dy} where {@code x > 0}, else {@code slope[c]·dy}; and
     * {@code dslope[c] += Σ_rows dy·x} over the rows where {@code x <= 0}.
     *
     * @param dx     modified ({@code rows × cols}), or {@code null} to skip; may alias {@code dy}
     * @param dslope accumulated into ({@code cols})
     */
    void preluBackward(int rows, int cols, float[] x, int xOffset, float[] slope, int slopeOffset,
                       float[] dy, int dyOffset, float[] dx, int dxOffset, float[] dslope, int dslopeOffset);

    /**
     * Maxout: each row of {@code z} holds {@code pieces} blocks of {@code units} values
     * ({@code z[r, p·units + u]}); {@code y[r, u] = max_p z[r, p·units + u]}.
     */
    void maxoutForward(int rows, int units, int pieces, float[] z, int zOffset, float[] y, int yOffset);

    /**
     * Maxout's backward: routes {@code dy[r, u]} to the piece that was the maximum (the first one
     * on ties) and writes zero to the others; {@code dz} ({@code rows × pieces·units}) is overwritten.
     */
    void maxoutBackward(int rows, int units, int pieces, float[] z, int zOffset, float[] dy, int dyOffset,
                        float[] dz, int dzOffset);
}
