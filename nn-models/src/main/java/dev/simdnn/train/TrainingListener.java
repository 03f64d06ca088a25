package dev.simdnn.train;

/** Receives training progress; every method has an empty default. Called on the training thread. */
public interface TrainingListener {

    /** After each mini-batch step; {@code batch} is 1-based out of {@code batches}. */
    default void onBatchEnd(int epoch, int batch, int batches, float loss) {
    }

    /** After each epoch, with its statistics. */
    default void onEpochEnd(EpochStats stats) {
    }
}
