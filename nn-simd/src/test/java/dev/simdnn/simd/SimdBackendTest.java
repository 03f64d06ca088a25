package dev.simdnn.simd;

import dev.simdnn.backend.KernelsProvider;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With nn-simd on the class path and the incubator module added, the SIMD backend is chosen. */
class SimdBackendTest {

    @Test
    void bestIsSimdWhenTheGuardsPass() {
        assertNull(new SimdKernelsBackend().unavailableReason());
        assertSame(SimdKernels.INSTANCE, KernelsProvider.byName("simd"));
        assertTrue(KernelsProvider.names().contains("simd"));
        if (System.getProperty(KernelsProvider.PROPERTY) == null) {
            assertSame(SimdKernels.INSTANCE, KernelsProvider.best(), KernelsProvider.bestReason());
            assertTrue(KernelsProvider.bestReason().contains("bit vectors"), KernelsProvider.bestReason());
        }
    }

    @Test
    void forcedWidthIsHonoured() {
        String forced = System.getProperty(SimdConfig.BITS_PROPERTY);
        if (forced != null) {
            assertEquals(Integer.parseInt(forced), SimdConfig.SPECIES.vectorBitSize());
        } else {
            assertEquals(SimdConfig.preferredBits(), SimdConfig.SPECIES.vectorBitSize());
        }
    }
}
