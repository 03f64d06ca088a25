package dev.simdnn.kernel;

import java.util.Arrays;

/**
 * A dense layer's weights prepared once for many forward passes ({@link Blas#packDenseWeights},
 * {@link Blas#denseForward(int, PackedWeights, float[], int, float[], int, Activation, float[], int)}):
 * a snapshot copy of {@code W [out × in]}, and a backend's own layout of it (for the SIMD backend,
 * the packed panels its GEMM would otherwise build from W on every call). Immutable: later changes
 * to the weights it was made from do not reach it.
 */
public final class PackedWeights {
    private final int in;
    private final int out;
    private final float[] weights;
    private final Object owner;
    private final Object layout;

    /**
     * @param weights the snapshot, {@code out × in} (not copied: the caller hands it over)
     * @param owner   what the layout belongs to (compared by identity), or null for none
     * @param layout  the backend's layout, or null
     */
    public PackedWeights(int in, int out, float[] weights, Object owner, Object layout) {
        if (in < 1 || out < 1 || weights.length != (long) in * out) {
            throw new IllegalArgumentException("packed weights " + out + " x " + in + " need " + (long) in * out
                    + " values, got " + weights.length);
        }
        this.in = in;
        this.out = out;
        this.weights = weights;
        this.owner = owner;
        this.layout = layout;
    }

    /** The snapshot of {@code count} weights from {@code w} at {@code offset}, with no layout of a backend. */
    public static PackedWeights copyOf(int in, int out, float[] w, int offset) {
        return new PackedWeights(in, out, Arrays.copyOfRange(w, offset, offset + in * out), null, null);
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    /** The snapshot {@code W [out × in]}; not to be modified. */
    public float[] weights() {
        return weights;
    }

    /** The layout, if {@code owner} made it (by identity), else null: the caller then uses {@link #weights()}. */
    public Object layout(Object owner) {
        return owner != null && owner == this.owner ? layout : null;
    }
}
