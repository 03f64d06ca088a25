package dev.simdnn.nn;

import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.layer.RowBuffer;
import dev.simdnn.tensor.Tensor;

import java.util.List;
import java.util.Objects;

/**
 * An activation function as a layer of its own, {@code y = f(x)} elementwise: for networks that
 * put something between the linear map and the non-linearity (Dense without activation, then
 * {@link BatchNorm}, then ReLU). A {@link Dense} with a fused activation is faster when nothing
 * goes in between. Backward: {@code dx = dy ⊙ f'(x)}.
 *
 * <p>It keeps a reference to its latest training input (the previous layer's buffer, valid until
 * that layer's next forward) rather than a copy.
 */
public final class ActivationLayer implements Layer {
    private final Activation activation;
    private final int features;
    private final RowBuffer yBuf;
    private final RowBuffer dxBuf;
    private Tensor lastInput;
    private Tensor lastY;

    /** {@code activation} over {@code features} inputs. */
    public ActivationLayer(Activation activation, int features) {
        this.activation = Objects.requireNonNull(activation, "activation");
        if (features < 1) {
            throw new IllegalArgumentException("an activation layer needs >= 1 feature, got " + features);
        }
        this.features = features;
        this.yBuf = new RowBuffer(features);
        this.dxBuf = new RowBuffer(features);
    }

    public Activation activation() {
        return activation;
    }

    @Override
    public Tensor forward(Kernels kernels, Tensor input, Mode mode) {
        Shapes.checkInput(this, input, features);
        Tensor y = yBuf.rows(input.rows());
        kernels.activations().activationForward(activation, input.size(), input.data(), input.offset(), y.data(), y.offset());
        lastInput = mode == Mode.TRAINING ? input : null;
        lastY = y;
        return y;
    }

    @Override
    public Tensor backward(Kernels kernels, Tensor gradOutput, boolean needInputGradient) {
        Shapes.checkBackward(this, lastInput, gradOutput, features);
        if (!needInputGradient) {
            return null;
        }
        Tensor dx = dxBuf.rows(gradOutput.rows());
        kernels.activations().activationBackward(activation, gradOutput.rows(), features, lastInput.data(), lastInput.offset(),
                lastY.data(), lastY.offset(), gradOutput.data(), gradOutput.offset(), dx.data(), dx.offset(), null, 0);
        return dx;
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
        return new ActivationLayer(activation, features);
    }

    @Override
    public String toString() {
        return "Activation(" + activation + ")";
    }
}
