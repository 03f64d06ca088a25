package dev.simdnn.data;

import dev.simdnn.tensor.Tensor;

import java.util.List;
import java.util.Objects;

/**
 * Examples for training or evaluation: features {@code [n, f]} and targets {@code [n, t]}.
 *
 * <p>For classification ({@code numClasses >= 2}) the target is one column of class indices
 * stored as floats; for regression ({@code numClasses == 0}) it holds the values to predict.
 * Everything is validated on construction: row counts agree, every feature is finite, every label
 * is an integer in range. The tensors are shared, not copied.
 */
public record Dataset(Tensor features, Tensor targets, int numClasses, List<String> classNames) {

    public Dataset {
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(targets, "targets");
        classNames = classNames == null ? List.of() : List.copyOf(classNames);
        if (features.rank() != 2 || targets.rank() != 2) {
            throw new IllegalArgumentException("features and targets must be rank 2, got " + features.shape()
                    + " and " + targets.shape());
        }
        if (features.rows() == 0) {
            throw new IllegalArgumentException("a data set needs at least one example, got features " + features.shape());
        }
        if (features.rows() != targets.rows()) {
            throw new IllegalArgumentException("features have " + features.rows() + " rows but targets have "
                    + targets.rows() + " (shapes " + features.shape() + " and " + targets.shape() + ")");
        }
        if (numClasses < 0 || numClasses == 1) {
            throw new IllegalArgumentException("numClasses must be 0 (regression) or >= 2, got " + numClasses);
        }
        int bad = features.firstNonFinite();
        if (bad >= 0) {
            throw new IllegalArgumentException("feature at row " + bad / features.cols() + ", column "
                    + bad % features.cols() + " is " + features.getFlat(bad) + "; features must be finite");
        }
        bad = targets.firstNonFinite();
        if (bad >= 0) {
            throw new IllegalArgumentException("target at row " + bad / targets.cols() + " is "
                    + targets.getFlat(bad) + "; targets must be finite");
        }
        if (numClasses >= 2) {
            if (targets.cols() != 1) {
                throw new IllegalArgumentException("a classification data set has one label column, got targets "
                        + targets.shape());
            }
            for (int r = 0; r < targets.rows(); r++) {
                float label = targets.getFlat(r);
                if (label < 0 || label >= numClasses || label != Math.rint(label)) {
                    throw new IllegalArgumentException("label at row " + r + " is " + label
                            + " but labels must be integers in [0, " + numClasses + ")");
                }
            }
            if (!classNames.isEmpty() && classNames.size() != numClasses) {
                throw new IllegalArgumentException(numClasses + " classes but " + classNames.size() + " class names");
            }
        }
    }

    /** A classification data set from rows of features and their labels in {@code [0, numClasses)}. */
    public static Dataset classification(float[][] features, int[] labels, int numClasses) {
        float[] y = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            y[i] = labels[i];
        }
        return new Dataset(Tensor.ofRows(features), Tensor.of(y, labels.length, 1), numClasses, List.of());
    }

    /** A regression data set from rows of features and rows of targets. */
    public static Dataset regression(float[][] features, float[][] targets) {
        return new Dataset(Tensor.ofRows(features), Tensor.ofRows(targets), 0, List.of());
    }

    public int size() {
        return features.rows();
    }

    public int featureCount() {
        return features.cols();
    }

    public boolean isClassification() {
        return numClasses >= 2;
    }

    /** The label of row {@code r} (classification only). */
    public int label(int r) {
        return (int) targets.get(r, 0);
    }

    /** A new data set of the given rows, copied in that order. */
    public Dataset subset(int[] rows) {
        int f = features.cols();
        int t = targets.cols();
        float[] x = new float[rows.length * f];
        float[] y = new float[rows.length * t];
        float[] fd = features.data();
        float[] td = targets.data();
        for (int i = 0; i < rows.length; i++) {
            int r = rows[i];
            if (r < 0 || r >= size()) {
                throw new IndexOutOfBoundsException("row " + r + " outside a data set of " + size());
            }
            System.arraycopy(fd, features.offset() + r * f, x, i * f, f);
            System.arraycopy(td, targets.offset() + r * t, y, i * t, t);
        }
        return new Dataset(Tensor.of(x, rows.length, f), Tensor.of(y, rows.length, t), numClasses, classNames);
    }

    /** A copy with {@code features} replaced (same rows), e.g. after scaling. */
    public Dataset withFeatures(Tensor newFeatures) {
        return new Dataset(newFeatures, targets, numClasses, classNames);
    }

    /** Examples per class (classification only). */
    public int[] classCounts() {
        int[] counts = new int[numClasses];
        for (int r = 0; r < size(); r++) {
            counts[label(r)]++;
        }
        return counts;
    }
}
