package dev.simdnn.bench;

import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * The benchmark model and data: the MLP 784-256-128-10 (ReLU) that the speed targets are stated
 * for, and a batch of Fashion-MNIST-shaped inputs (pixels uniform in [0, 1), labels 0..9, seeded).
 * Throughput does not depend on the pixel values, so synthetic data measures the same work.
 */
public final class MlpWorkload {
    public static final int INPUTS = 784;
    public static final int CLASSES = 10;

    private MlpWorkload() {
    }

    public static Sequential model(Kernels kernels) {
        return Mlp.builder().input(INPUTS).dense(256, Activation.RELU).dense(128, Activation.RELU).dense(CLASSES)
                .seed(1).kernels(kernels).build();
    }

    public static Tensor inputs(int rows, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[rows * INPUTS];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble();
        }
        return Tensor.of(x, rows, INPUTS);
    }

    public static Tensor labels(int rows, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] y = new float[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = rng.nextInt(CLASSES);
        }
        return Tensor.of(y, rows, 1);
    }

    /** Multiply-adds of one forward pass per sample: 784·256 + 256·128 + 128·10. */
    public static long forwardMacsPerSample() {
        return (long) INPUTS * 256 + 256L * 128 + 128L * CLASSES;
    }
}
