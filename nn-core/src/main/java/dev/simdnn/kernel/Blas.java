package dev.simdnn.kernel;

/**
 * Dense linear algebra: GEMM (and the dense layer's GEMM with its bias + activation epilogue), elementwise arithmetic, reductions and row argmax.
 *
 * <p>One family of the {@link Kernels} compute contract; its conventions (row-major layout,
 * <em>modified</em>/<em>not modified</em> arrays, no allocation, thread safety, trusted inputs,
 * subnormal flushing) apply to every method here.
 */
public interface Blas {

    /**
     * {@code C = alpha·op(A)·op(B) + beta·C}, row-major, BLAS semantics; {@code op(X)} is X or Xᵀ.
     * op(A) is m×k, op(B) is k×n, C is m×n. When {@code beta == 0}, C is overwritten and its prior
     * contents (even NaN) never reach the result. With {@code k == 0} the product is zero.
     *
     * @param a not modified: A is m×k ({@code transA == false}) or k×m, with row stride {@code lda}
     * @param b not modified: B is k×n ({@code transB == false}) or n×k, with row stride {@code ldb}
     * @param c modified: m×n with row stride {@code ldc}
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float alpha, float[] a, int aOffset, int lda,
              float[] b, int bOffset, int ldb,
              float beta, float[] c, int cOffset, int ldc);

    /**
     * The dense layer's forward pass, {@code y = act(x·Wᵀ + bias)}, with the bias and activation
     * applied as the epilogue of the product.
     *
     * @param x    not modified: {@code rows × in}, contiguous
     * @param w    not modified: {@code out × in}, contiguous (PyTorch's layout)
     * @param bias not modified: {@code out} values, or {@code null} for no bias
     * @param z    modified: the pre-activation {@code x·Wᵀ + bias} ({@code rows × out}) that backward
     *             needs, or {@code null} to not store it
     * @param y    modified: {@code rows × out}; may be the same region as {@code z}
     *             only when {@code act} is identity
     */
    void denseForward(int rows, int in, int out,
                      float[] x, int xOffset, float[] w, int wOffset, float[] bias, int biasOffset,
                      Activation act, float[] z, int zOffset, float[] y, int yOffset);

    /**
     * The weights {@code w [out × in]} of a dense layer prepared for many {@link #denseForward(int,
     * PackedWeights, float[], int, float[], int, Activation, float[], int)} calls: a snapshot (later
     * changes to {@code w} do not reach it) in whatever layout this backend's product reads fastest.
     * The one method of the contract that allocates (once, for the result).
     *
     * @param w not modified
     */
    default PackedWeights packDenseWeights(int in, int out, float[] w, int wOffset) {
        return PackedWeights.copyOf(in, out, w, wOffset);
    }

    /**
     * {@link #denseForward(int, int, int, float[], int, float[], int, float[], int, Activation, float[], int, float[], int)}
     * in inference (no pre-activation kept) with weights prepared by {@link #packDenseWeights}. Each
     * row of the result has the same bits whatever the number of rows (a batch of one included). For
     * more than four rows it also has the bits the weights they were made from give; for fewer a
     * backend may sum in another order than its unpacked product's direct path (the SIMD backend
     * does: its batch-1 GEMV over the packed panels keeps the packed product's order). Weights
     * prepared by another backend are read from their snapshot.
     *
     * @param x    not modified: {@code rows × w.in()}
     * @param bias not modified: {@code w.out()} values, or null
     * @param y    modified: {@code rows × w.out()}
     */
    default void denseForward(int rows, PackedWeights w, float[] x, int xOffset, float[] bias, int biasOffset,
                              Activation act, float[] y, int yOffset) {
        denseForward(rows, w.in(), w.out(), x, xOffset, w.weights(), 0, bias, biasOffset, act, null, 0, y, yOffset);
    }

    /** {@code out = a + b} over {@code n} elements; {@code out} (modified) may alias either input. */
    void add(int n, float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset);

    /** {@code out = a ⊙ b} over {@code n} elements; {@code out} (modified) may alias either input. */
    void multiply(int n, float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset);

    /** {@code out += a ⊙ b} over {@code n} elements; {@code out} is modified. */
    void multiplyAccumulate(int n, float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset);

    /** {@code y += alpha·x} over {@code n} elements; {@code y} is modified. */
    void axpy(int n, float alpha, float[] x, int xOffset, float[] y, int yOffset);

    /** {@code x *= alpha} over {@code n} elements; {@code x} is modified. */
    void scale(int n, float alpha, float[] x, int xOffset);

    /** {@code x[i] = min(max(x[i], lo), hi)} over {@code n} elements ({@code lo <= hi}); {@code x} is modified. */
    void clamp(int n, float lo, float hi, float[] x, int xOffset);

    /** {@code Σ x[i]}. */
    float sum(int n, float[] x, int xOffset);

    /** {@code Σ a[i]·b[i]}. */
    float dot(int n, float[] a, int aOffset, float[] b, int bOffset);

    /** {@code Σ x[i]²} (the squared L2 norm; used for clipping by global norm). */
    float sumOfSquares(int n, float[] x, int xOffset);

    /** {@code Σ |x[i]|} (the L1 norm). */
    float sumOfAbs(int n, float[] x, int xOffset);

    /**
     * For each of {@code rows} rows of {@code cols} values: the column of the largest (first on
     * ties). A NaN counts as larger than any number, so a row holding NaN gives its first NaN's
     * column (PyTorch's {@code argmax} rule): diverged logits give a valid index, never an error.
     */
    void argmaxRows(int rows, int cols, float[] x, int xOffset, int[] out, int outOffset);
}
