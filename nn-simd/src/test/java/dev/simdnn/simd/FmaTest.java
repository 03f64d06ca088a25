package dev.simdnn.simd;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The FMA guard: {@code -Dsimdnn.simd.fma=false} (the build's {@code simd-no-fma} execution) turns
 * every kernel's {@code a·b + c} into a multiply and an add, and the two are told apart by a case
 * whose product needs more than 24 bits.
 */
class FmaTest {

    @Test
    void theGuardFollowsThePropertyAndTheCpu() {
        boolean forcedOff = "false".equals(System.getProperty(SimdConfig.FMA_PROPERTY));
        assertEquals(!forcedOff && Hotspot.fma(), SimdConfig.FMA);
        if (forcedOff) {
            assertTrue(SimdConfig.describe().contains("FMA off"), SimdConfig.describe());
        }
    }

    @Test
    void fusedKeepsTheLowBitsThatMultiplyThenAddRoundsAway() {
        // (1 + 2^-12)² = 1 + 2^-11 + 2^-24: rounded to float it is 1 + 2^-11 (a tie, to even);
        // minus (1 + 2^-11), fused leaves the exact 2^-24, unfused leaves 0
        float a = 1 + 0x1p-12f;
        float c = -(1 + 0x1p-11f);
        FloatVector va = FloatVector.broadcast(SimdConfig.SPECIES, a);
        FloatVector vc = FloatVector.broadcast(SimdConfig.SPECIES, c);
        float expected = SimdConfig.FMA ? 0x1p-24f : 0f;
        FloatVector fused = SimdConfig.FMA ? va.fma(va, vc) : va.mul(va).add(vc); // the kernels' guarded form
        assertEquals(expected, fused.lane(0), 0f);
        assertEquals(expected, fused.lane(SimdConfig.LANES - 1), 0f);
        assertEquals(expected, Fma.fma(a, a, c), 0f);
    }
}
