package dev.simdnn.loss;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.tensor.Tensor;

/**
 * Mean absolute error over every element: {@code L = (1/N)·Σ |y - t|}, {@code ∂L/∂y = sign(y - t)/N}
 * (0 where y = t), as PyTorch's {@code L1Loss}. The target has the output's shape.
 */
public final class MeanAbsoluteError extends RegressionLoss {

    /** Mean absolute error. */
    public MeanAbsoluteError() {
    }

    @Override
    public float forward(Kernels kernels, Tensor output, Tensor target) {
        Tensor.requireSameShape(output, target, "MAE output vs target");
        Tensor grad = gradientFor(output);
        return kernels.losses().meanAbsoluteError(output.size(), output.data(), output.offset(), target.data(), target.offset(),
                grad.data(), grad.offset());
    }

    @Override
    public float evaluate(Kernels kernels, Tensor output, Tensor target) {
        Tensor.requireSameShape(output, target, "MAE output vs target");
        return kernels.losses().meanAbsoluteError(output.size(), output.data(), output.offset(), target.data(), target.offset(),
                null, 0);
    }

    @Override
    public String toString() {
        return "mae";
    }
}
