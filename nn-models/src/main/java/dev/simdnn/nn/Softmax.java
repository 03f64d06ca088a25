package dev.simdnn.nn;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.layer.RowBuffer;
import dev.simdnn.tensor.Tensor;

import java.util.List;

/**
 * Row-wise softmax, {@code y_j = e^{x_j} / Σ_k e^{x_k}} (row max subtracted first): turns logits
 * into class probabilities, for the output of a model used for inference.
 *
 * <p>To <em>train</em> a classifier, leave the logits raw and use
 * {@link dev.simdnn.loss.SoftmaxCrossEntropy}: the fused loss is exact for logits of any size,
 * where the log of a probability that underflowed to 0 is not. This layer still has its exact
 * backward, {@code dx = y ⊙ (dy - Σ_j dy_j·y_j)} per row (the softmax Jacobian
 * {@code diag(y) - y·yᵀ} applied to {@code dy}).
 */
public final class Softmax implements Layer {
    private final int features;
    private final RowBuffer yBuf;
    private final RowBuffer dxBuf;
    private Tensor lastY;

    /** A softmax over rows of {@code features} logits. */
    public Softmax(int features) {
        Shapes.positive("softmax features", features);
        this.features = features;
        this.yBuf = new RowBuffer(features);
        this.dxBuf = new RowBuffer(features);
    }

    @Override
    public Tensor forward(Kernels kernels, Tensor input, Mode mode) {
        Shapes.checkInput(this, input, features);
        Tensor y = yBuf.rows(input.rows());
        kernels.activations().softmax(input.rows(), features, input.data(), input.offset(), y.data(), y.offset());
        lastY = mode == Mode.TRAINING ? y : null;
        return y;
    }

    @Override
    public Tensor backward(Kernels kernels, Tensor gradOutput, boolean needInputGradient) {
        Shapes.checkBackward(this, lastY, gradOutput, features);
        if (!needInputGradient) {
            return null;
        }
        int rows = gradOutput.rows();
        Tensor dx = dxBuf.rows(rows);
        float[] y = lastY.data();
        float[] g = gradOutput.data();
        for (int r = 0; r < rows; r++) {
            int yr = lastY.offset() + r * features;
            int gr = gradOutput.offset() + r * features;
            int dr = dx.offset() + r * features;
            float s = kernels.blas().dot(features, g, gr, y, yr);
            kernels.blas().multiply(features, y, yr, g, gr, dx.data(), dr); // y ⊙ dy
            kernels.blas().axpy(features, -s, y, yr, dx.data(), dr);       // - (Σ dy·y)·y
        }
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
        return new Softmax(features);
    }

    @Override
    public String toString() {
        return "Softmax(" + features + ")";
    }
}
