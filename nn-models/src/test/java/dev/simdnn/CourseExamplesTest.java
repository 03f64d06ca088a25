package dev.simdnn;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.data.Dataset;
import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Mode;
import dev.simdnn.loss.BinaryCrossEntropy;
import dev.simdnn.loss.MeanSquaredError;
import dev.simdnn.nn.Add;
import dev.simdnn.nn.BinaryGradients;
import dev.simdnn.nn.Dense;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Multiply;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Adam;
import dev.simdnn.optim.Momentum;
import dev.simdnn.predict.Evaluation;
import dev.simdnn.tensor.Tensor;
import dev.simdnn.train.EpochStats;
import dev.simdnn.train.Trainer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worked examples of the course material, as tests. */
class CourseExamplesTest {
    private static final Kernels K = KernelsProvider.best();
    private static final float[][] INPUTS = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
    private static final Tensor X = Tensor.ofRows(INPUTS);

    private static Dense perceptron(float w1, float w2, float bias) {
        Dense d = new Dense(2, 1, Activation.STEP, new SplittableRandom(0));
        d.setWeights(new float[] {w1, w2});
        d.setBiases(new float[] {bias});
        return d;
    }

    private static float[] outputs(Dense... layers) {
        Sequential net = new Sequential(2, List.of(layers), K);
        return net.forward(X, Mode.INFERENCE).toArray();
    }

    // ---- 1. perceptrons and logic gates

    @Test
    void handSetPerceptronsComputeAndOrNand() {
        assertArrayEquals(new float[] {0, 0, 0, 1}, outputs(perceptron(1, 1, -1.5f)), "AND");
        assertArrayEquals(new float[] {0, 1, 1, 1}, outputs(perceptron(1, 1, -0.5f)), "OR");
        assertArrayEquals(new float[] {1, 1, 1, 0}, outputs(perceptron(-1, -1, 1.5f)), "NAND");
    }

    @Test
    void twoLayerPerceptronComputesXor() {
        // Hidden unit 0 is NAND, unit 1 is OR; the output unit ANDs them.
        Dense hidden = new Dense(2, 2, Activation.STEP, new SplittableRandom(0));
        hidden.setWeights(new float[] {-1, -1, 1, 1});
        hidden.setBiases(new float[] {1.5f, -0.5f});
        assertArrayEquals(new float[] {0, 1, 1, 0}, outputs(hidden, perceptron(1, 1, -1.5f)), "XOR");
    }

    /** Rosenblatt's rule, w ← w + η·(t - y)·x, run for {@code epochs}; returns the best count of correct answers. */
    private static int trainPerceptron(float[] targets, int epochs) {
        Dense p = perceptron(0, 0, 0);
        Sequential net = new Sequential(2, List.of(p), K);
        float eta = 0.1f;
        int best = 0;
        for (int e = 0; e < epochs; e++) {
            for (int i = 0; i < 4; i++) {
                float y = net.forward(X.rows(i, i + 1), Mode.INFERENCE).getFlat(0);
                float err = targets[i] - y;
                float[] w = p.weights();
                p.setWeights(new float[] {w[0] + eta * err * INPUTS[i][0], w[1] + eta * err * INPUTS[i][1]});
                p.setBiases(new float[] {p.biases()[0] + eta * err});
            }
            float[] out = net.forward(X, Mode.INFERENCE).toArray();
            int correct = 0;
            for (int i = 0; i < 4; i++) {
                correct += out[i] == targets[i] ? 1 : 0;
            }
            best = Math.max(best, correct);
        }
        return best;
    }

    @Test
    void singlePerceptronLearnsAndButNeverXor() {
        assertEquals(4, trainPerceptron(new float[] {0, 0, 0, 1}, 50), "the rule does learn AND");
        assertTrue(trainPerceptron(new float[] {0, 1, 1, 0}, 1000) <= 3, "XOR is not linearly separable");
    }

    @Test
    void mlp241TrainedByBackpropLearnsXor() {
        Dataset xor = Dataset.regression(INPUTS, new float[][] {{0}, {1}, {1}, {0}});
        Sequential net = Mlp.builder().input(2).dense(4, Activation.TANH).dense(1).seed(1).kernels(K).build();
        Trainer t = Trainer.builder(net, new BinaryCrossEntropy(), new Adam(net.parameters(), 0.05f))
                .epochs(400).batchSize(4).seed(1).build();
        List<EpochStats> h = t.fit(xor);
        Evaluation e = t.evaluate(xor);
        assertEquals(1f, e.accuracy(), "2-4-1 MLP gets 4/4 on XOR");
        assertTrue(h.get(h.size() - 1).loss() < 0.05f, "final loss " + h.get(h.size() - 1).loss());
    }

    // ---- 2. linear regression on the advertising data

    private static final float[][] AD_X = {{58}, {70}, {81}, {84}, {95}, {107}, {113}};
    private static final float[][] AD_Y = {{374}, {385}, {375}, {401}, {481}, {502}, {495}};

    private static float mseOfLine(float slope, float intercept) {
        Dense line = new Dense(1, 1, Activation.IDENTITY, new SplittableRandom(0));
        line.setWeights(new float[] {slope});
        line.setBiases(new float[] {intercept});
        Tensor pred = line.forward(K, Tensor.ofRows(AD_X), Mode.INFERENCE);
        return new MeanSquaredError().evaluate(K, pred, Tensor.ofRows(AD_Y));
    }

    @Test
    void mseOfTheThreeCandidateLines() {
        assertEquals(2401.0, mseOfLine(5, 10), 2401.0 * 1e-6);
        assertEquals(937.5714285714286, mseOfLine(3, 150), 937.57 * 1e-6);
        assertEquals(17648.462857142855, mseOfLine(0.1f, 300), 17648.46 * 1e-6);
    }

    @Test
    void gradientDescentReachesTheLeastSquaresLine() {
        // Full-batch gradient descent with momentum on the raw data. The MSE Hessian has eigenvalues
        // 0.084 and 15752 (x is not centred), so the step must stay below 2(1+μ)/15752 and the flat
        // direction (mostly the intercept) needs tens of thousands of steps.
        Dataset ads = Dataset.regression(AD_X, AD_Y);
        Sequential net = Mlp.builder().input(1).dense(1).seed(3).kernels(K).build();
        Trainer t = Trainer.builder(net, new MeanSquaredError(), new Momentum(net.parameters(), 1e-4f, 0.9f))
                .epochs(120_000).batchSize(7).shuffle(false).build();
        t.fit(ads);
        Dense line = (Dense) net.layers().get(0);
        assertEquals(2.74074, line.weights()[0], 2.74074 * 1e-3, "slope");
        assertEquals(192.375, line.biases()[0], 192.375 * 1e-3, "intercept");
    }

    // ---- 3. the chain rule through Add and Multiply

    @Test
    void chainRuleExample() {
        Tensor x = Tensor.of(new float[] {-2}, 1);
        Tensor y = Tensor.of(new float[] {5}, 1);
        Tensor z = Tensor.of(new float[] {-4}, 1);
        Add add = new Add();
        Multiply mul = new Multiply();
        Tensor q = add.forward(K, x, y);
        Tensor f = mul.forward(K, q, z);
        assertEquals(-12f, f.getFlat(0));
        BinaryGradients dMul = mul.backward(K, Tensor.of(new float[] {1}, 1));
        BinaryGradients dAdd = add.backward(K, dMul.first());
        assertEquals(-4f, dAdd.first().getFlat(0), "df/dx");
        assertEquals(-4f, dAdd.second().getFlat(0), "df/dy");
        assertEquals(3f, dMul.second().getFlat(0), "df/dz");
    }
}
