package dev.simdnn.nn;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.layer.RowBuffer;
import dev.simdnn.tensor.Tensor;

import java.util.List;

/**
 * Parametric ReLU (He et al. 2015): {@code y = x} for {@code x > 0}, else {@code a_c·x}, with a
 * learnable slope {@code a_c} per feature (channel), initialised to 0.25 as in the paper and
 * PyTorch. Backward: {@code dx = dy} or {@code a_c·dy}; {@code da_c = Σ_rows dy·x} over
 * {@code x <= 0}. Weight decay should usually skip the slopes (the paper does): penalties in
 * {@link dev.simdnn.optim.Penalty} apply to parameters named {@code weight} only.
 */
public final class PRelu implements Layer {
    private final int features;
    private final Parameter slope;
    private final RowBuffer yBuf;
    private final RowBuffer dxBuf;
    private Tensor lastInput;

    /** A PReLU over {@code features} channels, slopes starting at 0.25. */
    public PRelu(int features) {
        this(features, 0.25f);
    }

    /** A PReLU over {@code features} channels, slopes starting at {@code initialSlope} (finite). */
    public PRelu(int features, float initialSlope) {
        this(features, new Parameter("weight", Shapes.filled(checked(features, initialSlope), initialSlope)));
    }

    /** Shares {@code slope}; allocates its own scratch. */
    private PRelu(int features, Parameter slope) {
        this.features = features;
        this.slope = slope;
        this.yBuf = new RowBuffer(features);
        this.dxBuf = new RowBuffer(features);
    }

    private static int checked(int features, float initialSlope) {
        Shapes.positive("PReLU features", features);
        if (!Float.isFinite(initialSlope)) {
            throw new IllegalArgumentException("PReLU initial slope must be finite, got " + initialSlope);
        }
        return features;
    }

    /** The learnable slopes, one per feature: {@code weight} {@code [features]}, as PyTorch's {@code PReLU(num_parameters=features)}. */
    public Parameter slope() {
        return slope;
    }

    @Override
    public Tensor forward(Kernels kernels, Tensor input, Mode mode) {
        Shapes.checkInput(this, input, features);
        Tensor y = yBuf.rows(input.rows());
        Tensor a = slope.value();
        kernels.activations().preluForward(input.rows(), features, input.data(), input.offset(), a.data(), a.offset(),
                y.data(), y.offset());
        lastInput = mode == Mode.TRAINING ? input : null;
        return y;
    }

    @Override
    public Tensor backward(Kernels kernels, Tensor gradOutput, boolean needInputGradient) {
        Shapes.checkBackward(this, lastInput, gradOutput, features);
        Tensor dx = needInputGradient ? dxBuf.rows(gradOutput.rows()) : null;
        Tensor a = slope.value();
        Tensor da = slope.grad();
        kernels.activations().preluBackward(gradOutput.rows(), features, lastInput.data(), lastInput.offset(), a.data(), a.offset(),
                gradOutput.data(), gradOutput.offset(), dx == null ? null : dx.data(), dx == null ? 0 : dx.offset(),
                da.data(), da.offset());
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(slope);
    }

    @Override
    public int outputFeatures(int inputFeatures) {
        return Shapes.same(this, inputFeatures, features);
    }

    /** A copy of the slopes, shared with nothing. */
    PRelu detachedCopy() {
        return new PRelu(features, Frozen.copy(slope));
    }

    @Override
    public Layer inferenceCopy() {
        return new PRelu(features, slope);
    }

    @Override
    public String toString() {
        return "PReLU(" + features + ")";
    }
}
