package dev.simdnn.nn;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.tensor.Tensor;

import java.util.List;

/**
 * PyTorch's {@code nn.Flatten()}: images become plain rows of {@code channels·height·width}
 * features. Batches already travel as such rows (NCHW), so it passes its input and gradient
 * through; it marks where the image layers end, and counts as one module in torch's numbering.
 */
public final class Flatten implements Layer {
    private final int features;

    public Flatten(int features) {
        Shapes.positive("flatten features", features);
        this.features = features;
    }

    @Override
    public Tensor forward(Kernels kernels, Tensor input, Mode mode) {
        Shapes.checkInput(this, input, features);
        return input;
    }

    @Override
    public Tensor backward(Kernels kernels, Tensor gradOutput, boolean needInputGradient) {
        return needInputGradient ? gradOutput : null;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public int outputFeatures(int inputFeatures) {
        return Shapes.same(this, inputFeatures, features);
    }

    @Override
    public Layer inferenceCopy() {
        return this;
    }

    @Override
    public String toString() {
        return "Flatten(" + features + ")";
    }
}
