package dev.simdnn.loss;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.tensor.Tensor;

/**
 * Binary cross-entropy taken from logits (the sigmoid is part of the loss, as PyTorch's
 * {@code BCEWithLogitsLoss}): for a logit {@code z} and a target {@code t ∈ [0, 1]},
 * {@code ℓ = -t·log σ(z) - (1-t)·log(1-σ(z)) = max(z,0) - z·t + log(1 + e^-|z|)}, the last form
 * being the one computed (stable for any finite z); {@code ∂ℓ/∂z = σ(z) - t}. Mean over every
 * element. The target has the output's shape; a prediction counts as correct when
 * {@code (z > 0) == (t >= 0.5)}.
 */
public final class BinaryCrossEntropy extends BufferedLoss {

    /** Binary cross-entropy from logits. */
    public BinaryCrossEntropy() {
    }

    @Override
    public float forward(Kernels kernels, Tensor output, Tensor target) {
        check(output, target);
        Tensor grad = gradientFor(output);
        return kernels.losses().binaryCrossEntropyWithLogits(output.size(), output.data(), output.offset(),
                target.data(), target.offset(), grad.data(), grad.offset());
    }

    @Override
    public float evaluate(Kernels kernels, Tensor output, Tensor target) {
        check(output, target);
        return kernels.losses().binaryCrossEntropyWithLogits(output.size(), output.data(), output.offset(),
                target.data(), target.offset(), null, 0);
    }

    @Override
    public Task task() {
        return Task.BINARY;
    }

    @Override
    public int targetFeatures(int outputFeatures) {
        return outputFeatures;
    }

    private static void check(Tensor output, Tensor target) {
        if (output.rank() != 2 || output.rows() == 0) {
            throw new IllegalArgumentException("binary cross-entropy needs a non-empty [batch, outputs] output, got "
                    + output.shape());
        }
        Tensor.requireSameShape(output, target, "binary cross-entropy output vs target");
    }

    @Override
    public String toString() {
        return "binary_cross_entropy";
    }
}
