package dev.simdnn.train;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.data.BundledData;
import dev.simdnn.data.Dataset;
import dev.simdnn.data.Split;
import dev.simdnn.data.Standardizer;
import dev.simdnn.kernel.Activation;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Adam;
import dev.simdnn.predict.Evaluation;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An MLP on the bundled UCI digits: the README's main job, as a test. */
class DigitsTest {

    static Split digitsSplit() {
        Dataset all = BundledData.digits();
        Split raw = Split.stratified(all, 0.2, 42);
        Standardizer s = Standardizer.fit(raw.train().features());
        return new Split(s.transform(raw.train()), s.transform(raw.test()));
    }

    static Sequential train(Split split, List<EpochStats> history) {
        Sequential net = Mlp.builder().input(64).dense(128, Activation.RELU).dense(64, Activation.RELU).dense(10)
                .seed(42).kernels(KernelsProvider.best()).build();
        Trainer t = Trainer.builder(net, new SoftmaxCrossEntropy(), new Adam(net.parameters(), 1e-3f))
                .epochs(30).batchSize(32).seed(42).listener(new TrainingListener() {
                    @Override
                    public void onEpochEnd(EpochStats stats) {
                        history.add(stats);
                    }
                }).build();
        t.fit(split.train());
        return net;
    }

    @Test
    void mlpReaches96PercentOnTheHeldOutDigits() {
        Split split = digitsSplit();
        assertEquals(1797, split.train().size() + split.test().size());
        assertEquals(359, split.test().size(), "stratified 20%: round(0.2·count) per class");
        List<EpochStats> history = new java.util.ArrayList<>();
        Sequential net = train(split, history);
        Trainer eval = Trainer.builder(net, new SoftmaxCrossEntropy(), new Adam(net.parameters(), 1e-3f)).build();
        Evaluation test = eval.evaluate(split.test());
        assertTrue(test.accuracy() >= 0.96f, "digits test accuracy " + test.accuracy());
        // predict, one sample at a time, agrees with the batch evaluation
        int correct = 0;
        for (int r = 0; r < split.test().size(); r++) {
            correct += eval.predictClass(split.test().features().row(r)) == split.test().label(r) ? 1 : 0;
        }
        assertEquals(test.accuracy(), (float) correct / split.test().size(), 1e-6f);
        assertEquals(split.test().size(), eval.predict(split.test().features()).rows());
        assertEquals(30, history.size());
        assertTrue(history.get(29).loss() < history.get(0).loss() / 5, "loss falls: " + history);
    }

    @Test
    void sameSeedsGiveBitIdenticalWeights() {
        Split split = digitsSplit();
        Sequential a = train(split, new java.util.ArrayList<>());
        Sequential b = train(split, new java.util.ArrayList<>());
        for (var e : a.namedParameters().entrySet()) {
            assertArrayEquals(e.getValue().value().toArray(), b.namedParameters().get(e.getKey()).value().toArray(),
                    e.getKey());
        }
    }
}
