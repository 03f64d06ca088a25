package dev.simdnn.kernel.scalar;

/** The flush-to-zero rule of the {@link dev.simdnn.kernel.Kernels} contract, in scalar code. */
final class Subnormals {
    private Subnormals() {
    }

    /**
     * |x| below 2^-126 becomes 0, so optimizer state and loss gradients never enter the subnormal
     * range, where x86 arithmetic is about 20× slower (Java cannot set the CPU's flush-to-zero mode).
     */
    static float flush(float x) {
        return Math.abs(x) < Float.MIN_NORMAL ? 0f : x;
    }
}
