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
 *
 * <p>{@link #parse} builds a loss from the names the command line uses.
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
     * The task this loss trains for: how the outputs it sees turn into predictions (and whether an
     * accuracy means something), decided by {@link dev.simdnn.predict.Predictor}.
     */
    Task task();

    /** Whether the outputs are classes ({@code task().isClassification()}). */
    default boolean isClassification() {
        return task().isClassification();
    }

    /** The target width this loss expects for an output of {@code outputFeatures} columns. */
    int targetFeatures(int outputFeatures);

    /**
     * The loss named by {@code spec}, the vocabulary of the command line's {@code --loss}:
     * {@code ce} or {@code ce:EPS} (softmax cross-entropy, label smoothing ε), {@code bce},
     * {@code hinge}, {@code mse}, {@code mae}, {@code huber} or {@code huber:DELTA} (δ = 1 by
     * default), {@code logcosh}. Case-insensitive.
     *
     * @throws IllegalArgumentException naming the spec and the known losses, or a bad parameter
     */
    static Loss parse(String spec) {
        return LossSpecs.parse(spec);
    }
}
