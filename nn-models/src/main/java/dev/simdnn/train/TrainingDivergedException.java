package dev.simdnn.train;

/**
 * Training produced a non-finite loss or parameter: the model's weights are not worth keeping.
 * The message says where (epoch, batch), what (the loss, the first non-finite parameter by its
 * {@code state_dict} name) and what usually helps (a smaller learning rate, gradient clipping).
 */
public final class TrainingDivergedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final int batch;

    TrainingDivergedException(int epoch, int batch, String message) {
        super(message);
        this.epoch = epoch;
        this.batch = batch;
    }

    /** The 1-based epoch in which training diverged. */
    public int epoch() {
        return epoch;
    }

    /** The 1-based batch of that epoch, or 0 when it was found at the end of the epoch. */
    public int batch() {
        return batch;
    }
}
