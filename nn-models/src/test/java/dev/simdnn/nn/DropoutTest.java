package dev.simdnn.nn;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Mode;
import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DropoutTest {
    private static final Kernels K = KernelsProvider.best();

    @Test
    void preservesTheExpectedActivation() {
        Dropout d = new Dropout(1000, 0.3f, 7);
        Tensor x = Tensor.zeros(100, 1000);
        x.fill(2f);
        Tensor y = d.forward(K, x, Mode.TRAINING);
        int zeros = 0;
        double sum = 0;
        for (int i = 0; i < y.size(); i++) {
            float v = y.getFlat(i);
            if (v == 0f) {
                zeros++;
            } else {
                assertEquals(2f / 0.7f, v, 1e-6f, "kept elements are scaled by 1/(1-p)");
            }
            sum += v;
        }
        // 100,000 Bernoulli(0.3) draws: standard deviation √(n·p·(1-p)) ≈ 145; allow 5 of them
        assertEquals(30_000, zeros, 5 * 145);
        assertEquals(2.0, sum / y.size(), 0.02, "expected activation preserved");
    }

    @Test
    void inferenceIsTheIdentityAndBackwardUsesTheSameMask() {
        Dropout d = new Dropout(8, 0.5f, 1);
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 8);
        assertSame(x, d.forward(K, x, Mode.INFERENCE));
        Tensor y = d.forward(K, x, Mode.TRAINING);
        Tensor g = d.backward(K, Tensor.of(new float[] {1, 1, 1, 1, 1, 1, 1, 1}, 1, 8), true);
        for (int i = 0; i < 8; i++) {
            assertEquals(y.getFlat(i) == 0f ? 0f : 2f, g.getFlat(i), 0f, "dL/dx = mask/(1-p)");
        }
        assertThrows(IllegalArgumentException.class, () -> new Dropout(8, 1f, 1));
    }

    @Test
    void seededMasksAndDeterministicInferenceInAModel() {
        Sequential a = Mlp.builder().input(6).dense(16, Activation.RELU).dropout(0.5f).dense(3).seed(4).build();
        Sequential b = Mlp.builder().input(6).dense(16, Activation.RELU).dropout(0.5f).dense(3).seed(4).build();
        Tensor x = Tensor.of(new float[] {1, -1, 2, 0.5f, -2, 3}, 1, 6);
        assertArrayEquals(a.forward(x, Mode.TRAINING).toArray(), b.forward(x, Mode.TRAINING).toArray(), "same seed");
        float[] first = a.predict(x.toArray());
        assertArrayEquals(first, a.predict(x.toArray()), "inference is deterministic");
        assertArrayEquals(first, a.newSession().predict(x.toArray()));
    }
}
