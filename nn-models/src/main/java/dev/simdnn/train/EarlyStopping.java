package dev.simdnn.train;

import dev.simdnn.nn.Sequential;
import dev.simdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The early-stopping policy: after each epoch, is the monitored figure better than the best so
 * far by more than {@code minDelta}? If so, snapshot the model's state (parameters and buffers, a
 * copy per improvement, not per step); if {@code patience} epochs pass without one, stop. At the
 * end, {@link #restoreBest()} puts the best epoch's state back.
 */
final class EarlyStopping {
    private final int patience;
    private final float minDelta;
    private final Trainer.Monitor monitor;
    private final List<Tensor> state;
    private final float[][] best;
    private float bestScore = Float.POSITIVE_INFINITY;
    private int bestEpoch;

    /** Watches {@code monitor}; {@code state} is what a snapshot copies and a restore overwrites. */
    EarlyStopping(int patience, float minDelta, Trainer.Monitor monitor, List<Tensor> state) {
        this.patience = patience;
        this.minDelta = minDelta;
        this.monitor = monitor;
        this.state = List.copyOf(state);
        this.best = new float[state.size()][];
    }

    /** Watches {@code monitor} over {@code model}'s parameters and buffers (batch norm's running statistics). */
    static EarlyStopping of(Sequential model, int patience, float minDelta, Trainer.Monitor monitor) {
        List<Tensor> state = new ArrayList<>();
        model.parameters().forEach(p -> state.add(p.value()));
        state.addAll(model.buffers().values());
        return new EarlyStopping(patience, minDelta, monitor, state);
    }

    /** Records epoch {@code epoch}'s validation figures; true when training should stop. */
    boolean shouldStop(int epoch, float validationLoss, float validationAccuracy) {
        // lower is better: the loss, or minus the accuracy
        float score = monitor == Trainer.Monitor.VALIDATION_LOSS ? validationLoss : -validationAccuracy;
        if (score < bestScore - minDelta) {
            bestScore = score;
            bestEpoch = epoch;
            for (int i = 0; i < state.size(); i++) {
                best[i] = state.get(i).toArray();
            }
            return false;
        }
        return epoch - bestEpoch >= patience;
    }

    /** The epoch whose state is kept; 0 before any improvement. */
    int bestEpoch() {
        return bestEpoch;
    }

    /** Writes the best epoch's snapshot back into the model (nothing before any improvement). */
    void restoreBest() {
        if (bestEpoch > 0) {
            for (int i = 0; i < state.size(); i++) {
                state.get(i).copyFrom(best[i]);
            }
        }
    }
}
