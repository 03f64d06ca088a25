package dev.simdnn.nn;

import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.kernel.PackedWeights;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.layer.RowBuffer;
import dev.simdnn.tensor.Tensor;

import java.util.List;

/**
 * A dense layer of a frozen snapshot ({@link Sequential#frozen()}): its weights packed once by the
 * backend ({@link dev.simdnn.kernel.Blas#packDenseWeights}), a copy of its bias, inference only.
 * Immutable but for its output buffer; {@link #inferenceCopy()} shares the packed weights.
 */
final class FrozenDense implements Layer {
    private final int in;
    private final int out;
    private final Activation activation;
    private final PackedWeights weights;
    private final float[] bias; // null for none
    private final RowBuffer yBuf;

    FrozenDense(Dense d, Kernels kernels) {
        this(d.inputFeatures(), d.outputFeatures(), d.activation(),
                kernels.blas().packDenseWeights(d.inputFeatures(), d.outputFeatures(), d.weight().value().data(),
                        d.weight().value().offset()),
                d.bias() == null ? null : d.bias().value().toArray());
    }

    private FrozenDense(int in, int out, Activation activation, PackedWeights weights, float[] bias) {
        this.in = in;
        this.out = out;
        this.activation = activation;
        this.weights = weights;
        this.bias = bias;
        this.yBuf = new RowBuffer(out);
    }

    @Override
    public Tensor forward(Kernels kernels, Tensor input, Mode mode) {
        if (mode != Mode.INFERENCE) {
            throw new IllegalStateException(this + " is part of a frozen model, which predicts only: train the model it "
                    + "was frozen from");
        }
        if (input.rank() != 2 || input.cols() != in) {
            throw new IllegalArgumentException("dense layer expects input [batch, " + in + "] but got " + input.shape());
        }
        Tensor y = yBuf.rows(input.rows());
        kernels.blas().denseForward(input.rows(), weights, input.data(), input.offset(), bias, 0, activation,
                y.data(), y.offset());
        return y;
    }

    @Override
    public Tensor backward(Kernels kernels, Tensor gradOutput, boolean needInputGradient) {
        throw new IllegalStateException(this + " is part of a frozen model, which predicts only");
    }

    /** None: a frozen layer is not trained. */
    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public int torchModules() {
        return activation == Activation.IDENTITY ? 1 : 2;
    }

    @Override
    public int outputFeatures(int inputFeatures) {
        if (inputFeatures != in) {
            throw new IllegalArgumentException(this + " expects " + in + " features, got " + inputFeatures);
        }
        return out;
    }

    @Override
    public Layer inferenceCopy() {
        return new FrozenDense(in, out, activation, weights, bias);
    }

    @Override
    public String toString() {
        return "Dense(" + in + " -> " + out + ", " + activation + (bias == null ? ", no bias" : "") + ", frozen)";
    }
}
