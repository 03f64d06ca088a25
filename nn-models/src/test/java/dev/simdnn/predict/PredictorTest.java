package dev.simdnn.predict;

import dev.simdnn.data.Dataset;
import dev.simdnn.data.Standardizer;
import dev.simdnn.kernel.Activation;
import dev.simdnn.loss.BinaryCrossEntropy;
import dev.simdnn.loss.MeanSquaredError;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.loss.Task;
import dev.simdnn.metrics.ClassificationMetrics;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Sgd;
import dev.simdnn.tensor.Tensor;
import dev.simdnn.train.Trainer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Predictions and evaluations worked out by hand: a linear model with chosen weights, so every
 * logit is known exactly, on whichever backend the build runs ({@code -Dsimdnn.kernels}).
 */
class PredictorTest {

    /** out = W·x + b with W = [[1, 0], [0, 1], [1, 1]], b = [0, 0, -1]: three logits from two inputs. */
    private static Sequential threeClass() {
        Sequential m = Mlp.builder().input(2).dense(3).seed(1).build();
        m.namedParameters().get("0.weight").value().copyFrom(new float[] {1, 0, 0, 1, 1, 1});
        m.namedParameters().get("0.bias").value().copyFrom(new float[] {0, 0, -1});
        return m;
    }

    /** out = x0 - x1: one logit (binary) or one value (regression). */
    private static Sequential oneOutput() {
        Sequential m = Mlp.builder().input(2).dense(1).seed(1).build();
        m.namedParameters().get("0.weight").value().copyFrom(new float[] {1, -1});
        m.namedParameters().get("0.bias").value().copyFrom(new float[] {0});
        return m;
    }

    @Test
    void multiclassTakesTheLargestLogitFirstOnTiesAndItsSoftmax() {
        Predictor p = new Predictor(threeClass(), Task.MULTICLASS);
        // logits: [2, 0, 1] -> class 0; [0, 3, 2] -> class 1; [1, 1, 1] (tie) -> class 0
        Tensor x = Tensor.ofRows(new float[][] {{2, 0}, {0, 3}, {1, 1}});
        assertArrayEquals(new int[] {0, 1, 0}, p.classes(x));
        Prediction first = p.predict(new float[] {2, 0});
        // softmax([2, 0, 1])[0] = e² / (e² + 1 + e) = 0.66524096
        assertEquals(0, first.classIndex());
        assertEquals(0.66524096, first.probability(), 1e-6);
        assertEquals(1 / 3.0, p.predict(new float[] {1, 1}).probability(), 1e-6, "a three-way tie");
        Tensor probs = p.probabilities(x);
        assertEquals(0.66524096, probs.get(0, 0), 1e-6);
        assertEquals(1.0, probs.get(1, 0) + probs.get(1, 1) + probs.get(1, 2), 1e-6);
    }

    @Test
    void binaryIsTheLogitsSignAndItsSigmoid() {
        Predictor p = new Predictor(oneOutput(), Task.BINARY);
        Tensor x = Tensor.ofRows(new float[][] {{2, 1}, {1, 2}, {1e-20f, 0}, {0, 0}});
        // logits 1, -1, 1e-20 (positive, though σ rounds to 0.5 in double), 0 (not positive)
        assertArrayEquals(new int[] {1, 0, 1, 0}, p.classes(x));
        Prediction[] all = p.predict(x);
        assertEquals(1 / (1 + Math.exp(-1)), all[0].probability(), 1e-6, "σ(1) for class 1");
        assertEquals(1 / (1 + Math.exp(-1)), all[1].probability(), 1e-6, "1 - σ(-1) for class 0");
        assertEquals(1, all[2].classIndex(), "same rule as classes()");
        assertEquals(1 / (1 + Math.exp(-1)), p.probabilities(x).get(0, 0), 1e-6);
    }

    @Test
    void regressionGivesTheOutputsAndRefusesClasses() {
        Predictor p = new Predictor(oneOutput(), Task.REGRESSION);
        Prediction v = p.predict(new float[] {3, 0.5f});
        assertEquals(2.5f, v.value(), 0f);
        assertEquals(-1, v.classIndex());
        assertThrows(IllegalStateException.class, () -> p.classes(Tensor.ofRows(new float[][] {{1, 1}})));
    }

    @Test
    void theScalingIsAppliedFirst() {
        // (x - mean) / scale with mean (1, 1), scale (2, 2): the row (5, 3) becomes (2, 1), logit 1
        Predictor p = new Predictor(oneOutput(), Task.REGRESSION, Standardizer.of(new float[] {1, 1}, new float[] {2, 2}));
        assertEquals(1f, p.predict(new float[] {5, 3}).value(), 1e-6f);
    }

    @Test
    void aMulticlassTaskNeedsTwoOutputs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Predictor(oneOutput(), Task.MULTICLASS));
        assertTrue(e.getMessage().contains("2 or more outputs"), e.getMessage());
    }

    @Test
    void countCorrectFollowsTheTask() {
        Sequential m = threeClass();
        Tensor logits = m.predict(Tensor.ofRows(new float[][] {{2, 0}, {0, 3}, {1, 1}}));
        Tensor labels = Tensor.of(new float[] {0, 2, 0}, 3, 1);
        assertEquals(2, Predictor.countCorrect(m.kernels(), Task.MULTICLASS, logits, labels, new int[3]));
        Tensor binaryOut = Tensor.of(new float[] {1, -1, 0.5f, 2}, 2, 2);
        Tensor binaryTargets = Tensor.of(new float[] {1, 0, 1, 0}, 2, 2);
        assertEquals(1, Predictor.countCorrect(m.kernels(), Task.BINARY, binaryOut, binaryTargets, new int[2]),
                "a row counts when every output is right");
        assertThrows(IllegalArgumentException.class,
                () -> Predictor.countCorrect(m.kernels(), Task.REGRESSION, binaryOut, binaryTargets, new int[2]));
    }

    @Test
    void evaluatorNeedsNoOptimizerAndAgreesWithTheTrainer() {
        Sequential m = threeClass();
        Dataset d = Dataset.classification(new float[][] {{2, 0}, {0, 3}, {1, 1}, {0, 0}}, new int[] {0, 2, 0, 2}, 3);
        Evaluation e = new Evaluator(m, new SoftmaxCrossEntropy()).evaluate(d);
        // losses: lse(z) - z_label, z = [2,0,1], [0,3,2], [1,1,1], [0,0,-1]
        double expected = (lse(2, 0, 1) - 2 + lse(0, 3, 2) - 2 + lse(1, 1, 1) - 1 + lse(0, 0, -1) + 1) / 4;
        assertEquals(expected, e.loss(), 1e-5);
        assertEquals(0.5f, e.accuracy(), 0f, "rows 0 and 2 right ({0,0,-1} predicts class 0, not 2)");
        assertEquals(4, e.examples());
        Evaluation viaTrainer = Trainer.builder(m, new SoftmaxCrossEntropy(), new Sgd(m.parameters(), 1f)).build().evaluate(d);
        assertEquals(e, viaTrainer);
        Evaluation chunked = new Evaluator(m, new SoftmaxCrossEntropy(), 1).evaluate(d);
        assertEquals(e.accuracy(), chunked.accuracy(), 0f);
        assertEquals(e.loss(), chunked.loss(), 1e-6f);
    }

    @Test
    void evaluatorForRegressionAndBinaryTasks() {
        Sequential m = oneOutput();
        Dataset reg = Dataset.regression(new float[][] {{3, 1}, {1, 1}}, new float[][] {{1}, {1}});
        Evaluation r = Evaluator.forTask(m, Task.REGRESSION).evaluate(reg); // outputs 2, 0; errors 1, -1
        assertEquals(1f, r.loss(), 1e-6f);
        assertTrue(Float.isNaN(r.accuracy()));
        assertEquals(new MeanSquaredError().toString(), Task.REGRESSION.defaultLoss().toString());
        Dataset bin = Dataset.classification(new float[][] {{3, 1}, {1, 1}}, new int[] {1, 1}, 2);
        Evaluation b = new Evaluator(m, new BinaryCrossEntropy()).evaluate(bin); // logits 2, 0
        assertEquals(0.5f, b.accuracy(), 0f);
        assertEquals((Math.log1p(Math.exp(-2)) + Math.log(2)) / 2, b.loss(), 1e-6);
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> new Evaluator(threeClass(), new SoftmaxCrossEntropy())
                        .evaluate(Dataset.classification(new float[][] {{1, 2, 3}}, new int[] {0}, 3)));
        assertTrue(wrong.getMessage().contains("3 features but the model expects 2"), wrong.getMessage());
    }

    @Test
    void classificationMetricsComeFromThePredictor() {
        // predictions 0, 1, 0, 0 (see evaluatorNeedsNoOptimizerAndAgreesWithTheTrainer) against labels 0, 2, 0, 2
        Dataset d = Dataset.classification(new float[][] {{2, 0}, {0, 3}, {1, 1}, {0, 0}}, new int[] {0, 2, 0, 2}, 3);
        ClassificationMetrics m = ClassificationMetrics.of(new Predictor(threeClass(), Task.MULTICLASS), d);
        assertEquals(0.5, m.accuracy(), 0);
        assertArrayEquals(new int[] {2, 0, 0}, m.confusion()[0]);
        assertArrayEquals(new int[] {1, 1, 0}, m.confusion()[2], "class 2 predicted as 0 once and as 1 once");
    }

    private static double lse(double... z) {
        double s = 0;
        for (double v : z) {
            s += Math.exp(v);
        }
        return Math.log(s);
    }

    @Test
    void predictionAgreesWithTrainerPredictClass() {
        Sequential m = Mlp.builder().input(2).dense(5, Activation.TANH).dense(4).seed(9).build();
        Trainer t = Trainer.builder(m, new SoftmaxCrossEntropy(), new Sgd(m.parameters(), 1f)).build();
        Predictor p = new Predictor(m, Task.MULTICLASS);
        for (int i = 0; i < 20; i++) {
            float[] x = {i * 0.37f - 3, 2 - i * 0.21f};
            assertEquals(t.predictClass(x), p.predict(x).classIndex());
        }
    }

    @Test
    void aFinalSoftmaxLayerIsNotAppliedTwice() {
        // the same weights with and without a final softmax (an imported torch model often ends in one)
        Sequential logits = Mlp.builder().input(3).dense(5, Activation.TANH).dense(4).seed(21).build();
        Sequential probs = Mlp.builder().input(3).dense(5, Activation.TANH).dense(4).softmax().seed(21).build();
        Tensor x = Tensor.of(new float[] {0.5f, -1, 2, 1, 1, 1, -3, 0, 0.25f}, 3, 3);
        Tensor p = probs.predict(x); // the softmax layer's own probabilities
        Predictor withSoftmax = new Predictor(probs, Task.MULTICLASS);
        assertArrayEquals(new Predictor(logits, Task.MULTICLASS).probabilities(x).toArray(), withSoftmax.probabilities(x).toArray(),
                "probabilities of the logits, not the softmax of probabilities");
        Prediction[] each = withSoftmax.predict(x);
        for (int r = 0; r < 3; r++) {
            assertEquals(p.get(r, each[r].classIndex()), each[r].probability(), 1e-6f, "row " + r);
        }
        assertEquals(probs, withSoftmax.model(), "the model as given");
        Dataset d = Dataset.classification(new float[][] {{0.5f, -1, 2}, {1, 1, 1}, {-3, 0, 0.25f}}, new int[] {0, 1, 3}, 4);
        assertEquals(Evaluator.forTask(logits, Task.MULTICLASS).evaluate(d).loss(),
                Evaluator.forTask(probs, Task.MULTICLASS).evaluate(d).loss(), 0f, "cross-entropy of the logits");
    }
}
