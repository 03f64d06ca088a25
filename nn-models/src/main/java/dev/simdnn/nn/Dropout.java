package dev.simdnn.nn;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.layer.RowBuffer;
import dev.simdnn.tensor.Tensor;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Inverted dropout: in training, each element is kept with probability {@code 1 - p} and scaled by
 * {@code 1/(1 - p)}, so the expected activation is unchanged; in inference it is the identity
 * and writes no state. The masks come from a generator seeded at construction: same seed, same
 * masks. Inference sessions get copies of their own ({@link #inferenceCopy()}), so predicting while
 * the model trains never touches the mask a training step's backward needs.
 */
public final class Dropout implements Layer {
    private final float p;
    private final float keepScale;
    private SplittableRandom rng;
    private final int features;
    private final RowBuffer maskBuf;
    private final RowBuffer yBuf;
    private final RowBuffer dxBuf;
    private Tensor lastMask;

    /** Drops each of {@code features} inputs with probability {@code p ∈ [0, 1)}. */
    public Dropout(int features, float p, long seed) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        if (features < 1) {
            throw new IllegalArgumentException("dropout needs >= 1 feature, got " + features);
        }
        this.p = p;
        this.keepScale = 1f / (1f - p);
        this.rng = new SplittableRandom(seed);
        this.features = features;
        this.maskBuf = new RowBuffer(features);
        this.yBuf = new RowBuffer(features);
        this.dxBuf = new RowBuffer(features);
    }

    /**
     * Restarts the masks from {@code seed}: the masks that follow are those of a new layer built
     * with it. Data-parallel training reseeds each replica per step and partition, so the masks
     * do not depend on which replica ran which step.
     */
    public void reseed(long seed) {
        this.rng = new SplittableRandom(seed);
    }

    /** The drop probability. */
    public float probability() {
        return p;
    }

    @Override
    public Tensor forward(Kernels kernels, Tensor input, Mode mode) {
        if (input.rank() != 2 || input.cols() != features) {
            throw new IllegalArgumentException("dropout expects input [batch, " + features + "] but got " + input.shape());
        }
        if (mode == Mode.INFERENCE) {
            return input; // touches no state: a training step's mask survives an inference call
        }
        if (p == 0f) {
            lastMask = null;
            return input;
        }
        int rows = input.rows();
        Tensor mask = maskBuf.rows(rows);
        float[] m = mask.data();
        for (int i = 0; i < rows * features; i++) {
            m[mask.offset() + i] = rng.nextFloat() < p ? 0f : keepScale;
        }
        Tensor y = yBuf.rows(rows);
        kernels.blas().multiply(rows * features, input.data(), input.offset(), m, mask.offset(), y.data(), y.offset());
        lastMask = mask;
        return y;
    }

    @Override
    public Tensor backward(Kernels kernels, Tensor gradOutput, boolean needInputGradient) {
        if (!needInputGradient) {
            return null;
        }
        if (lastMask == null) {
            return gradOutput; // identity (p == 0)
        }
        Tensor dx = dxBuf.rows(gradOutput.rows());
        kernels.blas().multiply(gradOutput.size(), gradOutput.data(), gradOutput.offset(), lastMask.data(), lastMask.offset(),
                dx.data(), dx.offset());
        return dx;
    }

    /**
     * A copy of its own (same rate, its own buffers and generator): an inference session never
     * shares this layer's training state. (Returning {@code this} once let a prediction during
     * training clear the mask between forward and backward, and changed the trained weights.)
     */
    @Override
    public Layer inferenceCopy() {
        return new Dropout(features, p, 0L);
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public int outputFeatures(int inputFeatures) {
        if (inputFeatures != features) {
            throw new IllegalArgumentException("dropout expects " + features + " features, got " + inputFeatures);
        }
        return features;
    }

    @Override
    public String toString() {
        return "Dropout(" + p + ")";
    }
}
