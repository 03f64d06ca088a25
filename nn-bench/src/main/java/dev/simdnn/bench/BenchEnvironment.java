package dev.simdnn.bench;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.kernel.Kernels;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Shared set-up of the benchmarks: picks the backend by name and thread count (a value of the
 * backend, through the same {@link KernelsProvider#byName(String, int)} users call), and describes
 * the machine so that every result carries JDK, vector width, FMA, threads and CPU model.
 */
public final class BenchEnvironment {
    private BenchEnvironment() {
    }

    /** The backend {@code name} running GEMM on {@code threads} threads. */
    public static Kernels kernels(String name, int threads) {
        return KernelsProvider.byName(name, threads);
    }

    /** Like {@code JDK 25, simd (512-bit vectors (16 floats), FMA, 2 threads), AMD Ryzen …}. */
    public static String describe() {
        return "JDK " + Runtime.version() + ", " + KernelsProvider.bestReason() + ", CPU " + cpuModel();
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (Exception e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }
}
