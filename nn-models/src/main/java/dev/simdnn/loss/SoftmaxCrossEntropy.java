package dev.simdnn.loss;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.tensor.Tensor;

/**
 * Softmax followed by cross-entropy, fused, from logits (PyTorch's {@code CrossEntropyLoss}):
 * for logits {@code z} of C classes and a label {@code c}, {@code ℓ = log Σ_j e^{z_j} - z_c},
 * {@code ∂ℓ/∂z = softmax(z) - onehot(c)}; mean over the rows. The row max is subtracted before
 * {@code exp}, so logits of ±1e4 give finite losses and gradients.
 *
 * <p>With label smoothing ε ({@link #SoftmaxCrossEntropy(float)}, PyTorch's {@code label_smoothing})
 * the target of class {@code c} is {@code q = (1 - ε)·onehot(c) + ε/C}, the loss
 * {@code -Σ_j q_j log softmax(z)_j} and its gradient {@code softmax(z) - q}: the model is no longer
 * pushed towards infinitely confident logits.
 *
 * <p>The target is a column of class indices, {@code [batch, 1]} (or {@code [batch]}), stored as
 * floats; each must be an integer in {@code [0, C)}, checked on every call.
 */
public final class SoftmaxCrossEntropy extends BufferedLoss {
    private final float labelSmoothing;

    /** Plain cross-entropy (no label smoothing). */
    public SoftmaxCrossEntropy() {
        this(0f);
    }

    /**
     * Cross-entropy against targets smoothed by {@code labelSmoothing} ∈ [0, 1).
     *
     * @throws IllegalArgumentException if {@code labelSmoothing} is outside [0, 1)
     */
    public SoftmaxCrossEntropy(float labelSmoothing) {
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + labelSmoothing);
        }
        this.labelSmoothing = labelSmoothing;
    }

    /** The label smoothing ε (0 for none). */
    public float labelSmoothing() {
        return labelSmoothing;
    }

    @Override
    public float forward(Kernels kernels, Tensor output, Tensor target) {
        check(output, target);
        Tensor grad = gradientFor(output);
        return kernels.losses().softmaxCrossEntropy(output.rows(), output.cols(), labelSmoothing, output.data(), output.offset(),
                target.data(), target.offset(), grad.data(), grad.offset());
    }

    @Override
    public float evaluate(Kernels kernels, Tensor output, Tensor target) {
        check(output, target);
        return kernels.losses().softmaxCrossEntropy(output.rows(), output.cols(), labelSmoothing, output.data(), output.offset(),
                target.data(), target.offset(), null, 0);
    }

    @Override
    public Task task() {
        return Task.MULTICLASS;
    }

    @Override
    public int targetFeatures(int outputFeatures) {
        return 1;
    }

    private static void check(Tensor output, Tensor target) {
        if (output.rank() != 2 || output.rows() == 0 || output.cols() < 2) {
            throw new IllegalArgumentException("softmax cross-entropy needs logits [batch >= 1, classes >= 2], got "
                    + output.shape());
        }
        if (target.size() != output.rows() || (target.rank() == 2 && target.cols() != 1) || target.rank() > 2) {
            throw new IllegalArgumentException("softmax cross-entropy needs one class index per row: logits "
                    + output.shape() + " but target " + target.shape());
        }
        int classes = output.cols();
        for (int r = 0; r < target.size(); r++) {
            float label = target.getFlat(r);
            if (!(label >= 0 && label < classes) || label != Math.rint(label)) {
                throw new IllegalArgumentException("target row " + r + " has label " + label
                        + " but labels must be integers in [0, " + classes + ")");
            }
        }
    }

    @Override
    public String toString() {
        return labelSmoothing == 0 ? "softmax_cross_entropy" : "softmax_cross_entropy(label_smoothing=" + labelSmoothing + ")";
    }
}
