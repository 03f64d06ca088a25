package dev.simdnn.nn;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.tensor.Tensor;

/**
 * Elementwise product {@code f = a ⊙ b} of two tensors of the same shape. Backward swaps the
 * inputs: {@code ∂f/∂a = b}, {@code ∂f/∂b = a}, each times the upstream gradient.
 */
public final class Multiply extends ElementwiseBinary {
    public Multiply() {
        super("multiply");
    }

    @Override
    void compute(Kernels kernels, Tensor a, Tensor b, Tensor out) {
        kernels.blas().multiply(a.size(), a.data(), a.offset(), b.data(), b.offset(), out.data(), out.offset());
    }

    @Override
    void gradients(Kernels kernels, Tensor gradOutput, Tensor gradFirst, Tensor gradSecond) {
        int n = gradOutput.size();
        kernels.blas().multiply(n, gradOutput.data(), gradOutput.offset(), second.data(), second.offset(),
                gradFirst.data(), gradFirst.offset());
        kernels.blas().multiply(n, gradOutput.data(), gradOutput.offset(), first.data(), first.offset(),
                gradSecond.data(), gradSecond.offset());
    }
}
