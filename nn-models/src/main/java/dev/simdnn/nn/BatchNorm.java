package dev.simdnn.nn;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.layer.RowBuffer;
import dev.simdnn.tensor.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Batch normalisation (Ioffe and Szegedy 2015), per feature, as PyTorch's {@code BatchNorm1d}.
 *
 * <p>Training: with the batch mean μ and biased variance σ² of each feature,
 * {@code x̂ = (x - μ)/√(σ² + ε)} and {@code y = γ·x̂ + β}; the running statistics move by
 * {@code running = (1 - m)·running + m·batch}, using the <em>unbiased</em> batch variance
 * ({@code σ²·n/(n-1)}) for the running variance. Inference: the running statistics replace the
 * batch's, so one sample's prediction does not depend on the others in its batch.
 *
 * <p>Backward (training mode): {@code dβ = Σ dy}, {@code dγ = Σ dy·x̂},
 * {@code dx = γ/(n·√(σ² + ε))·(n·dy - Σ dy - x̂·Σ dy·x̂)}. γ starts at 1, β at 0, the running
 * mean at 0 and the running variance at 1. The running statistics are {@link #buffers()}.
 */
public final class BatchNorm implements Layer {
    private final int features;
    private final float momentum;
    private final float epsilon;
    private final Parameter gamma;
    private final Parameter beta;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final Tensor batchesTracked;

    private final RowBuffer xhatBuf;
    private final RowBuffer yBuf;
    private final RowBuffer dxBuf;
    private final Tensor mean;
    private final Tensor var;
    private final Tensor sumDy;
    private final Tensor sumDyXhat;
    private final Tensor scale;
    private final Tensor shift;
    private Tensor lastXhat;

    /** Over {@code features} features with PyTorch's defaults: momentum 0.1, ε = 1e-5. */
    public BatchNorm(int features) {
        this(features, 0.1f, 1e-5f);
    }

    /**
     * @param momentum weight {@code m ∈ (0, 1]} of the newest batch in the running statistics
     * @param epsilon  added to the variance, {@code > 0}
     */
    public BatchNorm(int features, float momentum, float epsilon) {
        this(checked(features, momentum, epsilon), momentum, epsilon, new Parameter("weight", Shapes.filled(features, 1f)),
                new Parameter("bias", Tensor.zeros(features)), Tensor.zeros(features), Shapes.filled(features, 1f),
                Tensor.zeros(1));
    }

    /** Shares the given parameters and running statistics; allocates its own scratch. */
    private BatchNorm(int features, float momentum, float epsilon, Parameter gamma, Parameter beta,
                      Tensor runningMean, Tensor runningVar, Tensor batchesTracked) {
        this.features = features;
        this.momentum = momentum;
        this.epsilon = epsilon;
        this.gamma = gamma;
        this.beta = beta;
        this.runningMean = runningMean;
        this.runningVar = runningVar;
        this.batchesTracked = batchesTracked;
        this.xhatBuf = new RowBuffer(features);
        this.yBuf = new RowBuffer(features);
        this.dxBuf = new RowBuffer(features);
        this.mean = Tensor.zeros(features);
        this.var = Tensor.zeros(features);
        this.sumDy = Tensor.zeros(features);
        this.sumDyXhat = Tensor.zeros(features);
        this.scale = Tensor.zeros(features);
        this.shift = Tensor.zeros(features);
    }

    private static int checked(int features, float momentum, float epsilon) {
        Shapes.positive("batch norm features", features);
        if (!(momentum > 0 && momentum <= 1)) {
            throw new IllegalArgumentException("batch norm momentum must be in (0, 1], got " + momentum);
        }
        Shapes.epsilon("batch norm", epsilon);
        return features;
    }

    public float momentum() {
        return momentum;
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

    /** The running mean per feature (used in inference). */
    public Tensor runningMean() {
        return runningMean;
    }

    /** The running (unbiased) variance per feature (used in inference). */
    public Tensor runningVariance() {
        return runningVar;
    }

    @Override
    public Tensor forward(Kernels kernels, Tensor input, Mode mode) {
        Shapes.checkInput(this, input, features);
        int rows = input.rows();
        Tensor y = yBuf.rows(rows);
        if (mode == Mode.INFERENCE) {
            // y = x·(γ/√(var + ε)) + (β - mean·γ/√(var + ε)): O(features) set-up, then one fused pass
            for (int c = 0; c < features; c++) {
                float s = (float) (gamma.value().getFlat(c) / Math.sqrt((double) runningVar.getFlat(c) + epsilon));
                scale.setFlat(c, s);
                shift.setFlat(c, beta.value().getFlat(c) - runningMean.getFlat(c) * s);
            }
            kernels.norms().scaleShiftColumns(rows, features, input.data(), input.offset(), scale.data(), scale.offset(),
                    shift.data(), shift.offset(), y.data(), y.offset());
            lastXhat = null;
            return y;
        }
        if (rows < 2) {
            throw new IllegalArgumentException(this + " needs a batch of >= 2 rows in training mode (the variance of "
                    + "one row is 0), got " + input.shape() + "; with Trainer, pick a batch size that leaves no last batch "
                    + "of 1 row, or use dropLast()");
        }
        Tensor xhat = xhatBuf.rows(rows);
        kernels.norms().batchNormForward(rows, features, epsilon, input.data(), input.offset(),
                gamma.value().data(), gamma.value().offset(), beta.value().data(), beta.value().offset(),
                mean.data(), mean.offset(), var.data(), var.offset(), xhat.data(), xhat.offset(), y.data(), y.offset());
        kernels.blas().scale(features, 1 - momentum, runningMean.data(), runningMean.offset());
        kernels.blas().axpy(features, momentum, mean.data(), mean.offset(), runningMean.data(), runningMean.offset());
        kernels.blas().scale(features, 1 - momentum, runningVar.data(), runningVar.offset());
        kernels.blas().axpy(features, momentum * rows / (rows - 1f), var.data(), var.offset(), runningVar.data(), runningVar.offset());
        batchesTracked.setFlat(0, batchesTracked.getFlat(0) + 1); // exact up to 2^24 batches, then it stays there
        lastXhat = xhat;
        return y;
    }

    @Override
    public Tensor backward(Kernels kernels, Tensor gradOutput, boolean needInputGradient) {
        Shapes.checkBackward(this, lastXhat, gradOutput, features);
        int rows = gradOutput.rows();
        Tensor dx = needInputGradient ? dxBuf.rows(rows) : null;
        kernels.norms().batchNormBackward(rows, features, epsilon, gradOutput.data(), gradOutput.offset(),
                lastXhat.data(), lastXhat.offset(), gamma.value().data(), gamma.value().offset(),
                var.data(), var.offset(), sumDy.data(), sumDy.offset(), sumDyXhat.data(), sumDyXhat.offset(),
                dx == null ? null : dx.data(), dx == null ? 0 : dx.offset());
        Tensor dg = gamma.grad();
        Tensor db = beta.grad();
        kernels.blas().add(features, dg.data(), dg.offset(), sumDyXhat.data(), sumDyXhat.offset(), dg.data(), dg.offset());
        kernels.blas().add(features, db.data(), db.offset(), sumDy.data(), sumDy.offset(), db.data(), db.offset());
        return dx;
    }

    /** γ then β, named {@code weight} and {@code bias} as in PyTorch. */
    @Override
    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }

    /**
     * How many training batches have moved the running statistics (PyTorch's
     * {@code num_batches_tracked}; informative here, since the momentum is always set). One element;
     * a float, so it counts exactly up to 2^24 batches and stays there.
     */
    public Tensor batchesTracked() {
        return batchesTracked;
    }

    /**
     * {@code running_mean}, {@code running_var} and {@code num_batches_tracked}, as PyTorch names
     * them (the last one element here, 0-dimensional int64 in torch and in model files).
     */
    @Override
    public Map<String, Tensor> buffers() {
        Map<String, Tensor> named = new LinkedHashMap<>();
        named.put("running_mean", runningMean);
        named.put("running_var", runningVar);
        named.put("num_batches_tracked", batchesTracked);
        return Collections.unmodifiableMap(named);
    }

    @Override
    public int outputFeatures(int inputFeatures) {
        return Shapes.same(this, inputFeatures, features);
    }

    /** Copies of the parameters and running statistics, shared with nothing. */
    BatchNorm detachedCopy() {
        return new BatchNorm(features, momentum, epsilon, Frozen.copy(gamma), Frozen.copy(beta), runningMean.copy(),
                runningVar.copy(), batchesTracked.copy());
    }

    @Override
    public Layer inferenceCopy() {
        return new BatchNorm(features, momentum, epsilon, gamma, beta, runningMean, runningVar, batchesTracked);
    }

    @Override
    public String toString() {
        return "BatchNorm(" + features + ")";
    }

    @Override
    public boolean usesBatchStatistics() {
        return true;
    }
}
