package dev.simdnn.loss;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.tensor.Tensor;

/**
 * Log-cosh loss over every element: {@code L = (1/N)·Σ log(cosh(y - t))},
 * {@code ∂L/∂y = tanh(y - t)/N}. Like MSE near the target ({@code log cosh d ≈ d²/2}) and like MAE
 * far from it ({@code ≈ |d| - log 2}), and smooth everywhere (Keras' {@code LogCosh}). The target
 * has the output's shape.
 */
public final class LogCosh extends RegressionLoss {

    /** Log-cosh loss. */
    public LogCosh() {
    }

    @Override
    public float forward(Kernels kernels, Tensor output, Tensor target) {
        Tensor.requireSameShape(output, target, "log-cosh output vs target");
        Tensor grad = gradientFor(output);
        return kernels.losses().logCosh(output.size(), output.data(), output.offset(), target.data(), target.offset(),
                grad.data(), grad.offset());
    }

    @Override
    public float evaluate(Kernels kernels, Tensor output, Tensor target) {
        Tensor.requireSameShape(output, target, "log-cosh output vs target");
        return kernels.losses().logCosh(output.size(), output.data(), output.offset(), target.data(), target.offset(),
                null, 0);
    }

    @Override
    public String toString() {
        return "logcosh";
    }
}
