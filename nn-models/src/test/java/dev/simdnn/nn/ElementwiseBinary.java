package dev.simdnn.nn;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.tensor.Shape;
import dev.simdnn.tensor.Tensor;

/**
 * Test fixtures for the course's chain-rule examples (CourseExamplesTest, GradientCheckTest), not
 * part of the library: the two-input elementwise operations ({@link Add}, {@link Multiply}). Shape
 * checks, the cached inputs of the latest forward, and output/gradient buffers reused while the
 * shape stays the same.
 */
abstract sealed class ElementwiseBinary permits Add, Multiply {
    private final String name;
    private Tensor out;
    private Tensor gradFirst;
    private Tensor gradSecond;
    Tensor first;
    Tensor second;

    ElementwiseBinary(String name) {
        this.name = name;
    }

    /** The output of {@code op(a, b)}; both inputs must have the same shape. */
    public final Tensor forward(Kernels kernels, Tensor a, Tensor b) {
        Tensor.requireSameShape(a, b, name);
        first = a;
        second = b;
        out = reuse(out, a.shape());
        compute(kernels, a, b, out);
        return out;
    }

    /** The gradients with respect to both inputs of the latest forward, given that of the output. */
    public final BinaryGradients backward(Kernels kernels, Tensor gradOutput) {
        if (first == null) {
            throw new IllegalStateException(name + ": backward needs a forward first");
        }
        if (!gradOutput.shape().equals(first.shape())) {
            throw new IllegalArgumentException(name + " backward: gradient has shape " + gradOutput.shape()
                    + " but the output had shape " + first.shape());
        }
        gradFirst = reuse(gradFirst, first.shape());
        gradSecond = reuse(gradSecond, first.shape());
        gradients(kernels, gradOutput, gradFirst, gradSecond);
        return new BinaryGradients(gradFirst, gradSecond);
    }

    abstract void compute(Kernels kernels, Tensor a, Tensor b, Tensor out);

    abstract void gradients(Kernels kernels, Tensor gradOutput, Tensor gradFirst, Tensor gradSecond);

    private static Tensor reuse(Tensor t, Shape shape) {
        return t != null && t.shape().equals(shape) ? t : Tensor.zeros(shape);
    }
}
