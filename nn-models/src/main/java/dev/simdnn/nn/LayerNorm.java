package dev.simdnn.nn;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.layer.RowBuffer;
import dev.simdnn.tensor.Tensor;

import java.util.List;

/**
 * Layer normalisation (Ba, Kiros and Hinton 2016), as PyTorch's {@code LayerNorm(features)}: each
 * row is normalised by its own mean and biased variance, {@code x̂ = (x - μ)/√(σ² + ε)}, then
 * {@code y = γ·x̂ + β} with learnable γ (starting at 1) and β (at 0) per feature. The same in
 * training and inference, and independent of the batch (a batch of one is fine).
 *
 * <p>Backward, per row with {@code g = γ ⊙ dy}:
 * {@code dx = (n·g - Σ g - x̂·Σ g·x̂)/(n·√(σ² + ε))}; {@code dγ = Σ_rows dy·x̂}, {@code dβ = Σ_rows dy}.
 */
public final class LayerNorm implements Layer {
    private final int features;
    private final float epsilon;
    private final Parameter gamma;
    private final Parameter beta;
    private final RowBuffer xhatBuf;
    private final RowBuffer yBuf;
    private final RowBuffer dxBuf;
    private float[] mean = new float[0];
    private float[] var = new float[0];
    private Tensor lastXhat;

    /** Over rows of {@code features} values, ε = 1e-5. */
    public LayerNorm(int features) {
        this(features, 1e-5f);
    }

    /** Over rows of {@code features >= 2} values; {@code epsilon > 0} is added to the variance. */
    public LayerNorm(int features, float epsilon) {
        this(checked(features, epsilon), epsilon, new Parameter("weight", Shapes.filled(features, 1f)),
                new Parameter("bias", Tensor.zeros(features)));
    }

    /** Shares the given parameters; allocates its own scratch. */
    private LayerNorm(int features, float epsilon, Parameter gamma, Parameter beta) {
        this.features = features;
        this.epsilon = epsilon;
        this.gamma = gamma;
        this.beta = beta;
        this.xhatBuf = new RowBuffer(features);
        this.yBuf = new RowBuffer(features);
        this.dxBuf = new RowBuffer(features);
    }

    private static int checked(int features, float epsilon) {
        Shapes.positive("layer norm features", features);
        Shapes.epsilon("layer norm", epsilon);
        return features;
    }

    public float epsilon() {
        return epsilon;
    }

    public Parameter gamma() {
        return gamma;
    }

    public Parameter beta() {
        return beta;
    }

    @Override
    public Tensor forward(Kernels kernels, Tensor input, Mode mode) {
        Shapes.checkInput(this, input, features);
        int rows = input.rows();
        if (mean.length < rows) {
            mean = new float[rows];
            var = new float[rows];
        }
        Tensor xhat = xhatBuf.rows(rows);
        Tensor y = yBuf.rows(rows);
        kernels.norms().layerNormForward(rows, features, epsilon, input.data(), input.offset(),
                gamma.value().data(), gamma.value().offset(), beta.value().data(), beta.value().offset(),
                mean, 0, var, 0, xhat.data(), xhat.offset(), y.data(), y.offset());
        lastXhat = mode == Mode.TRAINING ? xhat : null;
        return y;
    }

    @Override
    public Tensor backward(Kernels kernels, Tensor gradOutput, boolean needInputGradient) {
        Shapes.checkBackward(this, lastXhat, gradOutput, features);
        int rows = gradOutput.rows();
        Tensor dx = needInputGradient ? dxBuf.rows(rows) : null;
        Tensor dg = gamma.grad();
        Tensor db = beta.grad();
        kernels.norms().layerNormBackward(rows, features, epsilon, gradOutput.data(), gradOutput.offset(),
                lastXhat.data(), lastXhat.offset(), gamma.value().data(), gamma.value().offset(), var, 0,
                dg.data(), dg.offset(), db.data(), db.offset(),
                dx == null ? null : dx.data(), dx == null ? 0 : dx.offset());
        return dx;
    }

    /** γ then β, named {@code weight} and {@code bias} as in PyTorch. */
    @Override
    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }

    @Override
    public int outputFeatures(int inputFeatures) {
        return Shapes.same(this, inputFeatures, features);
    }

    /** Copies of the parameters, shared with nothing. */
    LayerNorm detachedCopy() {
        return new LayerNorm(features, epsilon, Frozen.copy(gamma), Frozen.copy(beta));
    }

    @Override
    public Layer inferenceCopy() {
        return new LayerNorm(features, epsilon, gamma, beta);
    }

    @Override
    public String toString() {
        return "LayerNorm(" + features + ")";
    }
}
