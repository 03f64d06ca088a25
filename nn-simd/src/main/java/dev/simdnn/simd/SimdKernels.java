package dev.simdnn.simd;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.simd.activations.SimdActivations;
import dev.simdnn.simd.blas.SimdBlas;
import dev.simdnn.simd.convolutions.SimdConvolutions;
import dev.simdnn.simd.recurrences.SimdRecurrences;
import dev.simdnn.simd.losses.SimdLosses;
import dev.simdnn.simd.norms.SimdNorms;
import dev.simdnn.simd.updates.SimdUpdates;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Vector API backend, assembled from its families: {@link SimdBlas} (GEMM through
 * {@code simd.gemm}, level-1 operations, reductions), {@link SimdActivations}, {@link SimdLosses},
 * {@link SimdUpdates} (large updates split over the same threads as GEMM), {@link SimdNorms} and
 * {@link SimdRecurrences} (the LSTM and GRU cells' gates) and {@link SimdConvolutions} (the 2×2
 * max pool on vectors; im2row, col2im and the layout turns are the reference's loops, and a
 * convolution's arithmetic is its GEMMs, in SimdBlas). Stateless apart from GEMM's per-thread buffers; thread-safe.
 */
public final class SimdKernels {
    /** The SIMD backend with GEMM on the default thread count ({@link SimdConfig#THREADS}). */
    public static final Kernels INSTANCE = assemble(SimdBlas.INSTANCE, SimdUpdates.INSTANCE);
    private static final Map<Integer, Kernels> BY_THREADS = new ConcurrentHashMap<>();

    /**
     * The SIMD backend with GEMM split over {@code threads} threads, the caller included (one
     * instance per count). Results are bit-identical for any count.
     *
     * @throws IllegalArgumentException unless {@code 1 <= threads <= GemmPool.MAX_THREADS}
     */
    public static Kernels withThreads(int threads) {
        if (threads == SimdBlas.INSTANCE.threads()) {
            return INSTANCE;
        }
        return BY_THREADS.computeIfAbsent(threads, t -> assemble(SimdBlas.withThreads(t), SimdUpdates.withThreads(t)));
    }

    private static Kernels assemble(SimdBlas blas, SimdUpdates updates) {
        return new Kernels("simd", blas, SimdActivations.INSTANCE, SimdLosses.INSTANCE, updates, SimdNorms.INSTANCE,
                SimdConvolutions.INSTANCE,
                SimdRecurrences.INSTANCE);
    }

    private SimdKernels() {
    }
}
