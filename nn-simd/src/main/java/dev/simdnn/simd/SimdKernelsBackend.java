package dev.simdnn.simd;

import dev.simdnn.backend.KernelsBackend;
import dev.simdnn.kernel.Kernels;

/**
 * Registers the SIMD backend with {@code KernelsProvider} (through {@code ServiceLoader}). It
 * touches no {@code jdk.incubator.vector} class until every guard has passed, so it loads safely
 * in a JVM started without {@code --add-modules jdk.incubator.vector}.
 */
public final class SimdKernelsBackend implements KernelsBackend {

    /** Found by {@code ServiceLoader}; touches no vector class until asked. */
    public SimdKernelsBackend() {
    }

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public String unavailableReason() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return "the jdk.incubator.vector module is not readable (start java with --add-modules jdk.incubator.vector)";
        }
        String noC2 = Hotspot.noC2Reason();
        if (noC2 != null) {
            return noC2 + "; vector code would run far slower than scalar";
        }
        try {
            int bits = SimdConfig.SPECIES.vectorBitSize();
            if (bits < 128) {
                return "the preferred float vector is only " + bits + " bits";
            }
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        } catch (ExceptionInInitializerError e) {
            return String.valueOf(e.getCause() == null ? e : e.getCause().getMessage());
        }
        return null;
    }

    @Override
    public Kernels create() {
        return SimdKernels.INSTANCE;
    }

    @Override
    public Kernels create(int threads) {
        return SimdKernels.withThreads(threads);
    }

    @Override
    public String describe() {
        return "simd (" + SimdConfig.describe() + ", JDK " + Runtime.version().feature() + ")";
    }
}
