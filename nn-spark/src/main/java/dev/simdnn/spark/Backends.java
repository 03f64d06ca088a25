package dev.simdnn.spark;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.kernel.Kernels;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The backend a Spark JVM (driver or executor) computes with, named by a stage's {@code backend}
 * param: {@code best} ({@link KernelsProvider#best()}: SIMD when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}, else the scalar reference, and its one log line says
 * which and why), {@code simd} or {@code scalar}; with {@code threads} GEMM threads per task (1 by
 * default: Spark already runs one task per core). One instance per name and count per JVM.
 */
final class Backends {
    private static final ConcurrentMap<String, Kernels> CACHE = new ConcurrentHashMap<>();

    private Backends() {
    }

    /**
     * @throws IllegalArgumentException if the name is unknown or the thread count out of range
     * @throws IllegalStateException    if {@code simd} was asked for and cannot run here (the reason named)
     */
    static Kernels of(String backend, int threads) {
        String name = backend.trim().toLowerCase(Locale.ROOT);
        return CACHE.computeIfAbsent(name + "/" + threads, k -> name.equals("best")
                ? KernelsProvider.best(threads) : KernelsProvider.byName(name, threads));
    }

    /** Whether {@code backend} is a name {@link #of} takes (checked on the driver, before a job starts). */
    static boolean isKnown(String backend) {
        String name = backend.trim().toLowerCase(Locale.ROOT);
        return name.equals("best") || KernelsProvider.names().contains(name);
    }
}
