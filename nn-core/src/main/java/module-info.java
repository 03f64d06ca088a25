/**
 * simdnn's core: tensors, the layer and parameter contracts, the kernel families and the scalar
 * reference backend, and the choice of backend (found with {@link java.util.ServiceLoader}).
 */
module dev.simdnn.core {
    exports dev.simdnn.tensor;
    exports dev.simdnn.layer;
    exports dev.simdnn.kernel;
    exports dev.simdnn.kernel.scalar;
    exports dev.simdnn.backend;

    uses dev.simdnn.backend.KernelsBackend;
}
