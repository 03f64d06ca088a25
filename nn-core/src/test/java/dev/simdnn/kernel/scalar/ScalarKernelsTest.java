package dev.simdnn.kernel.scalar;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.kernel.contract.ActivationsContractTest;
import dev.simdnn.kernel.contract.BlasContractTest;
import dev.simdnn.kernel.contract.ConvolutionsContractTest;
import dev.simdnn.kernel.contract.LossesContractTest;
import dev.simdnn.kernel.contract.NormsContractTest;
import dev.simdnn.kernel.contract.RecurrencesContractTest;
import dev.simdnn.kernel.contract.UpdatesContractTest;
import org.junit.jupiter.api.Nested;

/** The scalar reference passes every family's conformance suite (against EJML and double references). */
class ScalarKernelsTest {

    @Nested
    class Blas extends BlasContractTest {
        @Override
        protected Kernels kernels() {
            return ScalarKernels.INSTANCE;
        }
    }

    @Nested
    class Activations extends ActivationsContractTest {
        @Override
        protected Kernels kernels() {
            return ScalarKernels.INSTANCE;
        }
    }

    @Nested
    class Losses extends LossesContractTest {
        @Override
        protected Kernels kernels() {
            return ScalarKernels.INSTANCE;
        }
    }

    @Nested
    class Updates extends UpdatesContractTest {
        @Override
        protected Kernels kernels() {
            return ScalarKernels.INSTANCE;
        }
    }

    @Nested
    class Norms extends NormsContractTest {
        @Override
        protected Kernels kernels() {
            return ScalarKernels.INSTANCE;
        }
    }

    @Nested
    class Convolutions extends ConvolutionsContractTest {
        @Override
        protected Kernels kernels() {
            return ScalarKernels.INSTANCE;
        }
    }

    @Nested
    class Recurrences extends RecurrencesContractTest {
        @Override
        protected Kernels kernels() {
            return ScalarKernels.INSTANCE;
        }
    }
}
