package dev.simdnn.train;

import dev.simdnn.data.Dataset;
import dev.simdnn.kernel.Activation;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Adam;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Early stopping stops, and restores the best epoch, on a data set built to overfit. */
class EarlyStoppingTest {

    /** Labels that are pure noise: a wide network memorises the 40 training rows, validation loss rises. */
    private static Dataset noise(int rows, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] x = new float[rows][10];
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < 10; j++) {
                x[r][j] = (float) rng.nextGaussian();
            }
            y[r] = rng.nextInt(3);
        }
        return Dataset.classification(x, y, 3);
    }

    @Test
    void stopsAndRestoresTheBestEpoch() {
        Dataset train = noise(40, 1);
        Dataset val = noise(200, 2);
        Sequential model = Mlp.builder().input(10).dense(64, Activation.RELU).dense(3).seed(3).build();
        Trainer t = Trainer.builder(model, new SoftmaxCrossEntropy(), new Adam(model.parameters(), 0.01f))
                .epochs(300).batchSize(8).seed(4).earlyStopping(5, 0f).build();
        List<EpochStats> h = t.fit(train, val);
        assertTrue(h.size() < 300, "stopped early, after " + h.size() + " epochs");
        int best = t.bestEpoch();
        assertEquals(best + 5, h.size(), "stopped exactly patience epochs after the best");
        float bestLoss = h.get(best - 1).validationLoss();
        for (EpochStats s : h) {
            assertTrue(s.validationLoss() >= bestLoss, "epoch " + s.epoch() + " beat the 'best'");
        }
        assertTrue(h.get(h.size() - 1).loss() < h.get(best - 1).loss(), "training loss kept falling: overfitting");
        assertEquals(bestLoss, t.evaluate(val).loss(), 1e-6f, "the best epoch's weights are back");
    }

    @Test
    void restoresBatchNormRunningStatisticsWithTheWeights() {
        // inference through batch norm uses its running statistics: restoring the weights alone
        // would give a different validation loss from the best epoch's
        Dataset train = noise(40, 1);
        Dataset val = noise(200, 2);
        Sequential model = Mlp.builder().input(10).dense(64).batchNorm().activation(Activation.RELU).dense(3).seed(3).build();
        Trainer t = Trainer.builder(model, new SoftmaxCrossEntropy(), new Adam(model.parameters(), 0.01f))
                .epochs(300).batchSize(8).seed(4).earlyStopping(5, 0f).build();
        List<EpochStats> h = t.fit(train, val);
        assertTrue(h.size() < 300, "stopped early, after " + h.size() + " epochs");
        assertEquals(h.get(t.bestEpoch() - 1).validationLoss(), t.evaluate(val).loss(), 1e-6f,
                "the best epoch's weights and running statistics are back");
    }

    @Test
    void canMonitorValidationAccuracy() {
        Dataset train = noise(40, 1);
        Dataset val = noise(200, 2);
        Sequential model = Mlp.builder().input(10).dense(64, Activation.RELU).dense(3).seed(3).build();
        Trainer t = Trainer.builder(model, new SoftmaxCrossEntropy(), new Adam(model.parameters(), 0.01f))
                .epochs(300).batchSize(8).seed(4).earlyStopping(5, 0f, Trainer.Monitor.VALIDATION_ACCURACY).build();
        List<EpochStats> h = t.fit(train, val);
        int best = t.bestEpoch();
        assertEquals(best + 5, h.size(), "stopped patience epochs after the best accuracy");
        float bestAcc = h.get(best - 1).validationAccuracy();
        for (int i = 0; i < h.size(); i++) {
            assertTrue(h.get(i).validationAccuracy() <= bestAcc, "no epoch beat the best accuracy");
            if (i < best - 1) {
                assertTrue(h.get(i).validationAccuracy() < bestAcc, "the best is the first to reach it");
            }
        }
        assertEquals(bestAcc, t.evaluate(val).accuracy(), 1e-6f, "the best epoch's weights are back");
    }

    @Test
    void theScheduleSetsTheRateOfEachEpoch() {
        Sequential model = Mlp.builder().input(10).dense(3).seed(3).build();
        Adam adam = new Adam(model.parameters(), 0.1f);
        List<Float> seen = new java.util.ArrayList<>();
        Trainer.builder(model, new SoftmaxCrossEntropy(), adam).epochs(4).batchSize(10)
                .schedule(dev.simdnn.optim.LearningRateSchedule.step(2, 0.5f))
                .listener(new TrainingListener() {
                    @Override
                    public void onEpochEnd(EpochStats s) {
                        seen.add(s.learningRate());
                    }
                }).build().fit(noise(20, 1));
        assertEquals(List.of(0.1f, 0.1f, 0.05f, 0.05f), seen);
    }

    @Test
    void needsValidationDataAndValidOptions() {
        Sequential model = Mlp.builder().input(10).dense(3).seed(3).build();
        Trainer t = Trainer.builder(model, new SoftmaxCrossEntropy(), new Adam(model.parameters(), 0.01f))
                .earlyStopping(3, 0f).build();
        assertThrows(IllegalArgumentException.class, () -> t.fit(noise(10, 1)));
        var b = Trainer.builder(model, new SoftmaxCrossEntropy(), new Adam(model.parameters(), 0.01f));
        assertThrows(IllegalArgumentException.class, () -> b.earlyStopping(0, 0f));
        assertThrows(IllegalArgumentException.class, () -> b.earlyStopping(3, -1f));
    }
}
