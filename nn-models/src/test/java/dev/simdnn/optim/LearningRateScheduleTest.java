package dev.simdnn.optim;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Each schedule against rates worked out by hand. */
class LearningRateScheduleTest {

    @Test
    void stepAndExponential() {
        LearningRateSchedule s = LearningRateSchedule.step(2, 0.5f);
        float[] expected = {0.1f, 0.1f, 0.05f, 0.05f, 0.025f};
        for (int e = 1; e <= 5; e++) {
            assertEquals(expected[e - 1], s.rate(e, 0.1f, List.of()), 1e-9f, "step epoch " + e);
        }
        LearningRateSchedule x = LearningRateSchedule.exponential(0.9f);
        assertEquals(0.1f, x.rate(1, 0.1f, List.of()), 1e-9f);
        assertEquals(0.081f, x.rate(3, 0.1f, List.of()), 1e-8f); // 0.1·0.9²
    }

    @Test
    void cosineWithWarmUp() {
        LearningRateSchedule c = LearningRateSchedule.cosine(2, 6, 0f);
        assertEquals(0.05f, c.rate(1, 0.1f, List.of()), 1e-9f, "warm-up 1/2");
        assertEquals(0.1f, c.rate(2, 0.1f, List.of()), 1e-9f, "warm-up 2/2");
        assertEquals(0.1f, c.rate(3, 0.1f, List.of()), 1e-7f, "cosine starts at the top");
        // t = (4 - 1 - 2)/(6 - 1 - 2) = 1/3: 0.1·(1 + cos(π/3))/2 = 0.075
        assertEquals(0.075f, c.rate(4, 0.1f, List.of()), 1e-7f);
        assertEquals(0f, c.rate(6, 0.1f, List.of()), 1e-7f, "reaches the minimum at the last epoch");
    }

    @Test
    void reduceOnPlateau() {
        LearningRateSchedule p = LearningRateSchedule.reduceOnPlateau(0.5f, 2, 0f);
        List<Float> h = new ArrayList<>();
        float[] val = {1.0f, 0.8f, 0.9f, 0.85f, 0.7f, 0.75f, 0.76f};
        float[] expect = {0.1f, 0.1f, 0.1f, 0.1f, 0.05f, 0.05f, 0.05f, 0.025f};
        for (int e = 1; e <= 8; e++) {
            assertEquals(expect[e - 1], p.rate(e, 0.1f, h), 1e-9f, "epoch " + e);
            if (e <= val.length) {
                h.add(val[e - 1]); // the validation loss of epoch e
            }
        }
    }

    @Test
    void parseAndValidate() {
        assertEquals("step(3, 0.1)", LearningRateSchedule.parse("step:3:0.1", 10).toString());
        assertEquals("cosine(warmup 1, total 10)", LearningRateSchedule.parse("cosine:1", 10).toString());
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse("step:3", 10));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse("saw", 10));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.exponential(1.5f));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.cosine(5, 5, 0f));
    }
}
