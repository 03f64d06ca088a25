package dev.simdnn.simd;

/**
 * The fused multiply-add rule of the SIMD backend. {@link SimdConfig#FMA} is the one guard: where
 * it is false (a CPU without FMA, or {@code -Dsimdnn.simd.fma=false}) {@code a·b + c} is a multiply
 * and an add (two roundings) instead of one fused operation; without the guard the Vector API would
 * emulate {@code fma} in software, about 100× slower. Results then differ by rounding only, within
 * every contract tolerance (the build runs the contract suites with FMA forced off).
 *
 * <p>Vector code writes the guard at each site, {@code FMA ? a.fma(b, c) : a.mul(b).add(c)}, with
 * {@code FMA} statically imported: the constant folds and the site compiles to the single
 * instruction. A helper method taking vectors was tried and measured: the Vector API's own methods
 * are force-inlined, ours is not, so C2 left it out-of-line at lukewarm sites (a masked tail loop
 * of the batch-1 GEMM) once it had compiled it on its own, and every vector crossing the call was
 * boxed (560 bytes per batch-1 prediction). Scalar code has no such problem and uses {@link #fma}.
 */
public final class Fma {
    private Fma() {
    }

    /** {@code a·b + c} in scalar code (edge loops), fused when {@link SimdConfig#FMA}. */
    public static float fma(float a, float b, float c) {
        return SimdConfig.FMA ? Math.fma(a, b, c) : a * b + c;
    }
}
