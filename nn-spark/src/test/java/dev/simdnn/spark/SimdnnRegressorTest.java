package dev.simdnn.spark;

import dev.simdnn.data.Dataset;
import dev.simdnn.loss.Task;
import dev.simdnn.tensor.Tensor;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The regressor against a closed-form answer: a linear target learnt by a network of no hidden layer. */
class SimdnnRegressorTest {

    @Test
    void aLinearModelLearnsTheLeastSquaresPlane() {
        // y = 2·x0 − 3·x1 + 0.5·x2 + 4, no noise: least squares recovers it exactly, so the trained
        // model's predictions must approach y itself
        Random rnd = new Random(3);
        int n = 600;
        float[][] x = new float[n][3];
        float[][] y = new float[n][1];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < 3; j++) {
                x[r][j] = (float) (rnd.nextGaussian() * (j + 1) + 5 * j);
            }
            y[r][0] = 2 * x[r][0] - 3 * x[r][1] + 0.5f * x[r][2] + 4;
        }
        Dataset data = Dataset.regression(x, y);
        SimdnnModel m = new SimdnnRegressor().setLayers("").setOptimizer("sgd").setLearningRate(0.3).setEpochs(30)
                .setBatchSize(100).setSeed(1).fit(LocalSpark.frame(data, 3));
        assertEquals(Task.REGRESSION, m.task());
        List<Row> rows = m.transform(LocalSpark.frame(data, 2)).orderBy("id").collectAsList();
        double worst = 0;
        for (Row r : rows) {
            worst = Math.max(worst, Math.abs(r.getDouble(r.fieldIndex("prediction")) - y[r.getInt(0)][0]));
        }
        // |y| reaches about 30; a converged plane is within float rounding of it, 1e-3 leaves room
        assertTrue(worst < 1e-3, "largest error " + worst);
        assertEquals(List.of("id", "features", "label", "prediction"), List.of(m.transform(LocalSpark.frame(data, 1)).columns()));
        // the same rows through the library give the same values
        Tensor out = m.savedModel().predictor().outputs(data.features());
        assertEquals(out.get(0, 0), rows.get(0).getDouble(rows.get(0).fieldIndex("prediction")), 1e-6);
    }

    @Test
    void otherLossesAndTheirRefusals() {
        float[][] x = {{0}, {1}, {2}, {3}};
        float[][] y = {{0}, {1}, {2}, {30}};
        SimdnnModel m = new SimdnnRegressor().setLayers("").setLoss("mae").setEpochs(2).setBatchSize(4)
                .fit(LocalSpark.frame(Dataset.regression(x, y), 1));
        assertEquals("mae", m.savedModel().training().get("loss"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new SimdnnRegressor().setLoss("ce").fit(LocalSpark.frame(Dataset.regression(x, y), 1)));
        assertTrue(e.getMessage().contains("loss 'ce' trains a classification model, this is a regression one"),
                e.getMessage());
    }
}
