package dev.simdnn.layer;

import dev.simdnn.tensor.Tensor;

import java.util.Objects;

/**
 * A learnable tensor and the gradient accumulated for it.
 *
 * <p>{@link Layer#backward} <em>adds</em> to {@link #grad()} (so gradients of several losses or
 * several uses of a weight sum up); an optimizer's {@code zeroGrad()} clears it before the next
 * batch, as in PyTorch.
 */
public final class Parameter {
    private final String name;
    private final Tensor value;
    private final Tensor grad;

    /** A parameter wrapping {@code value} (not copied) with a zero gradient of the same shape. */
    public Parameter(String name, Tensor value) {
        this.name = Objects.requireNonNull(name, "name");
        this.value = Objects.requireNonNull(value, "value");
        this.grad = Tensor.zeros(value.shape());
    }

    /** Its name inside its layer, like {@code weight} or {@code bias}. */
    public String name() {
        return name;
    }

    /** The value, which optimizers update in place. */
    public Tensor value() {
        return value;
    }

    /** The accumulated gradient, same shape as {@link #value()}. */
    public Tensor grad() {
        return grad;
    }

    /** Number of scalars. */
    public int size() {
        return value.size();
    }

    /** Clears the gradient. */
    public void zeroGrad() {
        grad.fill(0f);
    }

    @Override
    public String toString() {
        return name + value.shape();
    }
}
