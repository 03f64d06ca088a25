package dev.simdnn.train;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Optimizer;

/**
 * The trainer's rule for the optimizer's backend: an unbound optimizer is bound to the model's
 * backend, and follows the model when it switches ({@code useKernels}) between fits; one the user
 * bound to another backend is refused, never silently rebound.
 */
final class BackendBinding {
    private Kernels boundByUs;

    void bind(Sequential model, Optimizer optimizer) {
        Kernels k = model.kernels();
        Kernels bound = optimizer.kernels();
        if (bound != null && bound != k && bound != boundByUs) {
            throw new IllegalStateException("the optimizer runs on the " + bound.name() + " backend but the model on "
                    + k.name() + ": bind it with optimizer.on(model.kernels()), or leave it unbound");
        }
        optimizer.on(k);
        boundByUs = k;
    }
}
