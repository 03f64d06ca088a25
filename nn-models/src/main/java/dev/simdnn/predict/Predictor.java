package dev.simdnn.predict;

import dev.simdnn.data.Standardizer;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.loss.Task;
import dev.simdnn.nn.Sequential;
import dev.simdnn.tensor.Tensor;

import java.util.Objects;

/**
 * The one place where a model's raw outputs become predictions: classes, probabilities or
 * regression values, by the model's {@link Task}:
 * <ul>
 *   <li>{@link Task#MULTICLASS}: the class is the largest logit (the first on ties), its
 *       probability the softmax;</li>
 *   <li>{@link Task#BINARY}: class 1 where the logit is positive, probabilities the sigmoid;</li>
 *   <li>{@link Task#REGRESSION}: the outputs themselves.</li>
 * </ul>
 * A multi-class model whose last layer is a softmax is read through {@link Sequential#logits()}, so its
 * probabilities are not squashed by a second softmax. Features are scaled first when the predictor
 * has a scaling (as a saved model does). Thread-safe:
 * it predicts through {@link Sequential#predict}, which gives each thread its own session.
 */
public final class Predictor {
    private final Sequential full;
    private final Sequential model; // full, or its logits() for a multi-class task
    private final Task task;
    private final Standardizer scaling;

    /** Predictions of {@code model} for {@code task}, on features used as they are. */
    public Predictor(Sequential model, Task task) {
        this(model, task, null);
    }

    /** Predictions of {@code model} for {@code task}, on features scaled by {@code scaling} (may be null). */
    public Predictor(Sequential model, Task task, Standardizer scaling) {
        this.task = Objects.requireNonNull(task, "task");
        this.full = Objects.requireNonNull(model, "model");
        // a final softmax layer is left out: the predictor takes the softmax of the logits itself, once
        this.model = task == Task.MULTICLASS ? Objects.requireNonNull(model, "model").logits()
                : Objects.requireNonNull(model, "model");
        if (task == Task.BINARY && model.outputFeatures() < 1 || task == Task.MULTICLASS && model.outputFeatures() < 2) {
            throw new IllegalArgumentException("a " + task.id() + " model needs " + (task == Task.BINARY ? "1" : "2")
                    + " or more outputs, this one has " + model.outputFeatures());
        }
        this.scaling = scaling;
    }

    public Task task() {
        return task;
    }

    /** The model as given (a final softmax layer included). */
    public Sequential model() {
        return full;
    }

    /**
     * The raw outputs for {@code features} {@code [rows, inputs]} (scaled first), as a new tensor:
     * for a multi-class model, the logits (before a final softmax layer, if it has one).
     */
    public Tensor outputs(Tensor features) {
        return model.predict(scaling == null ? features : scaling.transform(features));
    }

    /** The predicted class of every row; for {@link Task#BINARY} with several outputs, of the first. */
    public int[] classes(Tensor features) {
        requireClassifier();
        return classesOf(outputs(features));
    }

    /** The one rule: the largest logit ({@code argmaxRows}, NaN counting as largest), or the first logit's sign. */
    private int[] classesOf(Tensor out) {
        int[] classes = new int[out.rows()];
        if (task == Task.MULTICLASS) {
            model.kernels().blas().argmaxRows(out.rows(), out.cols(), out.data(), out.offset(), classes, 0);
        } else {
            for (int r = 0; r < out.rows(); r++) {
                classes[r] = out.get(r, 0) > 0 ? 1 : 0;
            }
        }
        return classes;
    }

    /**
     * Class probabilities {@code [rows, outputs]}: each row's softmax for {@link Task#MULTICLASS},
     * each output's sigmoid (the probability of class 1) for {@link Task#BINARY}.
     */
    public Tensor probabilities(Tensor features) {
        requireClassifier();
        Tensor out = outputs(features);
        if (task == Task.MULTICLASS) {
            model.kernels().activations().softmax(out.rows(), out.cols(), out.data(), out.offset(), out.data(), out.offset());
        } else {
            for (int i = 0; i < out.size(); i++) {
                out.setFlat(i, (float) sigmoid(out.getFlat(i)));
            }
        }
        return out;
    }

    /** One prediction per row of {@code features}. */
    public Prediction[] predict(Tensor features) {
        Tensor out = outputs(features);
        int[] classes = task.isClassification() ? classesOf(out) : null;
        Prediction[] p = new Prediction[out.rows()];
        for (int r = 0; r < p.length; r++) {
            p[r] = classes == null ? new Prediction(-1, Float.NaN, out.get(r, 0)) : of(out, r, classes[r]);
        }
        return p;
    }

    /** The prediction for one sample of {@code inputs} values. */
    public Prediction predict(float[] sample) {
        return predict(Tensor.of(sample, 1, sample.length))[0];
    }

    /** Row {@code r}'s prediction of class {@code cls}: its sigmoid, or its softmax share (the row max subtracted). */
    private Prediction of(Tensor out, int r, int cls) {
        if (task == Task.BINARY) {
            double s = sigmoid(out.get(r, 0));
            return new Prediction(cls, (float) (cls == 1 ? s : 1 - s), Float.NaN);
        }
        double sum = 0;
        for (int j = 0; j < out.cols(); j++) {
            sum += Math.exp(out.get(r, j) - out.get(r, cls));
        }
        return new Prediction(cls, (float) (1 / sum), Float.NaN);
    }

    /**
     * The rows of {@code outputs} whose prediction matches {@code targets}, for a classification
     * {@code task}: for {@link Task#MULTICLASS} the largest logit against a column of class indices;
     * for {@link Task#BINARY} every output's sign against targets ≥ 0.5. Allocation-free:
     * {@code scratch} (at least {@code outputs.rows()} ints, modified) receives the argmax. The
     * trainer and the evaluator count with this.
     *
     * @throws IllegalArgumentException for {@link Task#REGRESSION}, which has no correct class
     */
    public static int countCorrect(Kernels kernels, Task task, Tensor outputs, Tensor targets, int[] scratch) {
        int rows = outputs.rows();
        int correct = 0;
        switch (task) {
            case MULTICLASS -> {
                kernels.blas().argmaxRows(rows, outputs.cols(), outputs.data(), outputs.offset(), scratch, 0);
                for (int r = 0; r < rows; r++) {
                    correct += scratch[r] == (int) targets.getFlat(r) ? 1 : 0;
                }
            }
            case BINARY -> {
                for (int r = 0; r < rows; r++) {
                    boolean all = true;
                    for (int j = 0; j < outputs.cols(); j++) {
                        all &= (outputs.get(r, j) > 0) == (targets.get(r, j) >= 0.5f);
                    }
                    correct += all ? 1 : 0;
                }
            }
            case REGRESSION -> throw new IllegalArgumentException("a regression model has no correct class to count");
        }
        return correct;
    }

    private void requireClassifier() {
        if (!task.isClassification()) {
            throw new IllegalStateException("a regression model predicts values, not classes: use outputs or predict");
        }
    }

    private static double sigmoid(float z) {
        return 1 / (1 + Math.exp(-z));
    }
}
