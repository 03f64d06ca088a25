package dev.simdnn.loss;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.tensor.Tensor;

/**
 * Huber loss with threshold δ, mean over every element: quadratic {@code ½d²} for {@code |d| ≤ δ},
 * linear {@code δ(|d| - ½δ)} beyond, {@code d = y - t}; gradient {@code clamp(d, -δ, δ)/N}. As
 * PyTorch's {@code HuberLoss(delta)}: MSE's smoothness near the target, MAE's robustness to outliers.
 */
public final class Huber extends RegressionLoss {
    private final float delta;

    /** Threshold δ > 0 (PyTorch's default is 1). */
    public Huber(float delta) {
        if (!(delta > 0) || !Float.isFinite(delta)) {
            throw new IllegalArgumentException("Huber delta must be > 0, got " + delta);
        }
        this.delta = delta;
    }

    @Override
    public float forward(Kernels kernels, Tensor output, Tensor target) {
        Tensor.requireSameShape(output, target, "Huber output vs target");
        Tensor grad = gradientFor(output);
        return kernels.losses().huber(output.size(), delta, output.data(), output.offset(), target.data(), target.offset(),
                grad.data(), grad.offset());
    }

    @Override
    public float evaluate(Kernels kernels, Tensor output, Tensor target) {
        Tensor.requireSameShape(output, target, "Huber output vs target");
        return kernels.losses().huber(output.size(), delta, output.data(), output.offset(), target.data(), target.offset(), null, 0);
    }

    @Override
    public String toString() {
        return "huber(" + delta + ")";
    }
}
