package dev.simdnn;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.data.Dataset;
import dev.simdnn.kernel.Activation;
import dev.simdnn.layer.Mode;
import dev.simdnn.loss.MeanSquaredError;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.nn.Dense;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Sgd;
import dev.simdnn.tensor.Tensor;
import dev.simdnn.train.Trainer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input raises a clear exception at the API boundary, naming the problem. */
class BadInputTest {
    private final Sequential net = Mlp.builder().input(4).dense(8, Activation.RELU).dense(3).seed(1).build();

    private static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should name '" + p + "'");
        }
    }

    @Test
    void mismatchedShapes() {
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> net.predict(Tensor.zeros(2, 5))), "[2, 5]", "4");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> net.predict(new float[3])), "4", "3");
        Dense d = new Dense(4, 3, Activation.RELU, new SplittableRandom(0));
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> d.forward(KernelsProvider.best(), Tensor.zeros(2, 7), Mode.TRAINING)), "[batch, 4]", "[2, 7]");
        d.forward(KernelsProvider.best(), Tensor.zeros(2, 4), Mode.TRAINING);
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> d.backward(KernelsProvider.best(), Tensor.zeros(2, 4), true)), "[2, 3]", "[2, 4]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> new MeanSquaredError().forward(KernelsProvider.best(), Tensor.zeros(2, 3), Tensor.zeros(3, 2))),
                "[2, 3]", "[3, 2]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> d.setWeights(new float[5])), "[3, 4]", "5");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> new Sequential(4, List.of(new Dense(5, 2, Activation.RELU, new SplittableRandom(0))),
                        KernelsProvider.best())), "5", "4");
        Dataset wide = Dataset.classification(new float[][] {{1, 2, 3, 4, 5}}, new int[] {0}, 3);
        Trainer t = Trainer.builder(net, new SoftmaxCrossEntropy(), new Sgd(net.parameters(), 0.1f)).build();
        assertMessage(assertThrows(IllegalArgumentException.class, () -> t.fit(wide)), "5 features", "expects 4");
    }

    @Test
    void nonPositiveLearningRate() {
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new Sgd(net.parameters(), 0f)),
                "learning rate must be > 0, got 0.0");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> new Sgd(net.parameters(), -0.1f)),
                "got -0.1");
    }

    @Test
    void emptyDataSet() {
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> new Dataset(Tensor.zeros(0, 4), Tensor.zeros(0, 1), 3, null)), "at least one example");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Dataset.classification(new float[0][], new int[0], 3)), "at least one row");
    }

    @Test
    void nanInInput() {
        float[][] rows = {{1, 2, 3, 4}, {1, Float.NaN, 3, 4}};
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Dataset.classification(rows, new int[] {0, 1}, 3)), "row 1", "column 1", "NaN");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> net.predict(new float[] {0, 0, Float.POSITIVE_INFINITY, 0})), "column 2", "Infinity");
    }

    @Test
    void labelsOutOfRange() {
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Dataset.classification(new float[][] {{1}, {2}}, new int[] {0, 3}, 3)), "row 1", "3", "[0, 3)");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> new SoftmaxCrossEntropy().forward(KernelsProvider.best(), Tensor.zeros(2, 3),
                        Tensor.of(new float[] {1, 1.5f}, 2, 1))), "row 1", "1.5");
    }

    @Test
    void trainerOptionsAreValidated() {
        var b = Trainer.builder(net, new SoftmaxCrossEntropy(), new Sgd(net.parameters(), 0.1f));
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.epochs(0)), "epochs", "0");
        assertMessage(assertThrows(IllegalArgumentException.class, () -> b.batchSize(-3)), "batch size", "-3");
    }
}
