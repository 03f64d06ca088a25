package dev.simdnn.spark;

/** Seeds derived from one user seed, so that every generator of a training run is fixed by it. */
final class Seeds {
    private Seeds() {
    }

    /** A well-mixed 64-bit value of {@code seed} and {@code salt} (SplitMix64's finaliser of their sum). */
    static long mix(long seed, long salt) {
        long z = seed + salt * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** {@link #mix} of three values. */
    static long mix(long seed, long a, long b) {
        return mix(mix(seed, a), b);
    }
}
