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
    private final boolean penalized;

    /**
     * A parameter wrapping {@code value} (not copied) with a zero gradient of the same shape, which
     * weight penalties leave alone (a bias, a normalisation scale, a PReLU slope).
     */
    public Parameter(String name, Tensor value) {
        this(name, value, false);
    }

    /**
     * As above; {@code penalized} says whether L1/L2 penalties apply to it: true for the weight
     * matrices of linear maps (Dense, Maxout), false for biases, normalisation scales and shifts and
     * PReLU slopes, whatever their names (PyTorch names several of these {@code weight} too).
     */
    public Parameter(String name, Tensor value, boolean penalized) {
        this.name = Objects.requireNonNull(name, "name");
        this.value = Objects.requireNonNull(value, "value");
        this.grad = Tensor.zeros(value.shape());
        this.penalized = penalized;
    }

    /** Whether L1/L2 weight penalties apply to this parameter. */
    public boolean penalized() {
        return penalized;
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
