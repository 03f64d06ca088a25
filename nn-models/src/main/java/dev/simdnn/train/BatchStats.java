package dev.simdnn.train;

/**
 * What one mini-batch step measured, passed to {@link TrainingListener#onBatchEnd(BatchStats)}.
 * Loss and accuracy are the batch's, computed before its update (the loss includes a penalty if
 * one is set); accuracy is {@code NaN} for regression.
 *
 * @param epoch             1-based
 * @param batch             1-based, out of {@code batches}
 * @param examples          rows in this batch (the last one may be short)
 * @param learningRate      the rate this step used
 * @param examplesPerSecond this step's throughput: forward, loss, backward and update
 */
public record BatchStats(int epoch, int batch, int batches, int examples, float loss, float accuracy,
                         float learningRate, double examplesPerSecond) {
}
