package dev.simdnn.train;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.loss.Loss;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.GradientClipping;
import dev.simdnn.optim.Optimizer;
import dev.simdnn.optim.Penalty;
import dev.simdnn.predict.Predictor;
import dev.simdnn.tensor.Tensor;

import java.util.List;

/**
 * One optimisation step on a batch, {@code zeroGrad → forward → loss → backward → penalty →
 * clipping → update}, on the model's backend. Allocation-free once the batch size has been seen.
 * Not thread-safe (one per trainer).
 */
final class TrainingStep {
    private final Sequential model;
    private final Loss loss;
    private final Optimizer optimizer;
    private final Penalty penalty;
    private final float clipNorm;
    private final float clipValue;
    private int[] predicted = new int[0];
    private int correct;

    /** {@code penalty} may be null; a clip of 0 is off. */
    TrainingStep(Sequential model, Loss loss, Optimizer optimizer, Penalty penalty, float clipNorm, float clipValue) {
        this.model = model;
        this.loss = loss;
        this.optimizer = optimizer;
        this.penalty = penalty;
        this.clipNorm = clipNorm;
        this.clipValue = clipValue;
    }

    /**
     * Runs the step on features {@code x} and targets {@code y}; returns the batch loss, penalty
     * included. A non-finite loss is returned before anything is updated: the caller decides
     * whether to stop or skip the batch, and the weights are those of before the batch.
     */
    float run(Tensor x, Tensor y) {
        Kernels k = model.kernels();
        optimizer.zeroGrad();
        Tensor out = model.forward(k, x, Mode.TRAINING);
        float batchLoss = loss.forward(k, out, y);
        correct = loss.isClassification() ? Predictor.countCorrect(k, loss.task(), out, y, scratch(x.rows())) : 0;
        if (!Float.isFinite(batchLoss)) {
            return batchLoss;
        }
        model.backward(k, loss.backward(), false);
        List<Parameter> params = optimizer.parameters();
        if (penalty != null) {
            batchLoss += penalty.apply(k, params);
        }
        if (clipNorm > 0) {
            GradientClipping.byGlobalNorm(k, params, clipNorm);
        }
        if (clipValue > 0) {
            GradientClipping.byValue(k, params, clipValue);
        }
        optimizer.step();
        return batchLoss;
    }

    /** Rows of the latest batch predicted right, measured before its update (0 for regression). */
    int correct() {
        return correct;
    }

    private int[] scratch(int rows) {
        if (predicted.length < rows) {
            predicted = new int[rows];
        }
        return predicted;
    }
}
