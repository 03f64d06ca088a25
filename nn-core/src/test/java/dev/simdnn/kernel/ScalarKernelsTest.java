package dev.simdnn.kernel;

/** The scalar reference passes the backend conformance suite (against EJML and double references). */
class ScalarKernelsTest extends KernelsContractTest {
    @Override
    protected Kernels kernels() {
        return ScalarKernels.INSTANCE;
    }
}
