package dev.simdnn.simd;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.simd.activations.SimdActivations;
import dev.simdnn.simd.blas.SimdBlas;
import dev.simdnn.simd.losses.SimdLosses;
import dev.simdnn.simd.norms.SimdNorms;
import dev.simdnn.simd.updates.SimdUpdates;

/**
 * The Vector API backend, assembled from its families: {@link SimdBlas} (GEMM through
 * {@code simd.gemm}, level-1 operations, reductions), {@link SimdActivations}, {@link SimdLosses},
 * {@link SimdUpdates} and {@link SimdNorms}. Every family is vectorised; none reuses the scalar
 * reference. Stateless apart from GEMM's per-thread buffers; thread-safe.
 */
public final class SimdKernels {
    /** The SIMD backend. */
    public static final Kernels INSTANCE = new Kernels("simd",
            SimdBlas.INSTANCE, SimdActivations.INSTANCE, SimdLosses.INSTANCE,
            SimdUpdates.INSTANCE, SimdNorms.INSTANCE);

    private SimdKernels() {
    }
}
