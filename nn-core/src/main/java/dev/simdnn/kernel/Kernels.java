package dev.simdnn.kernel;

/**
 * The compute contract: the only door to arithmetic, as one small aggregate of kernel families. Layers, losses and optimizers call it and
 * never loop over floats themselves, so a whole model runs on whichever backend
 * {@link dev.simdnn.backend.KernelsProvider} hands out, and the scalar reference
 * ({@link dev.simdnn.kernel.scalar.ScalarKernels}) can be swapped in at run time.
 *
 * <h2>Families</h2>
 * Each family is an interface of its own, implemented once per backend
 * ({@code kernel/scalar/Scalar<Family>}, {@code simd/<family>/Simd<Family>}):
 * <ul>
 *   <li>{@link Blas}: GEMM and the dense layer's fused GEMM, elementwise arithmetic, reductions, argmax;</li>
 *   <li>{@link Activations}: activation functions forward and backward, softmax, PReLU, maxout;</li>
 *   <li>{@link Losses}: loss values and their gradients;</li>
 *   <li>{@link Updates}: optimizer updates and penalties;</li>
 *   <li>{@link Norms}: batch and layer normalisation;</li>
 *   <li>{@link Convolutions}: im2row and its adjoint around the GEMM of a convolution, pooling;</li>
 *   <li>{@link Recurrences}: the element-wise step of LSTM and GRU cells.</li>
 * </ul>
 * A backend is assembled in one expression, so a backend that deliberately reuses another
 * backend's family (for example the scalar one) says so in one visible line.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>Every matrix is row-major, addressed as {@code (array, offset, leading dimension)} or,
 *       where the data is contiguous, {@code (array, offset)} with its row and column counts.</li>
 *   <li>Arrays named as outputs are <em>modified</em>; all others are <em>not modified</em>.</li>
 *   <li>Implementations trust their inputs (they only {@code assert}): shapes, offsets and
 *       lengths are validated at the public API ({@code Tensor}, layers, losses, optimizers).</li>
 *   <li>No call allocates: every buffer is the caller's.</li>
 *   <li>Implementations are thread-safe: concurrent calls on disjoint outputs are fine.</li>
 *   <li>Optimizer state (velocities, moments) and loss gradients smaller in magnitude than 2^-126
 *       are flushed to zero, in every backend. Decaying state of parameters whose gradient is zero
 *       (dead ReLU units) would otherwise sink into the subnormal range, where x86 computes about
 *       20× slower, and Java cannot set the CPU's flush-to-zero mode.</li>
 * </ul>
 */
public record Kernels(String name, Blas blas, Activations activations, Losses losses, Updates updates, Norms norms,
                      Convolutions convolutions, Recurrences recurrences) {

    /**
     * @param name the backend's name, as {@link dev.simdnn.backend.KernelsProvider#byName} takes it
     *             ({@code scalar}, {@code simd})
     */
    public Kernels {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a backend needs a name");
        }
        if (blas == null || activations == null || losses == null || updates == null || norms == null
                || convolutions == null || recurrences == null) {
            throw new IllegalArgumentException("backend '" + name + "' is missing a kernel family");
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
