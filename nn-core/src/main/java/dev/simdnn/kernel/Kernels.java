package dev.simdnn.kernel;

/**
 * The compute contract: the only door to arithmetic. Layers, losses and optimizers call it and
 * never loop over floats themselves, so a whole model runs on whichever backend
 * {@link KernelsProvider} hands out, and the scalar reference ({@link ScalarKernels}) can be
 * swapped in at run time.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>Every matrix is row-major, addressed as {@code (array, offset, leading dimension)} or,
 *       where the data is contiguous, {@code (array, offset)} with its row and column counts.</li>
 *   <li>Arrays named as outputs are <em>modified</em>; all others are <em>not modified</em>.</li>
 *   <li>Implementations trust their inputs (they only {@code assert}): shapes, offsets and
 *       lengths are validated at the public API ({@code Tensor}, layers, losses, optimizers).</li>
 *   <li>No call allocates: every buffer is the caller's.</li>
 *   <li>Implementations are thread-safe: concurrent calls on disjoint outputs are fine.</li>
 *   <li>Optimizer state (velocities, moments) and loss gradients smaller in magnitude than 2^-126
 *       are flushed to zero, in every backend. Decaying state of parameters whose gradient is zero
 *       (dead ReLU units) would otherwise sink into the subnormal range, where x86 computes about
 *       20× slower, and Java cannot set the CPU's flush-to-zero mode.</li>
 * </ul>
 */
public interface Kernels {

    /** The backend's name, as {@link KernelsProvider#byName} takes it ({@code scalar}, {@code simd}). */
    String name();

    // ------------------------------------------------------------------ GEMM

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

    // ------------------------------------------------------------------ dense layer

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

    // ------------------------------------------------------------------ losses

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

    /** Row-wise softmax of {@code rows × cols} values; {@code y} (modified) may alias {@code x}. */
    void softmax(int rows, int cols, float[] x, int xOffset, float[] y, int yOffset);

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

    // ------------------------------------------------------------------ optimizer updates (one pass each)

    /**
     * Plain SGD with L2 weight decay {@code λ}: {@code w ← w - lr·(g + λ·w)}.
     *
     * @param w modified; @param g not modified
     */
    void sgdUpdate(int n, float lr, float weightDecay, float[] w, int wOffset, float[] g, int gOffset);

    /**
     * Heavy-ball momentum (PyTorch's form): {@code g' = g + λ·w; v ← μ·v + g'};
     * then {@code w ← w - lr·v}, or with Nesterov {@code w ← w - lr·(g' + μ·v)}.
     *
     * @param w modified; @param v modified (velocity); @param g not modified
     */
    void momentumUpdate(int n, float lr, float momentum, boolean nesterov, float weightDecay,
                        float[] w, int wOffset, float[] g, int gOffset, float[] v, int vOffset);

    /**
     * Adam at step {@code t ≥ 1}: {@code g' = g + λ·w} (coupled L2; skipped when
     * {@code decoupled}); {@code m ← β1·m + (1-β1)·g'; v ← β2·v + (1-β2)·g'²;}
     * {@code w ← w - lr·(m/(1-β1^t)) / (√(v/(1-β2^t)) + ε)}, and when {@code decoupled} (AdamW)
     * first {@code w ← w - lr·λ·w}.
     *
     * @param w modified; @param m modified; @param v modified; @param g not modified
     */
    void adamUpdate(int n, float lr, float beta1, float beta2, float epsilon, float weightDecay,
                    boolean decoupled, int t,
                    float[] w, int wOffset, float[] g, int gOffset,
                    float[] m, int mOffset, float[] v, int vOffset);

    /**
     * AdaGrad: {@code g' = g + λ·w; s ← s + g'²; w ← w - lr·g'/(√s + ε)}.
     *
     * @param w modified; @param s modified (sum of squared gradients); @param g not modified
     */
    void adagradUpdate(int n, float lr, float epsilon, float weightDecay,
                       float[] w, int wOffset, float[] g, int gOffset, float[] s, int sOffset);

    /**
     * RMSProp: {@code g' = g + λ·w; s ← ρ·s + (1-ρ)·g'²; w ← w - lr·g'/(√s + ε)}.
     *
     * @param w modified; @param s modified (running mean of squared gradients); @param g not modified
     */
    void rmspropUpdate(int n, float lr, float rho, float epsilon, float weightDecay,
                       float[] w, int wOffset, float[] g, int gOffset, float[] s, int sOffset);

    // ------------------------------------------------------------------ elementwise and reductions

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

    /** For each of {@code rows} rows of {@code cols} values: the column of the largest (first on ties). */
    void argmaxRows(int rows, int cols, float[] x, int xOffset, int[] out, int outOffset);

    // ------------------------------------------------------------------ layers

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

    // ------------------------------------------------------------------ regularisation

    /**
     * The elastic-net penalty {@code l1·Σ|w| + (l2/2)·Σw²} of {@code n} weights, returned; its
     * gradient {@code l1·sign(w) + l2·w} (with {@code sign(0) = 0}, the subgradient PyTorch and
     * Keras use) is added to {@code g} unless {@code g} is null. L1 alone is {@code l2 = 0}, L2
     * (weight decay as a loss term) is {@code l1 = 0}.
     */
    float elasticNetPenalty(int n, float l1, float l2, float[] w, int wOffset, float[] g, int gOffset);
}
