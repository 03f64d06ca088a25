package dev.simdnn.layer;

import dev.simdnn.tensor.Tensor;

import java.util.Objects;

/**
 * A learnable tensor and the gradient accumulated for it.
 *
 * <p>{@link Layer#backward} <em>adds</em> to {@link #grad()} (so gradients of several losses or
 * several uses of a weight sum up); an optimizer's {@code zeroGrad()} clears it before the next
 * batch, as in PyTorch.
 *
 * <p>Clearing is lazy, like PyTorch's {@code zero_grad(set_to_none=True)}: {@link #zeroGrad()} only
 * marks the gradient cleared; the next {@link #grad()} fills it with zeros before returning it, or
 * a kernel that writes every element asks {@link #accumulationBeta()} and overwrites it without
 * reading (a GEMM with beta 0: no fill, no read of the stale array). So read the gradient through
 * {@link #grad()} after each {@code zeroGrad()}: a tensor obtained before it still holds the old
 * values until then.
 */
public final class Parameter {
    private final String name;
    private final Tensor value;
    private final Tensor grad;
    private final boolean penalized;
    /** The gradient is logically zero; {@link #grad} holds stale values until it is filled or overwritten. */
    private boolean cleared;

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

    /** The accumulated gradient, same shape as {@link #value()}; zeros after {@link #zeroGrad()}. */
    public Tensor grad() {
        if (cleared) {
            grad.fill(0f);
            cleared = false;
        }
        return grad;
    }

    /**
     * For a kernel that writes <em>every</em> element of the gradient as
     * {@code beta·grad + contribution} (a GEMM's beta): 0 when the gradient was cleared and not
     * touched since, so the kernel overwrites it without reading the stale array, and 1 when it
     * holds gradients to add to. Either way the gradient counts as written afterwards, so get it
     * with {@link #grad()} after this call, and write all of it.
     */
    public float accumulationBeta() {
        if (cleared) {
            cleared = false;
            return 0f;
        }
        return 1f;
    }

    /** Number of scalars. */
    public int size() {
        return value.size();
    }

    /** Clears the gradient: in O(1), the zeros are written when it is next read (see the class comment). */
    public void zeroGrad() {
        cleared = true;
    }

    @Override
    public String toString() {
        return name + value.shape();
    }
}
