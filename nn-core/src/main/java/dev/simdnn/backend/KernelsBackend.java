package dev.simdnn.backend;

import dev.simdnn.kernel.Kernels;

/**
 * Service-provider interface through which {@link KernelsProvider} finds optional backends with
 * {@link java.util.ServiceLoader} (register an implementation in
 * {@code META-INF/services/dev.simdnn.backend.KernelsBackend}). The scalar backend is built in and
 * needs no registration.
 */
public interface KernelsBackend {

    /** The backend's name, e.g. {@code simd}. */
    String name();

    /**
     * Why this backend cannot run in this JVM (module not readable, vector width too small, no C2),
     * or {@code null} when it can. Called once; must not throw.
     */
    String unavailableReason();

    /** Higher wins in {@link KernelsProvider#best()} among usable backends. Scalar is 0. */
    int priority();

    /** The kernels; only called when {@link #unavailableReason()} returned {@code null}. */
    Kernels create();

    /**
     * The kernels with their parallel operations (GEMM) on {@code threads} threads, the caller
     * included; a backend without threads ignores the count. Only called when
     * {@link #unavailableReason()} returned {@code null}.
     */
    default Kernels create(int threads) {
        return create();
    }

    /** One line for the log: vector bits, FMA, threads and so on. */
    default String describe() {
        return name();
    }
}
