package dev.simdnn.metrics;

import dev.simdnn.data.Dataset;
import dev.simdnn.predict.Predictor;

/**
 * Accuracy, the confusion matrix, and precision, recall and F1 per class and macro-averaged
 * (the unweighted mean over classes, as scikit-learn's {@code average='macro'}). A class that is
 * never predicted has precision 0, one that never occurs has recall 0 (and F1 0 when both are 0).
 */
public final class ClassificationMetrics {
    private final int[][] confusion;
    private final int total;

    private ClassificationMetrics(int[][] confusion, int total) {
        this.confusion = confusion;
        this.total = total;
    }

    /** From true and predicted class indices in {@code [0, classes)}. */
    public static ClassificationMetrics of(int[] truth, int[] predicted, int classes) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException(truth.length + " true labels but " + predicted.length + " predictions");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("needs >= 2 classes, got " + classes);
        }
        int[][] c = new int[classes][classes];
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] < 0 || truth[i] >= classes || predicted[i] < 0 || predicted[i] >= classes) {
                throw new IllegalArgumentException("pair " + i + " (" + truth[i] + ", " + predicted[i]
                        + ") is outside [0, " + classes + ")");
            }
            c[truth[i]][predicted[i]]++;
        }
        return new ClassificationMetrics(c, truth.length);
    }

    /**
     * The classes {@code predictor} gives the rows of {@code data} (features as the predictor
     * expects them: raw if it has the model's scaling, scaled otherwise) against its labels;
     * {@code max(2, data.numClasses())} classes.
     *
     * @throws IllegalArgumentException if {@code data} is not a classification set
     */
    public static ClassificationMetrics of(Predictor predictor, Dataset data) {
        if (!data.isClassification()) {
            throw new IllegalArgumentException("classification metrics need a data set of class labels");
        }
        int[] truth = new int[data.size()];
        for (int r = 0; r < truth.length; r++) {
            truth[r] = data.label(r);
        }
        return of(truth, predictor.classes(data.features()), Math.max(2, data.numClasses()));
    }

    public int classes() {
        return confusion.length;
    }

    /** Counts: row = true class, column = predicted class (a copy). */
    public int[][] confusion() {
        int[][] copy = new int[confusion.length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = confusion[i].clone();
        }
        return copy;
    }

    public double accuracy() {
        int right = 0;
        for (int i = 0; i < confusion.length; i++) {
            right += confusion[i][i];
        }
        return total == 0 ? Double.NaN : (double) right / total;
    }

    /** TP / (TP + FP) of class {@code c}. */
    public double precision(int c) {
        int predicted = 0;
        for (int[] row : confusion) {
            predicted += row[c];
        }
        return predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
    }

    /** TP / (TP + FN) of class {@code c}. */
    public double recall(int c) {
        int actual = 0;
        for (int v : confusion[c]) {
            actual += v;
        }
        return actual == 0 ? 0 : (double) confusion[c][c] / actual;
    }

    /** Harmonic mean of precision and recall of class {@code c}. */
    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double macroPrecision() {
        double s = 0;
        for (int c = 0; c < classes(); c++) {
            s += precision(c);
        }
        return s / classes();
    }

    public double macroRecall() {
        double s = 0;
        for (int c = 0; c < classes(); c++) {
            s += recall(c);
        }
        return s / classes();
    }

    public double macroF1() {
        double s = 0;
        for (int c = 0; c < classes(); c++) {
            s += f1(c);
        }
        return s / classes();
    }
}
