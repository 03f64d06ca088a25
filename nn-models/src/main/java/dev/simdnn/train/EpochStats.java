package dev.simdnn.train;

/**
 * What one epoch measured. Training loss and accuracy are averaged over the epoch's batches as
 * they were seen (before each batch's update, as Keras reports them); validation figures are
 * {@code NaN} without a validation set, accuracies {@code NaN} for regression.
 *
 * @param epoch            1-based
 * @param samplesPerSecond training examples processed per second of wall time
 */
public record EpochStats(int epoch, float loss, float accuracy, float validationLoss, float validationAccuracy,
                         double seconds, double samplesPerSecond, float learningRate) {
}
