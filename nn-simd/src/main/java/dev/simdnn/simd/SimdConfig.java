package dev.simdnn.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD backend's settings, decided once per JVM from the hardware and system properties:
 *
 * <ul>
 *   <li>{@code -Dsimdnn.simd.bits=128|256|512}: force the float vector width (default: the
 *       preferred width, 512 on AVX-512). Tests force every width on any machine that supports
 *       the largest; a width wider than the hardware's is refused.</li>
 *   <li>{@code -Dsimdnn.threads=N}: the default GEMM thread count of {@code SimdKernels.INSTANCE},
 *       read once at start-up (default: available processors). A backend on another count is a
 *       value: {@code SimdKernels.withThreads(n)} or {@code KernelsProvider.byName("simd", n)}.</li>
 * </ul>
 *
 * <ul>
 *   <li>{@code -Dsimdnn.simd.fma=false}: compute {@code a·b + c} as a multiply then an add (two
 *       roundings) even where the CPU has fused multiply-add. The default follows HotSpot's
 *       {@code UseFMA}, so a CPU without FMA never runs the Vector API's slow software emulation of
 *       {@code fma}. Every kernel goes through {@link Fma#fma}, which reads this guard.</li>
 * </ul>
 *
 * The species is a {@code static final} constant so that C2 compiles every vector operation to
 * single instructions; that is why it is fixed per JVM rather than per kernel instance.
 */
public final class SimdConfig {
    /** System property that forces the vector width in bits. */
    public static final String BITS_PROPERTY = "simdnn.simd.bits";
    /** System property that turns fused multiply-add off ({@code false}). */
    public static final String FMA_PROPERTY = "simdnn.simd.fma";
    /** System property with the number of GEMM threads. */
    public static final String THREADS_PROPERTY = "simdnn.threads";

    /** The float species every kernel uses. */
    public static final VectorSpecies<Float> SPECIES = chooseSpecies();
    /** Floats per vector. */
    public static final int LANES = SPECIES.length();
    /** Whether kernels use fused multiply-add ({@link Fma#fma}); decided once per JVM. */
    public static final boolean FMA = chooseFma();
    /** The default number of threads GEMM may use, the caller included. */
    public static final int THREADS = chooseThreads();

    private SimdConfig() {
    }

    private static VectorSpecies<Float> chooseSpecies() {
        VectorSpecies<Float> preferred = FloatVector.SPECIES_PREFERRED;
        String forced = System.getProperty(BITS_PROPERTY);
        if (forced == null || forced.isBlank()) {
            return preferred;
        }
        int bits;
        try {
            bits = Integer.parseInt(forced.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + BITS_PROPERTY + " must be 128, 256 or 512, got '" + forced + "'");
        }
        if (bits > preferred.vectorBitSize()) {
            throw new IllegalArgumentException("-D" + BITS_PROPERTY + "=" + bits + " is wider than this CPU's "
                    + preferred.vectorBitSize() + "-bit vectors");
        }
        return switch (bits) {
            case 128 -> FloatVector.SPECIES_128;
            case 256 -> FloatVector.SPECIES_256;
            case 512 -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException("-D" + BITS_PROPERTY + " must be 128, 256 or 512, got " + bits);
        };
    }

    private static boolean chooseFma() {
        String forced = System.getProperty(FMA_PROPERTY);
        boolean cpu = Hotspot.fma();
        if (forced == null || forced.isBlank()) {
            return cpu;
        }
        return switch (forced.trim()) {
            case "false" -> false;
            case "true" -> {
                if (!cpu) {
                    throw new IllegalArgumentException("-D" + FMA_PROPERTY + "=true, but this JVM does not use the CPU's "
                            + "FMA (-XX:-UseFMA or no FMA unit): fma would be emulated in software");
                }
                yield true;
            }
            default -> throw new IllegalArgumentException("-D" + FMA_PROPERTY + " must be true or false, got '" + forced + "'");
        };
    }

    private static int chooseThreads() {
        String v = System.getProperty(THREADS_PROPERTY);
        int cpus = Runtime.getRuntime().availableProcessors();
        if (v == null || v.isBlank()) {
            return cpus;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + THREADS_PROPERTY + " must be a whole number >= 1, got '" + v + "'");
        }
    }

    /** Bits of the preferred vector shape of this CPU, whatever was forced. */
    public static int preferredBits() {
        return VectorShape.preferredShape().vectorBitSize();
    }

    /** Like {@code 512-bit vectors (16 floats), FMA, 2 threads}. */
    public static String describe() {
        return SPECIES.vectorBitSize() + "-bit vectors (" + LANES + " floats), "
                + (FMA ? "FMA" : Hotspot.fma() ? "FMA off (-D" + FMA_PROPERTY + "=false)" : "no FMA") + ", " + THREADS + " thread" + (THREADS == 1 ? "" : "s");
    }
}
