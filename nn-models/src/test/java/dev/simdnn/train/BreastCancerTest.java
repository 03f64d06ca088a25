package dev.simdnn.train;

import dev.simdnn.data.BundledData;
import dev.simdnn.data.Dataset;
import dev.simdnn.data.Split;
import dev.simdnn.data.Standardizer;
import dev.simdnn.kernel.Activation;
import dev.simdnn.loss.BinaryCrossEntropy;
import dev.simdnn.metrics.ClassificationMetrics;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Adam;
import dev.simdnn.optim.Penalty;
import dev.simdnn.predict.Evaluation;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Binary classification on the bundled Wisconsin diagnostic breast-cancer data (569 rows, 30
 * features): train / validation / test split, stratified and seeded; standardised on the training
 * rows only; one logit with binary cross-entropy, an L2 penalty, early stopping on the validation
 * loss.
 */
class BreastCancerTest {

    @Test
    void reaches95PercentOnTheHeldOutTestSet() {
        Dataset all = BundledData.breastCancer();
        Split outer = Split.stratified(all, 0.2, 42);        // 20% test, never seen in training
        Split inner = Split.stratified(outer.train(), 0.2, 43); // 20% of the rest for validation
        Standardizer s = Standardizer.fit(inner.train().features());
        Dataset train = s.transform(inner.train());
        Dataset val = s.transform(inner.test());
        Dataset test = s.transform(outer.test());
        assertEquals(42 + 71, test.size(), "round(0.2·212) malignant + round(0.2·357) benign");

        Sequential model = Mlp.builder().input(30).dense(16, Activation.RELU).dropout(0.2f).dense(1).seed(7).build();
        Trainer t = Trainer.builder(model, new BinaryCrossEntropy(), new Adam(model.parameters(), 1e-3f))
                .epochs(300).batchSize(32).seed(7).penalty(Penalty.l2(1e-3f)).earlyStopping(20, 1e-4f).build();
        List<EpochStats> history = t.fit(train, val);
        Evaluation e = t.evaluate(test);
        System.out.printf("breast cancer: best epoch %d of %d, test accuracy %.4f, loss %.4f%n",
                t.bestEpoch(), history.size(), e.accuracy(), e.loss());
        assertTrue(e.accuracy() >= 0.95f, "test accuracy " + e.accuracy());

        // precision and recall of "malignant" (class 0) from the per-sample predictions
        int[] truth = new int[test.size()];
        int[] predicted = new int[test.size()];
        for (int r = 0; r < test.size(); r++) {
            truth[r] = test.label(r);
            predicted[r] = t.predictClass(test.features().row(r));
        }
        ClassificationMetrics m = ClassificationMetrics.of(truth, predicted, 2);
        assertEquals(e.accuracy(), m.accuracy(), 1e-6, "single-sample predictions agree with the batch evaluation");
        assertTrue(m.recall(0) >= 0.9, "malignant recall " + m.recall(0));
        assertTrue(m.precision(0) >= 0.9, "malignant precision " + m.precision(0));
    }
}
