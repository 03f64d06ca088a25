package dev.simdnn.loss;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.tensor.Tensor;

/**
 * A loss: a scalar measure of how far a model's output is from its target, averaged over the
 * batch (the mean, not the sum, so the learning rate does not silently scale with batch size).
 *
 * <p>{@link #forward} computes the loss and, in the same pass, its gradient with respect to the
 * output, which {@link #backward()} returns; {@link #evaluate} computes the loss alone. Instances
 * keep reusable buffers and are not thread-safe.
 */
public interface Loss {

    /**
     * The mean loss of {@code output} against {@code target}, remembering the gradient.
     *
     * @throws IllegalArgumentException if the shapes do not fit the loss (both named) or a target is invalid
     */
    float forward(Kernels kernels, Tensor output, Tensor target);

    /** The gradient of the latest {@link #forward} with respect to its output; same shape as the output. */
    Tensor backward();

    /** The mean loss only (no gradient), e.g. for evaluation. */
    float evaluate(Kernels kernels, Tensor output, Tensor target);

    /**
     * The number of rows of {@code output} whose prediction is right, for classification losses;
     * -1 for losses (such as MSE) that have no notion of a correct class.
     */
    int countCorrect(Kernels kernels, Tensor output, Tensor target);

    /** Whether {@link #countCorrect} means something (classification losses). */
    default boolean isClassification() {
        return true;
    }

    /** The target width this loss expects for an output of {@code outputFeatures} columns. */
    int targetFeatures(int outputFeatures);
}
