package dev.simdnn.kernel;

/**
 * Optimizer updates, one fused pass over a parameter each, and the penalties added to the loss.
 *
 * <p>One family of the {@link Kernels} compute contract; its conventions (row-major layout,
 * <em>modified</em>/<em>not modified</em> arrays, no allocation, thread safety, trusted inputs,
 * subnormal flushing) apply to every method here.
 */
public interface Updates {

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
     * first {@code w ← w - lr·λ·w}. Arranged as PyTorch's {@code torch.optim.Adam} does it: the step
     * size {@code s = lr/(1-β1^t)} and {@code r = 1/√(1-β2^t)} computed once (in double), then per
     * element {@code w ← w - s·m / (√v·r + ε)}: one square root and one division.
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

    /**
     * The elastic-net penalty {@code l1·Σ|w| + (l2/2)·Σw²} of {@code n} weights, returned; its
     * gradient {@code l1·sign(w) + l2·w} (with {@code sign(0) = 0}, the subgradient PyTorch and
     * Keras use) is added to {@code g} unless {@code g} is null. L1 alone is {@code l2 = 0}, L2
     * (weight decay as a loss term) is {@code l1 = 0}.
     */
    float elasticNetPenalty(int n, float l1, float l2, float[] w, int wOffset, float[] g, int gOffset);
}
