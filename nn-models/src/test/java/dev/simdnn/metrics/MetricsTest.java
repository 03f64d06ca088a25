package dev.simdnn.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MetricsTest {

    @Test
    void scikitLearnsWorkedExample() {
        // scikit-learn's precision_recall_fscore_support docs: y_true = [0,1,2,0,1,2], y_pred = [0,2,1,0,0,1]
        // macro precision 0.2222, recall 0.3333, F1 0.2667
        ClassificationMetrics m = ClassificationMetrics.of(new int[] {0, 1, 2, 0, 1, 2}, new int[] {0, 2, 1, 0, 0, 1}, 3);
        assertEquals(2.0 / 9, m.macroPrecision(), 1e-12);
        assertEquals(1.0 / 3, m.macroRecall(), 1e-12);
        assertEquals(0.8 / 3, m.macroF1(), 1e-12);
        assertEquals(2.0 / 6, m.accuracy(), 1e-12);
        assertEquals(2.0 / 3, m.precision(0), 1e-12);
        assertEquals(1.0, m.recall(0), 1e-12);
        assertEquals(0.8, m.f1(0), 1e-12);
        assertEquals(0.0, m.f1(1), 0.0, "precision and recall 0: F1 0, not NaN");
        assertArrayEquals(new int[] {2, 0, 0}, m.confusion()[0]);
        assertArrayEquals(new int[] {1, 0, 1}, m.confusion()[1]);
        assertThrows(IllegalArgumentException.class, () -> ClassificationMetrics.of(new int[] {3}, new int[] {0}, 3));
    }

    @Test
    void regressionByHand() {
        // y = (1, 2, 3), ŷ = (1, 2, 5): SE 4, AE 2, Σ(y - ȳ)² = 2: MSE 4/3, MAE 2/3, R² = 1 - 4/2 = -1
        RegressionMetrics r = RegressionMetrics.of(new float[] {1, 2, 3}, new float[] {1, 2, 5});
        assertEquals(4.0 / 3, r.mse(), 1e-12);
        assertEquals(2.0 / 3, r.mae(), 1e-12);
        assertEquals(-1.0, r.r2(), 1e-12);
        assertEquals(1.0, RegressionMetrics.of(new float[] {1, 2}, new float[] {1, 2}).r2(), 0.0);
        assertEquals(Double.NaN, RegressionMetrics.of(new float[] {1, 1}, new float[] {1, 2}).r2());
    }
}
