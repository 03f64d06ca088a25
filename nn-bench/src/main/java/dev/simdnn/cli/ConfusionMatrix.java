package dev.simdnn.cli;

import dev.simdnn.data.Dataset;
import dev.simdnn.metrics.ClassificationMetrics;
import dev.simdnn.predict.Predictor;

import java.util.List;
import java.util.Locale;

/** Counts of (true class, predicted class) of a classifier on a data set. */
record ConfusionMatrix(int[][] counts, ClassificationMetrics metrics) {

    /** The classes {@code predictor} gives {@code data}'s (already scaled) features, against its labels. */
    static ConfusionMatrix of(Predictor predictor, Dataset data) {
        ClassificationMetrics m = ClassificationMetrics.of(predictor, data);
        return new ConfusionMatrix(m.confusion(), m);
    }

    /** Classes beyond which the table is not printed (it would be unreadable, and huge). */
    static final int MAX_PRINTED_CLASSES = 30;

    /** A table: rows are true classes, columns predicted ones; a summary only for many classes. */
    String format(List<String> names) {
        int n = counts.length;
        if (n > MAX_PRINTED_CLASSES) {
            return String.format(Locale.ROOT, "confusion matrix of %d classes not printed (more than %d); "
                    + "macro precision %.4f  recall %.4f  F1 %.4f%n", n, MAX_PRINTED_CLASSES, metrics.macroPrecision(),
                    metrics.macroRecall(), metrics.macroF1());
        }
        StringBuilder b = new StringBuilder("confusion matrix (rows: true class, columns: predicted)\n");
        int w = 6;
        b.append(String.format(Locale.ROOT, "%-12s", ""));
        for (int j = 0; j < n; j++) {
            b.append(String.format(Locale.ROOT, "%" + w + "s", shortName(names, j)));
        }
        b.append('\n');
        for (int i = 0; i < n; i++) {
            b.append(String.format(Locale.ROOT, "%-12s", name(names, i)));
            for (int j = 0; j < n; j++) {
                b.append(String.format(Locale.ROOT, "%" + w + "d", counts[i][j]));
            }
            b.append('\n');
        }
        b.append(String.format(Locale.ROOT, "macro precision %.4f  recall %.4f  F1 %.4f%n", metrics.macroPrecision(),
                metrics.macroRecall(), metrics.macroF1()));
        return b.toString();
    }

    private static String name(List<String> names, int i) {
        String s = i < names.size() ? names.get(i) : Integer.toString(i);
        return s.length() > 11 ? s.substring(0, 11) : s;
    }

    private static String shortName(List<String> names, int i) {
        String s = i < names.size() ? names.get(i) : Integer.toString(i);
        return s.length() > 5 ? s.substring(0, 5) : s;
    }
}
