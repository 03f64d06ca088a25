package dev.simdnn.spark;

import java.io.Serializable;

/**
 * One epoch of data-parallel training, measured on the driver: the mean training loss and
 * accuracy over its steps (each step's rows measured before its update), the validation loss and
 * accuracy after it (NaN without validation rows), the synchronous rounds it took (its steps; with
 * model averaging, its averaging rounds) and its wall time.
 */
public record EpochSummary(int epoch, double loss, double accuracy, double validationLoss,
                           double validationAccuracy, int steps, double seconds) implements Serializable {
}
