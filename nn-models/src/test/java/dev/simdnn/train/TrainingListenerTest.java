package dev.simdnn.train;

import dev.simdnn.data.Dataset;
import dev.simdnn.kernel.Activation;
import dev.simdnn.loss.MeanSquaredError;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.LearningRateSchedule;
import dev.simdnn.optim.Sgd;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batch events, epoch events, and the three gradient-descent modes they reveal. */
class TrainingListenerTest {

    private static Dataset blobs(int rows) {
        SplittableRandom rng = new SplittableRandom(3);
        float[][] x = new float[rows][2];
        int[] y = new int[rows];
        for (int r = 0; r < rows; r++) {
            y[r] = r % 2;
            x[r][0] = (float) (2 * y[r] - 1 + 0.5 * rng.nextGaussian());
            x[r][1] = (float) rng.nextGaussian();
        }
        return Dataset.classification(x, y, 2);
    }

    private static List<BatchStats> batches(UnaryOperator<Trainer.Builder> mode, List<EpochStats> epochs) {
        Sequential model = Mlp.builder().input(2).dense(4, Activation.TANH).dense(2).seed(1).build();
        List<BatchStats> seen = new ArrayList<>();
        mode.apply(Trainer.builder(model, new SoftmaxCrossEntropy(), new Sgd(model.parameters(), 0.1f)))
                .epochs(3).schedule(LearningRateSchedule.step(1, 0.5f))
                .listener(new TrainingListener() {
                    @Override
                    public void onBatchEnd(BatchStats s) {
                        seen.add(s);
                    }

                    @Override
                    public void onEpochEnd(EpochStats s) {
                        epochs.add(s);
                    }
                }).build().fit(blobs(50));
        return seen;
    }

    @Test
    void batchEventsCarryLossAccuracyRateAndThroughput() {
        List<EpochStats> epochs = new ArrayList<>();
        List<BatchStats> b = batches(t -> t.batchSize(16), epochs);
        assertEquals(3 * 4, b.size(), "50 rows in batches of 16: 4 steps per epoch");
        for (int e = 1; e <= 3; e++) {
            double weighted = 0;
            int rows = 0;
            double correct = 0;
            for (BatchStats s : b) {
                if (s.epoch() == e) {
                    assertEquals(4, s.batches());
                    assertEquals(0.1f * (float) Math.pow(0.5, e - 1), s.learningRate(), 1e-7f, "the epoch's scheduled rate");
                    assertTrue(s.examplesPerSecond() > 0);
                    assertTrue(s.accuracy() >= 0 && s.accuracy() <= 1);
                    weighted += s.loss() * s.examples();
                    correct += s.accuracy() * s.examples();
                    rows += s.examples();
                }
            }
            assertEquals(50, rows, "the last batch is short: 16 + 16 + 16 + 2");
            EpochStats es = epochs.get(e - 1);
            assertEquals(weighted / 50, es.loss(), 1e-5, "the epoch loss is the mean of its batches' losses");
            assertEquals(correct / 50, es.accuracy(), 1e-5, "and so is its accuracy");
        }
    }

    @Test
    void fullBatchMiniBatchAndStochasticModes() {
        assertEquals(3, batches(Trainer.Builder::fullBatch, new ArrayList<>()).size(), "full batch: one step per epoch");
        assertEquals(3 * 50, batches(Trainer.Builder::stochastic, new ArrayList<>()).size(), "stochastic: one step per example");
        List<BatchStats> mini = batches(t -> t.batchSize(10), new ArrayList<>());
        assertEquals(3 * 5, mini.size(), "mini-batches of 10");
        assertTrue(mini.stream().allMatch(s -> s.examples() == 10));
    }

    @Test
    void dropLastSkipsTheShortBatchSoBatchNormNeverSeesOneRow() {
        // 49 rows in batches of 16: 16 + 16 + 16 + 1, and batch norm cannot train on one row
        Dataset data = blobs(49);
        Sequential bn = Mlp.builder().input(2).dense(4).batchNorm().activation(Activation.RELU).dense(2).seed(1).build();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Trainer.builder(bn, new SoftmaxCrossEntropy(), new Sgd(bn.parameters(), 0.1f)).epochs(1).batchSize(16)
                        .build().fit(data));
        assertTrue(e.getMessage().contains("dropLast()"), e.getMessage());
        List<EpochStats> epochs = new ArrayList<>();
        List<BatchStats> seen = new ArrayList<>();
        Trainer.builder(bn, new SoftmaxCrossEntropy(), new Sgd(bn.parameters(), 0.1f)).epochs(2).batchSize(16).dropLast()
                .listener(new TrainingListener() {
                    @Override
                    public void onBatchEnd(BatchStats s) {
                        seen.add(s);
                    }

                    @Override
                    public void onEpochEnd(EpochStats s) {
                        epochs.add(s);
                    }
                }).build().fit(data);
        assertEquals(2 * 3, seen.size(), "three full batches per epoch");
        assertTrue(seen.stream().allMatch(s -> s.examples() == 16 && s.batches() == 3));
        double mean = (seen.get(0).loss() + seen.get(1).loss() + seen.get(2).loss()) / 3;
        assertEquals(mean, epochs.get(0).loss(), 1e-5, "the epoch averages the 48 examples it trained on");
    }

    @Test
    void regressionBatchesHaveNoAccuracy() {
        Sequential model = Mlp.builder().input(1).dense(1).seed(1).build();
        List<BatchStats> seen = new ArrayList<>();
        Trainer.builder(model, new MeanSquaredError(), new Sgd(model.parameters(), 0.1f)).epochs(1).batchSize(2)
                .listener(new TrainingListener() {
                    @Override
                    public void onBatchEnd(BatchStats s) {
                        seen.add(s);
                    }
                }).build().fit(Dataset.regression(new float[][] {{1}, {2}, {3}}, new float[][] {{2}, {4}, {6}}));
        assertEquals(2, seen.size());
        assertTrue(Float.isNaN(seen.get(0).accuracy()));
    }
}
