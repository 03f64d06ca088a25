package dev.simdnn.train;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.data.Dataset;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.kernel.scalar.ScalarKernels;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Optimizer;
import dev.simdnn.optim.Sgd;
import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trainer's phases on their own: the batch plan, the early-stopping policy, the backend binding. */
class TrainerPhasesTest {

    private static Dataset rows(int n) {
        float[][] x = new float[n][2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = i;
            x[i][1] = -i;
            y[i] = i % 2;
        }
        return Dataset.classification(x, y, 2);
    }

    @Test
    void batchesCoverTheSetAndDropOnlyAShortLastOne() {
        Batches all = new Batches(rows(49), 16, false);
        assertEquals(4, all.count());
        assertEquals(49, all.examples());
        assertEquals(1, all.features(3).rows(), "the short last batch");
        Batches dropped = new Batches(rows(49), 16, true);
        assertEquals(3, dropped.count());
        assertEquals(48, dropped.examples());
        assertEquals(1, new Batches(rows(5), 16, true).count(), "a set smaller than a batch is one batch");
        Batches exact = new Batches(rows(32), 16, true);
        assertEquals(2, exact.count());
        assertEquals(32, exact.examples());
    }

    @Test
    void shufflingPermutesFeaturesAndTargetsTogetherAndLeavesTheCallersDataAlone() {
        Dataset d = rows(20);
        float[] before = d.features().toArray();
        Batches b = new Batches(d, 20, false);
        b.shuffle(new SplittableRandom(1));
        Tensor x = b.features(0);
        Tensor y = b.targets(0);
        boolean moved = false;
        for (int r = 0; r < 20; r++) {
            int original = (int) x.get(r, 0);
            assertEquals(-original, x.get(r, 1), 0f, "a row stays whole");
            assertEquals(original % 2, (int) y.get(r, 0), "its target moves with it");
            moved |= original != r;
        }
        assertTrue(moved);
        assertArrayEquals(before, d.features().toArray(), "the caller's data is not reordered");
    }

    @Test
    void earlyStoppingKeepsTheBestEpochAndStopsAfterPatience() {
        Tensor w = Tensor.of(new float[] {0f}, 1);
        EarlyStopping s = new EarlyStopping(2, 0.05f, Trainer.Monitor.VALIDATION_LOSS, List.of(w));
        float[] losses = {1.0f, 0.8f, 0.78f, 0.9f};
        boolean[] stop = new boolean[losses.length];
        for (int e = 1; e <= losses.length; e++) {
            w.setFlat(0, e); // the state of epoch e
            stop[e - 1] = s.shouldStop(e, losses[e - 1], Float.NaN);
        }
        // 0.78 is not better than 0.8 by more than 0.05; after epoch 4 two epochs passed without one
        assertArrayEquals(new boolean[] {false, false, false, true}, stop);
        assertEquals(2, s.bestEpoch());
        s.restoreBest();
        assertEquals(2f, w.getFlat(0), 0f, "epoch 2's state back");
    }

    @Test
    void earlyStoppingOnAccuracyPrefersHigherAndNothingIsRestoredWithoutAnImprovement() {
        Tensor w = Tensor.of(new float[] {7f}, 1);
        EarlyStopping acc = new EarlyStopping(1, 0f, Trainer.Monitor.VALIDATION_ACCURACY, List.of(w));
        assertFalse(acc.shouldStop(1, Float.NaN, 0.5f));
        w.setFlat(0, 8f);
        assertTrue(acc.shouldStop(2, Float.NaN, 0.4f), "accuracy fell");
        acc.restoreBest();
        assertEquals(7f, w.getFlat(0), 0f, "epoch 1's state back");
        EarlyStopping never = new EarlyStopping(2, 0f, Trainer.Monitor.VALIDATION_LOSS, List.of(w));
        assertFalse(never.shouldStop(1, Float.NaN, Float.NaN), "1 epoch without an improvement, patience 2");
        assertTrue(never.shouldStop(2, Float.NaN, Float.NaN), "a NaN loss is never an improvement");
        never.restoreBest();
        assertEquals(0, never.bestEpoch());
        assertEquals(7f, w.getFlat(0), 0f, "no improvement, nothing restored");
    }

    @Test
    void theTrainerBindsAnUnboundOptimizerToTheModelsBackendAndRefusesAnother() {
        Kernels best = KernelsProvider.best();
        Sequential m = Mlp.builder().input(2).dense(3).dense(2).seed(1).kernels(best).build();
        Optimizer opt = new Sgd(m.parameters(), 0.1f);
        Trainer t = Trainer.builder(m, new SoftmaxCrossEntropy(), opt).epochs(1).build();
        t.fit(rows(8));
        assertSame(best, opt.kernels());
        m.useKernels(ScalarKernels.INSTANCE);
        t.fit(rows(8));
        assertSame(ScalarKernels.INSTANCE, opt.kernels(), "the trainer's binding follows the model");
        if (best != ScalarKernels.INSTANCE) {
            Optimizer mine = new Sgd(m.parameters(), 0.1f).on(best); // the user's explicit choice
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Trainer.builder(m, new SoftmaxCrossEntropy(), mine).epochs(1).build().fit(rows(8)));
            assertTrue(e.getMessage().contains("the optimizer runs on the " + best.name() + " backend but the model on scalar"),
                    e.getMessage());
            assertNotEquals(ScalarKernels.INSTANCE, mine.kernels());
        }
    }
}
