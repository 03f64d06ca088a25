package dev.simdnn.backend;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.kernel.scalar.ScalarKernels;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Decides which {@link Kernels} backend runs.
 *
 * <p>{@link #best()} picks, once per JVM, the usable backend of highest priority found with
 * {@link ServiceLoader} (the SIMD backend when {@code nn-simd} is on the class path and its
 * guards pass), falling back to {@link ScalarKernels}; it logs one line that says which and why.
 * The system property {@code -Dsimdnn.kernels=scalar|simd} overrides the choice; asking for a
 * backend that cannot run is an error, not a silent fallback.
 */
public final class KernelsProvider {
    /** The system property that overrides {@link #best()}. */
    public static final String PROPERTY = "simdnn.kernels";

    private static final System.Logger LOG = System.getLogger(KernelsProvider.class.getName());

    private KernelsProvider() {
    }

    /** The backend this JVM should use; decided on first call and cached. */
    public static Kernels best() {
        return Best.KERNELS;
    }

    /** Why {@link #best()} chose what it chose (the text of its log line). */
    public static String bestReason() {
        return Best.REASON;
    }

    /**
     * The backend {@link #best()} chose, with its parallel operations on {@code threads} threads
     * (the caller included; the scalar backend has one).
     *
     * @throws IllegalArgumentException if {@code threads} is out of the backend's range
     */
    public static Kernels best(int threads) {
        return byName(best().name(), threads);
    }

    /**
     * The backend called {@code name} ({@code scalar}, {@code simd}, case-insensitive), on its
     * default thread count.
     *
     * @throws IllegalArgumentException if no backend has that name
     * @throws IllegalStateException    if it exists but cannot run here; the message says why
     */
    public static Kernels byName(String name) {
        return byName(name, 0);
    }

    /**
     * The backend called {@code name} with its parallel operations on {@code threads} threads, the
     * caller included ({@code 0}: the backend's default). The thread count is a value of the
     * backend returned, not a JVM-wide setting: two backends of different counts coexist.
     *
     * @throws IllegalArgumentException if no backend has that name, or {@code threads} is negative
     *                                  or out of the backend's range
     * @throws IllegalStateException    if it exists but cannot run here; the message says why
     */
    public static Kernels byName(String name, int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 1 (or 0 for the default), got " + threads);
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("scalar")) {
            return ScalarKernels.INSTANCE;
        }
        for (KernelsBackend backend : backends()) {
            if (backend.name().equalsIgnoreCase(n)) {
                String why = backend.unavailableReason();
                if (why != null) {
                    throw new IllegalStateException("the '" + n + "' kernels cannot run here: " + why);
                }
                return threads == 0 ? backend.create() : backend.create(threads);
            }
        }
        throw new IllegalArgumentException("unknown kernels backend '" + name + "'; available here: "
                + String.join(", ", names()) + (n.equals("simd") ? " (nn-simd is not on the class path)" : ""));
    }

    /** Names of every backend found, usable or not, scalar first. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        names.add("scalar");
        for (KernelsBackend b : backends()) {
            names.add(b.name());
        }
        return names;
    }

    private static List<KernelsBackend> backends() {
        List<KernelsBackend> list = new ArrayList<>();
        for (KernelsBackend b : ServiceLoader.load(KernelsBackend.class, KernelsProvider.class.getClassLoader())) {
            list.add(b);
        }
        list.sort(Comparator.comparingInt(KernelsBackend::priority).reversed());
        return list;
    }

    /** Holder idiom: the choice is made once, lazily, thread-safely. */
    private static final class Best {
        static final Kernels KERNELS;
        static final String REASON;

        static {
            Kernels chosen = ScalarKernels.INSTANCE;
            String reason;
            String forced = System.getProperty(PROPERTY);
            if (forced != null && !forced.isBlank()) {
                chosen = byName(forced);
                reason = "simdnn kernels: " + chosen.name() + " (forced by -D" + PROPERTY + "=" + forced + ")";
            } else {
                List<String> refusals = new ArrayList<>();
                String picked = null;
                for (KernelsBackend b : backends()) {
                    String why = b.unavailableReason();
                    if (why == null) {
                        chosen = b.create();
                        picked = b.describe();
                        break;
                    }
                    refusals.add(b.name() + ": " + why);
                }
                if (picked != null) {
                    reason = "simdnn kernels: " + picked;
                } else if (refusals.isEmpty()) {
                    reason = "simdnn kernels: scalar (no SIMD backend on the class path; add nn-simd)";
                } else {
                    reason = "simdnn kernels: scalar (" + String.join("; ", refusals) + ")";
                }
            }
            KERNELS = chosen;
            REASON = reason;
            LOG.log(Level.INFO, reason);
        }
    }
}
