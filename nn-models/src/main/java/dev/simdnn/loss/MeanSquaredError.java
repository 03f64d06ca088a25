package dev.simdnn.loss;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.tensor.Tensor;

/**
 * Mean squared error over every element: {@code L = (1/N)·Σ (y - t)²}, {@code ∂L/∂y = 2(y - t)/N},
 * where N is the number of elements (rows × outputs), as PyTorch's {@code MSELoss(reduction='mean')}.
 * The target has the output's shape.
 */
public final class MeanSquaredError extends RegressionLoss {

    /** Mean squared error. */
    public MeanSquaredError() {
    }

    @Override
    public float forward(Kernels kernels, Tensor output, Tensor target) {
        check(output, target);
        Tensor grad = gradientFor(output);
        return kernels.losses().meanSquaredError(output.size(), output.data(), output.offset(),
                target.data(), target.offset(), grad.data(), grad.offset());
    }

    @Override
    public float evaluate(Kernels kernels, Tensor output, Tensor target) {
        check(output, target);
        return kernels.losses().meanSquaredError(output.size(), output.data(), output.offset(),
                target.data(), target.offset(), null, 0);
    }

    private static void check(Tensor output, Tensor target) {
        if (output.rows() == 0) {
            throw new IllegalArgumentException("MSE of an empty batch is undefined");
        }
        Tensor.requireSameShape(output, target, "MSE output vs target");
    }

    @Override
    public String toString() {
        return "mse";
    }
}
