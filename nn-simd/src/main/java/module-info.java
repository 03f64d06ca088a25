/**
 * The Vector API backend of simdnn. It exports only its entry points ({@code SimdKernels},
 * {@code SimdConfig}); the kernels themselves are found through {@code KernelsProvider}.
 */
module dev.simdnn.simd {
    requires transitive dev.simdnn.core;
    requires transitive jdk.incubator.vector; // SimdConfig.SPECIES and Lanes expose its types
    requires jdk.management;

    exports dev.simdnn.simd;

    provides dev.simdnn.backend.KernelsBackend with dev.simdnn.simd.SimdKernelsBackend;
}
