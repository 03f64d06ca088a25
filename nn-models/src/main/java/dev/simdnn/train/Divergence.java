package dev.simdnn.train;

import dev.simdnn.layer.Parameter;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Optimizer;
import dev.simdnn.tensor.Tensor;

import java.util.Map;

/**
 * How the trainer recognises and reports divergence: a non-finite loss (checked per batch, before
 * the batch updates anything) or a non-finite parameter or buffer (checked after every epoch),
 * reported as a {@link TrainingDivergedException} that says where, what and what usually helps.
 */
final class Divergence {
    private Divergence() {
    }

    /** After an epoch: every parameter and buffer must be finite, whatever the policy. */
    static void requireFiniteState(Sequential model, Optimizer optimizer, int epoch) {
        String bad = firstNonFiniteState(model);
        if (bad != null) {
            throw diverged(model, optimizer, epoch, 0, 0, bad + " is no longer finite");
        }
    }

    /** The {@code state_dict} name of the first parameter or buffer holding NaN or infinity, or null. */
    static String firstNonFiniteState(Sequential model) {
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            if (e.getValue().value().firstNonFinite() >= 0) {
                return "parameter " + e.getKey();
            }
        }
        for (Map.Entry<String, Tensor> e : model.buffers().entrySet()) {
            if (e.getValue().firstNonFinite() >= 0) {
                return "buffer " + e.getKey();
            }
        }
        return null;
    }

    static TrainingDivergedException diverged(Sequential model, Optimizer optimizer, int epoch, int batch, int batches,
                                              String what) {
        String where = batch > 0 ? "epoch " + epoch + ", batch " + batch + " of " + batches : "the end of epoch " + epoch;
        String state = firstNonFiniteState(model);
        return new TrainingDivergedException(epoch, batch, "training diverged at " + where + ": " + what
                + (batch > 0 ? (state == null ? " (every parameter is still finite)" : " (" + state + " is not finite)") : "")
                + "; the learning rate " + optimizer.learningRate() + " may be too high: try a smaller one or gradient "
                + "clipping (clipGradientNorm)");
    }
}
