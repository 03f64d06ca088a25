package dev.simdnn.nn;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.tensor.Tensor;

/**
 * Elementwise sum {@code q = a + b} of two tensors of the same shape. Backward routes the upstream
 * gradient unchanged to both inputs ({@code ∂q/∂a = ∂q/∂b = 1}), as copies the caller may modify.
 */
public final class Add extends ElementwiseBinary {
    public Add() {
        super("add");
    }

    @Override
    void compute(Kernels kernels, Tensor a, Tensor b, Tensor out) {
        kernels.blas().add(a.size(), a.data(), a.offset(), b.data(), b.offset(), out.data(), out.offset());
    }

    @Override
    void gradients(Kernels kernels, Tensor gradOutput, Tensor gradFirst, Tensor gradSecond) {
        gradFirst.copyFrom(gradOutput);
        gradSecond.copyFrom(gradOutput);
    }
}
