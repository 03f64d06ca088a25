package dev.simdnn.nn;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.data.Dataset;
import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.loss.MeanSquaredError;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.optim.Adam;
import dev.simdnn.optim.Penalty;
import dev.simdnn.optim.Sgd;
import dev.simdnn.tensor.Tensor;
import dev.simdnn.train.Trainer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each layer beyond Dense is for, shown on data where the answer is known. */
class LayersTest {
    private static final Kernels K = KernelsProvider.best();

    private static Tensor gaussianColumns(int rows, float[] mean, float[] std, SplittableRandom rng) {
        Tensor x = Tensor.zeros(rows, mean.length);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < mean.length; c++) {
                x.set(r, c, (float) (mean[c] + std[c] * rng.nextGaussian()));
            }
        }
        return x;
    }

    @Test
    void batchNormStandardisesInTrainingAndUsesRunningStatisticsInInference() {
        float[] mean = {-4, 0, 3, 10, 0.5f};
        float[] std = {0.5f, 1, 2, 5, 0.01f};
        SplittableRandom rng = new SplittableRandom(1);
        BatchNorm bn = new BatchNorm(5);
        Tensor y = bn.forward(K, gaussianColumns(64, mean, std, rng), Mode.TRAINING);
        for (int c = 0; c < 5; c++) {
            double m = 0, v = 0;
            for (int r = 0; r < 64; r++) {
                m += y.get(r, c);
            }
            m /= 64;
            for (int r = 0; r < 64; r++) {
                v += Math.pow(y.get(r, c) - m, 2);
            }
            v /= 64;
            // float sums of 64 values err by up to 64·u·|μ|, which normalisation divides by σ
            assertEquals(0, m, 1e-6 + 64 * 6e-8 * Math.abs(mean[c]) / std[c], "feature " + c + " has mean 0 in training");
            // variance σ²/(σ² + ε): 1 up to ε/σ² (0.1 for the feature of std 0.01)
            assertEquals(1, v, 1e-4 + 2e-5 / (std[c] * std[c]), "feature " + c + " has variance 1 in training");
        }
        // running statistics converge to the population's: momentum 0.1 over 300 batches
        for (int i = 0; i < 300; i++) {
            bn.forward(K, gaussianColumns(32, mean, std, rng), Mode.TRAINING);
        }
        for (int c = 0; c < 5; c++) {
            assertEquals(mean[c], bn.runningMean().getFlat(c), 0.15 * std[c], "running mean of " + c);
            assertEquals(std[c] * std[c], bn.runningVariance().getFlat(c), 0.25 * std[c] * std[c], "running variance of " + c);
        }
        // inference: (x - running mean)/√(running var + ε)·γ + β, row by row, whatever the batch
        bn.gamma().value().copyFrom(new float[] {1, 2, -1, 0.5f, 3});
        bn.beta().value().copyFrom(new float[] {0, 1, 2, -3, 0.25f});
        Tensor x = gaussianColumns(7, mean, std, rng);
        Tensor inBatch = bn.forward(K, x, Mode.INFERENCE).copy();
        for (int r = 0; r < 7; r++) {
            Tensor alone = bn.forward(K, x.rows(r, r + 1), Mode.INFERENCE);
            for (int c = 0; c < 5; c++) {
                double expect = (x.get(r, c) - bn.runningMean().getFlat(c))
                        / Math.sqrt(bn.runningVariance().getFlat(c) + 1e-5) * bn.gamma().value().getFlat(c)
                        + bn.beta().value().getFlat(c);
                assertEquals(expect, inBatch.get(r, c), 1e-4 * (1 + Math.abs(expect)));
                assertEquals(inBatch.get(r, c), alone.get(0, c), "a row's prediction does not depend on its batch");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> bn.forward(K, x.rows(0, 1), Mode.TRAINING),
                "one row has no batch variance");
    }

    @Test
    void layerNormStandardisesEachRowEvenAlone() {
        SplittableRandom rng = new SplittableRandom(2);
        LayerNorm ln = new LayerNorm(33);
        for (int rows : new int[] {1, 5}) {
            Tensor x = Tensor.zeros(rows, 33);
            for (int i = 0; i < x.size(); i++) {
                x.setFlat(i, (float) (7 + 3 * rng.nextGaussian()));
            }
            Tensor y = ln.forward(K, x, Mode.INFERENCE);
            for (int r = 0; r < rows; r++) {
                double m = 0, v = 0;
                for (int c = 0; c < 33; c++) {
                    m += y.get(r, c);
                }
                m /= 33;
                for (int c = 0; c < 33; c++) {
                    v += Math.pow(y.get(r, c) - m, 2);
                }
                assertEquals(0, m, 1e-5);
                assertEquals(1, v / 33, 1e-4);
            }
        }
    }

    @Test
    void maxoutOfTwoPiecesLearnsAbsoluteValue() {
        float[][] x = new float[41][1];
        float[][] y = new float[41][1];
        for (int i = 0; i < 41; i++) {
            x[i][0] = -2 + i * 0.1f;
            y[i][0] = Math.abs(x[i][0]);
        }
        Sequential model = Mlp.builder().input(1).maxout(1, 2).seed(5).build();
        Trainer.builder(model, new MeanSquaredError(), new Adam(model.parameters(), 0.05f))
                .epochs(400).batchSize(41).build().fit(Dataset.regression(x, y));
        for (int i = 0; i < 41; i++) {
            assertEquals(y[i][0], model.predict(x[i])[0], 0.02, "|" + x[i][0] + "|");
        }
    }

    @Test
    void preluLearnsTheSlopeOfALeakyRelu() {
        SplittableRandom rng = new SplittableRandom(6);
        float[][] x = new float[200][3];
        float[][] y = new float[200][3];
        float[] slopes = {0.1f, -0.5f, 1f};
        for (int r = 0; r < 200; r++) {
            for (int c = 0; c < 3; c++) {
                x[r][c] = (float) rng.nextGaussian();
                y[r][c] = x[r][c] > 0 ? x[r][c] : slopes[c] * x[r][c];
            }
        }
        PRelu prelu = new PRelu(3);
        Sequential model = new Sequential(3, List.of(prelu), K);
        Trainer.builder(model, new MeanSquaredError(), new Sgd(model.parameters(), 0.5f))
                .epochs(200).batchSize(50).build().fit(Dataset.regression(x, y));
        assertArrayEquals(slopes, prelu.slope().value().toArray(), 1e-3f);
    }

    @Test
    void residualConnectionsCarryTheGradientThroughADeepStack() {
        // 30 tanh layers of width 16 with small weights: each layer scales the gradient by about
        // 0.05·√16 = 0.2, so the first layer of the plain stack sees ~0.2^30; the skip keeps it ~1
        int depth = 30, width = 16;
        double[] firstLayerNorm = new double[2];
        for (int withSkip = 0; withSkip < 2; withSkip++) {
            SplittableRandom rng = new SplittableRandom(7);
            List<Layer> layers = new ArrayList<>();
            for (int i = 0; i < depth; i++) {
                Dense d = new Dense(width, width, Activation.TANH, true, dev.simdnn.init.Initializer.normal(0, 0.05f), rng);
                layers.add(withSkip == 1 ? new Residual(width, d) : d);
            }
            Sequential net = new Sequential(width, layers, K);
            Tensor x = Tensor.zeros(8, width);
            for (int i = 0; i < x.size(); i++) {
                x.setFlat(i, (float) rng.nextGaussian());
            }
            net.forward(x, Mode.TRAINING);
            Tensor g = Tensor.zeros(8, width);
            g.fill(1f);
            net.backward(g);
            Parameter w0 = net.parameters().get(0);
            firstLayerNorm[withSkip] = Math.sqrt(K.blas().sumOfSquares(w0.size(), w0.grad().data(), w0.grad().offset()));
        }
        assertTrue(firstLayerNorm[0] < 1e-12, "plain stack: first-layer gradient vanishes, " + firstLayerNorm[0]);
        assertTrue(firstLayerNorm[1] > 1, "residual stack: first-layer gradient survives, " + firstLayerNorm[1]);
    }

    @Test
    void softmaxOutputGivesTheProbabilitiesOfTheLogits() {
        Sequential logits = Mlp.builder().input(4).dense(8, Activation.RELU).dense(3).seed(9).build();
        Sequential probs = Mlp.builder().input(4).dense(8, Activation.RELU).dense(3).softmax().seed(9).build();
        float[] sample = {0.5f, -1, 2, 0.25f};
        float[] z = logits.predict(sample);
        float[] p = probs.predict(sample);
        double sum = 0;
        double norm = Math.exp(z[0]) + Math.exp(z[1]) + Math.exp(z[2]);
        for (int j = 0; j < 3; j++) {
            assertEquals(Math.exp(z[j]) / norm, p[j], 1e-6);
            sum += p[j];
        }
        assertEquals(1, sum, 1e-6);
    }

    @Test
    void everyLayerServesConcurrentInferenceSessions() throws Exception {
        Sequential model = Mlp.builder().input(6)
                .dense(12).batchNorm().activation(Activation.RELU)
                .residual(b -> b.dense(12, Activation.TANH).layerNorm())
                .residual(b -> b.dense(9, Activation.RELU))
                .prelu().maxout(5, 3).dropout(0.2f).dense(4).softmax().seed(10).build();
        SplittableRandom rng = new SplittableRandom(11);
        Tensor x = Tensor.zeros(40, 6);
        for (int i = 0; i < x.size(); i++) {
            x.setFlat(i, (float) rng.nextGaussian());
        }
        for (int i = 0; i < 5; i++) { // move the running statistics off their start
            model.forward(x, Mode.TRAINING);
        }
        float[] expect = model.forward(x, Mode.INFERENCE).toArray();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                results.add(pool.submit(() -> {
                    float[] last = null;
                    for (int i = 0; i < 20; i++) {
                        last = model.predict(x).toArray();
                    }
                    return last;
                }));
            }
            for (Future<float[]> f : results) {
                assertArrayEquals(expect, f.get());
            }
        } finally {
            pool.shutdown();
        }
        // torch's names for Sequential(Linear, BatchNorm1d, ReLU, Res(Sequential(Linear, Tanh, LayerNorm)),
        // Res(Linear, ReLU), PReLU, Maxout, Dropout, Linear, Softmax): the Dense(tanh) inside counts two modules
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "3.body.0.weight", "3.body.0.bias",
                        "3.body.2.weight", "3.body.2.bias", "4.body.0.weight", "4.body.0.bias", "4.projection.weight",
                        "5.weight", "6.weight", "6.bias", "8.weight", "8.bias"),
                List.copyOf(model.namedParameters().keySet()));
        assertEquals(List.of("1.running_mean", "1.running_var", "1.num_batches_tracked"), List.copyOf(model.buffers().keySet()),
                "the batch norm's running mean and variance, and its batch counter");
    }

    /** y = 3·x0 - 2·x1 + 0.5·x2 + noise; the other 7 features are irrelevant. */
    private static Dataset sparseRegression() {
        SplittableRandom rng = new SplittableRandom(12);
        float[][] x = new float[200][10];
        float[][] y = new float[200][1];
        for (int r = 0; r < 200; r++) {
            for (int c = 0; c < 10; c++) {
                x[r][c] = (float) rng.nextGaussian();
            }
            y[r][0] = (float) (3 * x[r][0] - 2 * x[r][1] + 0.5 * x[r][2] + 0.3 * rng.nextGaussian());
        }
        return Dataset.regression(x, y);
    }

    private static float[] fitLinear(Penalty penalty) {
        Sequential model = Mlp.builder().input(10).dense(1).seed(13).build();
        Trainer.Builder b = Trainer.builder(model, new MeanSquaredError(), new Sgd(model.parameters(), 0.02f))
                .epochs(300).batchSize(200);
        if (penalty != null) {
            b.penalty(penalty);
        }
        b.build().fit(sparseRegression());
        return model.parameters().get(0).value().toArray();
    }

    @Test
    void l1MakesIrrelevantWeightsVanishAndL2ShrinksThemAll() {
        float[] plain = fitLinear(null);
        float[] lasso = fitLinear(Penalty.l1(0.15f));
        float[] ridge = fitLinear(Penalty.l2(0.5f));
        double plainNoise = 0, lassoNoise = 0;
        for (int c = 3; c < 10; c++) {
            plainNoise = Math.max(plainNoise, Math.abs(plain[c]));
            lassoNoise = Math.max(lassoNoise, Math.abs(lasso[c]));
        }
        assertTrue(plainNoise > 0.01, "without a penalty the noise features get weights, up to " + plainNoise);
        // full-batch subgradient steps leave |w| within about lr·l1 = 0.003 of zero
        assertTrue(lassoNoise < 0.005, "L1 drives irrelevant weights to ~0, largest " + lassoNoise);
        assertEquals(3 - 0.15, lasso[0], 0.1, "L1 keeps the strong weight (shrunk by about l1)");
        double plainNorm = 0, ridgeNorm = 0;
        for (int c = 0; c < 10; c++) {
            plainNorm += plain[c] * plain[c];
            ridgeNorm += ridge[c] * ridge[c];
        }
        // MSE = mean (ŷ - y)², gradient 2·Xᵀ(Xw - y)/n; on unit-variance, nearly uncorrelated
        // features the ridge optimum is w ≈ w_ols/(1 + l2/2)
        assertEquals(Math.sqrt(plainNorm) / 1.25, Math.sqrt(ridgeNorm), 0.04 * Math.sqrt(plainNorm),
                "L2 shrinks the weights by about 1/(1 + l2/2)");
    }

    @Test
    void labelSmoothingCapsTheConfidence() {
        SplittableRandom rng = new SplittableRandom(14);
        float[][] x = new float[90][2];
        int[] y = new int[90];
        for (int r = 0; r < 90; r++) {
            y[r] = r % 3;
            x[r][0] = (float) (5 * (y[r] - 1) + 0.3 * rng.nextGaussian());
            x[r][1] = (float) rng.nextGaussian();
        }
        Dataset data = Dataset.classification(x, y, 3);
        double[] confidence = new double[2];
        float[] eps = {0f, 0.3f};
        for (int i = 0; i < 2; i++) {
            Sequential model = Mlp.builder().input(2).dense(16, Activation.RELU).dense(3).softmax().seed(15).build();
            // train the logits (all layers but the softmax), then read probabilities through it
            Sequential logits = new Sequential(2, model.layers().subList(0, 2), K);
            Trainer.builder(logits, new SoftmaxCrossEntropy(eps[i]), new Adam(logits.parameters(), 0.02f))
                    .epochs(300).batchSize(30).build().fit(data);
            float[] p = model.predict(x[1]);
            confidence[i] = Math.max(p[0], Math.max(p[1], p[2]));
        }
        assertTrue(confidence[0] > 0.999, "plain cross-entropy drives confidence to 1: " + confidence[0]);
        // the optimum of the smoothed loss is p = q: 1 - ε + ε/3 = 0.8 for the true class
        assertEquals(0.8, confidence[1], 0.02, "smoothed targets cap the confidence at 1 - ε + ε/K");
    }

    @Test
    void badHyperparametersAreRejectedWithTheirValues() {
        assertEquals("batch norm momentum must be in (0, 1], got 1.5",
                assertThrows(IllegalArgumentException.class, () -> new BatchNorm(3, 1.5f, 1e-5f)).getMessage());
        assertEquals("batch norm epsilon must be > 0, got 0.0",
                assertThrows(IllegalArgumentException.class, () -> new BatchNorm(3, 0.1f, 0f)).getMessage());
        assertEquals("layer norm epsilon must be > 0, got -1.0",
                assertThrows(IllegalArgumentException.class, () -> new LayerNorm(3, -1f)).getMessage());
        assertEquals("label smoothing must be in [0, 1), got 1.0",
                assertThrows(IllegalArgumentException.class, () -> new SoftmaxCrossEntropy(1f)).getMessage());
        assertEquals("penalty l1 strength must be finite and >= 0, got -0.1",
                assertThrows(IllegalArgumentException.class, () -> Penalty.l1(-0.1f)).getMessage());
        assertEquals("maxout pieces must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new Maxout(3, 2, 0, new SplittableRandom(1))).getMessage());
        assertEquals("PReLU initial slope must be finite, got NaN",
                assertThrows(IllegalArgumentException.class, () -> new PRelu(3, Float.NaN)).getMessage());
        IllegalArgumentException wrongWidth = assertThrows(IllegalArgumentException.class,
                () -> new LayerNorm(4).forward(K, Tensor.zeros(2, 5), Mode.TRAINING));
        assertEquals("LayerNorm(4) expects input [batch, 4] but got [2, 5]", wrongWidth.getMessage());
        assertThrows(IllegalStateException.class, () -> new PRelu(2).backward(K, Tensor.zeros(1, 2), true),
                "backward before a training forward");
    }
}
