package dev.simdnn.backend;

import dev.simdnn.kernel.scalar.ScalarKernels;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** nn-core alone (no nn-simd on its test class path): the scalar backend, and clear errors otherwise. */
class KernelsProviderTest {

    @Test
    void scalarIsAlwaysThere() {
        assertSame(ScalarKernels.INSTANCE, KernelsProvider.byName("scalar"));
        assertSame(ScalarKernels.INSTANCE, KernelsProvider.byName(" SCALAR "));
        assertEquals("scalar", KernelsProvider.names().get(0));
    }

    @Test
    void withoutNnSimdBestIsScalarAndSaysWhy() {
        assertSame(ScalarKernels.INSTANCE, KernelsProvider.best());
        assertTrue(KernelsProvider.bestReason().contains("scalar"), KernelsProvider.bestReason());
    }

    @Test
    void unknownBackendsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KernelsProvider.byName("gpu"));
        assertTrue(e.getMessage().contains("gpu") && e.getMessage().contains("scalar"), e.getMessage());
        IllegalArgumentException simd = assertThrows(IllegalArgumentException.class, () -> KernelsProvider.byName("simd"));
        assertTrue(simd.getMessage().contains("nn-simd"), simd.getMessage());
    }
}
