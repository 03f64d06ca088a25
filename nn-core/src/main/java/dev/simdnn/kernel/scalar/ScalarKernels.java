package dev.simdnn.kernel.scalar;

import dev.simdnn.kernel.Kernels;

/**
 * The scalar reference backend: plain, readable loops, one element at a time.
 *
 * <p>This is both the "scalar backprop" users measure the SIMD backend against and the oracle the
 * tests compare every other backend with, so clarity wins over cleverness here. Loop orders are
 * the cache-friendly textbook ones (row of A times row of B for the non-transposed cases) so the
 * comparison is with reasonable scalar code, not a strawman. Sums of many terms (losses,
 * reductions) accumulate in {@code double}. No call allocates.
 *
 * <p>Stateless and thread-safe; use {@link #INSTANCE}. The families live beside this class, one
 * file each ({@link ScalarBlas}, {@link ScalarActivations}, {@link ScalarLosses},
 * {@link ScalarUpdates}, {@link ScalarNorms}, {@link ScalarConvolutions}).
 */
public final class ScalarKernels {

    /** The scalar backend: every family the plain reference. */
    public static final Kernels INSTANCE = new Kernels("scalar",
            ScalarBlas.INSTANCE, ScalarActivations.INSTANCE, ScalarLosses.INSTANCE,
            ScalarUpdates.INSTANCE, ScalarNorms.INSTANCE, ScalarConvolutions.INSTANCE, ScalarRecurrences.INSTANCE);

    private ScalarKernels() {
    }
}
