package dev.simdnn.train;

import dev.simdnn.data.Dataset;
import dev.simdnn.loss.MeanSquaredError;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Sgd;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A non-finite loss or parameter stops training with where and why, or skips the batch when asked. */
class DivergenceTest {

    private static Dataset blobs(int n) {
        SplittableRandom rng = new SplittableRandom(4);
        float[][] x = new float[n][4];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (int j = 0; j < 4; j++) {
                x[i][j] = (float) (rng.nextGaussian() + y[i]);
            }
        }
        return Dataset.classification(x, y, 3);
    }

    @Test
    void aHugeLearningRateStopsWithEpochBatchParameterAndAHint() {
        Sequential m = Mlp.builder().input(4).dense(16).dense(3).seed(1).build();
        Trainer t = Trainer.builder(m, new SoftmaxCrossEntropy(), new Sgd(m.parameters(), 1e6f)).epochs(5).batchSize(8).build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> t.fit(blobs(60)));
        assertTrue(e.getMessage().startsWith("training diverged at epoch " + e.epoch()), e.getMessage());
        assertTrue(e.getMessage().contains("learning rate 1000000.0 may be too high"), e.getMessage());
        assertTrue(e.epoch() >= 1 && e.epoch() <= 5, e.getMessage());
    }

    @Test
    void skipBatchLeavesTheWeightsOfABadBatchAloneAndCountsIt() {
        // y = x: one row of x = 1e25 makes the squared error overflow to infinity, in that batch only
        float[][] x = new float[10][1];
        float[][] y = new float[10][1];
        for (int i = 0; i < 10; i++) {
            x[i][0] = i == 7 ? 1e25f : i / 10f;
            y[i][0] = x[i][0] == 1e25f ? 0 : x[i][0];
        }
        Dataset d = Dataset.regression(x, y);
        Sequential m = Mlp.builder().input(1).dense(1).seed(3).build();
        Trainer stop = Trainer.builder(m, new MeanSquaredError(), new Sgd(m.parameters(), 0.1f)).epochs(2).batchSize(1)
                .shuffle(false).build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> stop.fit(d));
        assertEquals(1, e.epoch());
        assertEquals(8, e.batch(), "the eighth row, unshuffled");
        assertTrue(e.getMessage().contains("the loss is Infinity (every parameter is still finite)"), e.getMessage());

        Sequential m2 = Mlp.builder().input(1).dense(1).seed(3).build();
        Trainer skip = Trainer.builder(m2, new MeanSquaredError(), new Sgd(m2.parameters(), 0.1f)).epochs(3).batchSize(1)
                .shuffle(false).onNonFiniteLoss(Trainer.OnNonFiniteLoss.SKIP_BATCH).build();
        var history = skip.fit(d);
        assertEquals(3, skip.skippedBatches(), "one bad batch per epoch");
        assertEquals(3, history.size());
        assertTrue(history.stream().allMatch(s -> Float.isFinite(s.loss())), history.toString());
        m2.parameters().forEach(p -> assertEquals(-1, p.value().firstNonFinite(), p.name()));
    }

    @Test
    void nonFiniteTrainingDataIsRefusedUpFront() {
        float[][] x = {{1, 2}, {3, 0}};
        Dataset d = Dataset.classification(x, new int[] {0, 1}, 2); // refuses NaN itself
        d.features().setFlat(2, Float.NaN); // but its tensor can be written afterwards
        Sequential m = Mlp.builder().input(2).dense(2).seed(1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Trainer.builder(m, new SoftmaxCrossEntropy(), new Sgd(m.parameters(), 0.1f)).build().fit(d));
        assertEquals("training data: features row 1, column 0 is NaN; every value must be finite", e.getMessage());
    }
}
