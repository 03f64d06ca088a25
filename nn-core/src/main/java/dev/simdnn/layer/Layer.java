package dev.simdnn.layer;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.tensor.Tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A differentiable function of one rank-2 input {@code [batch, features]}, with learnable
 * {@link Parameter}s.
 *
 * <p>The contract, as in micrograd and PyTorch: {@link #forward} computes the output and caches
 * exactly what {@link #backward} needs; {@code backward} takes the gradient of the loss with
 * respect to the output of the <em>latest</em> forward, <em>adds</em> the parameter gradients
 * into {@link Parameter#grad()}, and returns the gradient with respect to the input.
 *
 * <p>The arithmetic runs on the {@link Kernels} passed in, so the backend can be chosen per call.
 * Returned tensors are the layer's own reusable buffers: valid until its next forward or backward
 * call. A layer instance is not thread-safe.
 */
public interface Layer {

    /**
     * The output for {@code input} ({@code [batch, inputFeatures]}).
     *
     * @throws IllegalArgumentException if the input width is not what the layer expects; the
     *                                  message names both
     */
    Tensor forward(Kernels kernels, Tensor input, Mode mode);

    /**
     * Back-propagates {@code gradOutput} (same shape as the latest forward's output): accumulates
     * parameter gradients and returns the gradient with respect to that forward's input, or
     * {@code null} when {@code needInputGradient} is false (the first layer of a network skips
     * that product).
     */
    Tensor backward(Kernels kernels, Tensor gradOutput, boolean needInputGradient);

    /** The learnable parameters, in a fixed order; empty for a layer without any. */
    List<Parameter> parameters();

    /** Output width for a given input width. */
    int outputFeatures(int inputFeatures);

    /**
     * The parameters by name, in {@link #parameters()} order; composite layers nest their parts'
     * names ({@code "0.weight"}, {@code "body.1.gamma"}), as PyTorch's {@code state_dict} does.
     *
     * @throws IllegalStateException if two parameters share a name
     */
    default Map<String, Parameter> namedParameters() {
        Map<String, Parameter> named = new LinkedHashMap<>();
        for (Parameter p : parameters()) {
            if (named.put(p.name(), p) != null) {
                throw new IllegalStateException("two parameters named " + p.name() + " in " + this);
            }
        }
        return Collections.unmodifiableMap(named);
    }

    /**
     * State that is not learned by gradient descent but belongs to the model (PyTorch's
     * {@code buffers()}), such as batch normalisation's running mean and variance: saved and
     * restored with the parameters (early stopping restores both), by name in a fixed order
     * (PyTorch's names, e.g. {@code running_mean}). Empty by default.
     */
    default Map<String, Tensor> buffers() {
        return Map.of();
    }

    /**
     * Whether training forward passes compute statistics over the batch (batch normalisation), so
     * that a batch of one row has none and a short last batch gives noisy ones. The trainer then
     * skips a short last batch per epoch. False by default; containers ask their children.
     */
    default boolean usesBatchStatistics() {
        return false;
    }

    /**
     * How many modules of PyTorch's {@code torch.nn.Sequential} this layer stands for, so that a
     * container numbers its layers' parameters as torch numbers the equivalent module list: 1 by
     * default; 2 for a dense layer with a fused activation ({@code Linear} and the activation), so
     * {@code Dense(relu), Dense(relu), Dense} names its weights {@code 0.weight}, {@code 2.weight},
     * {@code 4.weight}, as {@code Sequential(Linear, ReLU, Linear, ReLU, Linear)} does.
     */
    default int torchModules() {
        return 1;
    }

    /**
     * A layer computing the same function in {@link Mode#INFERENCE}, sharing this layer's
     * parameters and buffers (read-only) but with its own scratch memory, so that several threads
     * can predict at once, each with its own copy. A layer without scratch state may return itself.
     *
     * @throws UnsupportedOperationException if this layer cannot be shared (the default)
     */
    default Layer inferenceCopy() {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " does not support concurrent inference: implement Layer.inferenceCopy()");
    }
}
