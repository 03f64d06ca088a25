package dev.simdnn.loss;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.tensor.Tensor;

/**
 * Hinge loss for binary classification, as a linear SVM uses it: for a score z and a label
 * t ∈ {0, 1} (read as y = ±1), {@code max(0, 1 - y·z)}, mean over the elements; gradient
 * {@code -y/N} inside the margin, 0 outside. A prediction is correct when {@code (z > 0) == (t ≥ 0.5)}.
 */
public final class Hinge extends BufferedLoss {

    /** Hinge loss for targets 0 and 1. */
    public Hinge() {
    }

    @Override
    public float forward(Kernels kernels, Tensor output, Tensor target) {
        check(output, target);
        Tensor grad = gradientFor(output);
        return kernels.losses().hinge(output.size(), output.data(), output.offset(), target.data(), target.offset(),
                grad.data(), grad.offset());
    }

    @Override
    public float evaluate(Kernels kernels, Tensor output, Tensor target) {
        check(output, target);
        return kernels.losses().hinge(output.size(), output.data(), output.offset(), target.data(), target.offset(), null, 0);
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
        if (output.rank() != 2 || output.cols() != 1) {
            throw new IllegalArgumentException("hinge loss needs one score per row, [batch, 1], got " + output.shape());
        }
        Tensor.requireSameShape(output, target, "hinge output vs target");
        for (int r = 0; r < target.rows(); r++) {
            float t = target.getFlat(r);
            if (t != 0f && t != 1f) {
                throw new IllegalArgumentException("hinge target row " + r + " is " + t + " but must be 0 or 1");
            }
        }
    }

    @Override
    public String toString() {
        return "hinge";
    }
}
