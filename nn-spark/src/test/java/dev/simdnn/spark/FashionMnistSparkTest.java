package dev.simdnn.spark;

import dev.simdnn.data.IdxLoader;
import dev.simdnn.data.Split;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Fashion-MNIST on 2 partitions, when the Debian package is installed (skipped otherwise). */
class FashionMnistSparkTest {
    static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");

    @Test
    void twoPartitionsReach85PercentOnTheTestSet() throws Exception {
        assumeTrue(Files.isRegularFile(DIR.resolve("train-images-idx3-ubyte.gz")),
                "Fashion-MNIST is not installed (apt-get install -y dataset-fashion-mnist)");
        Split fm = IdxLoader.fashionMnist(DIR);
        long t0 = System.nanoTime();
        SimdnnModel model = new SimdnnClassifier().setLayers("128").setEpochs(3).setBatchSize(128)
                .setLearningRate(1e-3).setSeed(1).fit(Frames.of("fm-train", fm.train(), 2));
        double seconds = (System.nanoTime() - t0) / 1e9;
        double acc = SimdnnClassifierTest.accuracy(model, Frames.of("fm-test", fm.test(), 2));
        System.out.printf("Fashion-MNIST, 2 partitions, 784-128-10, 3 epochs of batch 128: test accuracy %.4f in %.1f s%n",
                acc, seconds);
        assertTrue(acc >= 0.85, "test accuracy " + acc);
    }
}
