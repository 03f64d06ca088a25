package dev.simdnn.optim;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Parameter;
import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GradientClippingTest {
    private static final Kernels K = KernelsProvider.best();

    private static Parameter withGrad(float... g) {
        Parameter p = new Parameter("p", Tensor.zeros(g.length));
        p.grad().copyFrom(g);
        return p;
    }

    @Test
    void globalNormScalesAllGradientsTogether() {
        // grads (3, 4) and (12): global norm 13; clipped to 6.5 they halve
        Parameter a = withGrad(3, 4);
        Parameter b = withGrad(12);
        assertEquals(13f, GradientClipping.byGlobalNorm(K, List.of(a, b), 6.5f), 1e-5f);
        assertArrayEquals(new float[] {1.5f, 2f}, a.grad().toArray(), 1e-6f);
        assertArrayEquals(new float[] {6f}, b.grad().toArray(), 1e-6f);
        // below the limit nothing changes
        assertEquals(6.5f, GradientClipping.byGlobalNorm(K, List.of(a, b), 100f), 1e-5f);
        assertArrayEquals(new float[] {1.5f, 2f}, a.grad().toArray(), 0f);
    }

    @Test
    void byValueClampsEachElement() {
        Parameter a = withGrad(-3, 0.2f, 7, -0.5f);
        GradientClipping.byValue(K, List.of(a), 0.5f);
        assertArrayEquals(new float[] {-0.5f, 0.2f, 0.5f, -0.5f}, a.grad().toArray(), 0f);
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.byValue(K, List.of(a), 0f));
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.byGlobalNorm(K, List.of(a), -1f));
    }
}
