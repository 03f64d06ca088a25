package dev.simdnn.loss;

import java.util.Locale;

/**
 * What a model's outputs mean, and so how they turn into predictions
 * ({@link dev.simdnn.predict.Predictor}) and which loss trains them by default. Saved with the
 * model as a field of its own.
 */
public enum Task {
    /** One logit per class; the class is the largest logit, probabilities are their softmax. */
    MULTICLASS("classification"),
    /**
     * One logit per binary decision (one output: a two-class classifier); class 1 where the logit
     * is positive, its probability the logit's sigmoid. Several outputs are independent labels.
     */
    BINARY("binary"),
    /** Real-valued outputs, used as they are. */
    REGRESSION("regression");

    private final String id;

    Task(String id) {
        this.id = id;
    }

    /** The name in model files and on the command line: {@code classification}, {@code binary}, {@code regression}. */
    public String id() {
        return id;
    }

    /** Whether outputs are classes (the accuracy means something). */
    public boolean isClassification() {
        return this != REGRESSION;
    }

    /** A classifier of {@code classes} classes: {@link #BINARY} with one output for two, {@link #MULTICLASS} otherwise. */
    public static Task classifier(int classes) {
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        }
        return classes == 2 ? BINARY : MULTICLASS;
    }

    /** The outputs a model of this task needs for {@code classes} classes (1 for binary and regression targets). */
    public int outputsFor(int classes) {
        return this == MULTICLASS ? classes : 1;
    }

    /** The loss a model of this task trains with unless told otherwise: softmax CE, BCE, MSE. */
    public Loss defaultLoss() {
        return switch (this) {
            case MULTICLASS -> new SoftmaxCrossEntropy();
            case BINARY -> new BinaryCrossEntropy();
            case REGRESSION -> new MeanSquaredError();
        };
    }

    /**
     * The task called {@code name} ({@link #id()}, case-insensitive).
     *
     * @throws IllegalArgumentException naming the known tasks
     */
    public static Task parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Task t : values()) {
            if (t.id.equals(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown task '" + name + "'; known: classification, binary, regression");
    }
}
