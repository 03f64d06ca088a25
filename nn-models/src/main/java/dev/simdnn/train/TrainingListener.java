package dev.simdnn.train;

/** Receives training progress; every method has an empty default. Called on the training thread. */
public interface TrainingListener {

    /**
     * After each mini-batch step, with its loss, accuracy, learning rate and throughput. The
     * trainer creates the record only when it has listeners, so training without any allocates
     * nothing per step.
     */
    default void onBatchEnd(BatchStats stats) {
    }

    /** After each epoch, with its statistics. */
    default void onEpochEnd(EpochStats stats) {
    }
}
