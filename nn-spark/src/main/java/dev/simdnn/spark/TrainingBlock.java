package dev.simdnn.spark;

import dev.simdnn.data.Standardizer;
import dev.simdnn.tensor.Shape;
import dev.simdnn.tensor.Tensor;
import org.apache.spark.sql.Row;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.SplittableRandom;

/**
 * One partition's training data, read once from its rows into flat float arrays (row-major
 * features, then targets) and cached by Spark: the training rows and, when a validation fraction
 * is asked for, the validation rows, chosen per row by a generator seeded from the seed and the
 * partition index (the same rows for the same partitioning and seed).
 */
final class TrainingBlock implements Serializable {
    private static final long serialVersionUID = 1L;

    final int partition;
    final int width;
    final int targets;
    final float[] x;
    final float[] y;
    final int rows;
    final float[] valX;
    final float[] valY;
    final int valRows;

    private TrainingBlock(int partition, int width, int targets, float[] x, float[] y, int rows, float[] valX,
                          float[] valY, int valRows) {
        this.partition = partition;
        this.width = width;
        this.targets = targets;
        this.x = x;
        this.y = y;
        this.rows = rows;
        this.valX = valX;
        this.valY = valY;
        this.valRows = valRows;
    }

    /** How a row's target is read: a class index (checked to be a whole number ≥ 0) or a value. */
    enum Labels { CLASS_INDEX, VALUE }

    /**
     * Reads partition {@code partition}'s rows: features through {@code features}, the label from
     * column {@code labelIndex} (named {@code labelName} in messages).
     *
     * @throws IllegalArgumentException naming the column and the row of a bad value
     */
    static TrainingBlock read(int partition, Iterator<Row> it, FeatureColumns features, int labelIndex,
                              String labelName, Labels labels, double validationFraction, long seed) {
        int w = features.width();
        float[] x = new float[16 * w];
        float[] y = new float[16];
        float[] vx = new float[validationFraction > 0 ? 16 * w : 0];
        float[] vy = new float[validationFraction > 0 ? 16 : 0];
        int n = 0;
        int nv = 0;
        SplittableRandom pick = new SplittableRandom(Seeds.mix(seed, 0x5A1D_0000L + partition));
        FeatureColumns.RowPlace place = new FeatureColumns.RowPlace(partition);
        while (it.hasNext()) {
            Row r = it.next();
            boolean val = validationFraction > 0 && pick.nextDouble() < validationFraction;
            float label = label(r, labelIndex, labelName, labels, place);
            if (val) {
                if ((long) (nv + 1) * w > Integer.MAX_VALUE - 8) {
                    throw tooMany(partition, w);
                }
                if ((nv + 1) * w > vx.length) {
                    vx = Arrays.copyOf(vx, Math.max(2 * vx.length, (nv + 1) * w));
                    vy = Arrays.copyOf(vy, Math.max(2 * vy.length, nv + 1));
                }
                features.read(r, vx, nv * w, place);
                vy[nv++] = label;
            } else {
                if ((long) (n + 1) * w > Integer.MAX_VALUE - 8) {
                    throw tooMany(partition, w);
                }
                if ((n + 1) * w > x.length) {
                    x = Arrays.copyOf(x, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(2L * x.length, (long) (n + 1) * w)));
                    y = Arrays.copyOf(y, Math.max(2 * y.length, n + 1));
                }
                features.read(r, x, n * w, place);
                y[n++] = label;
            }
            place.row++;
        }
        return new TrainingBlock(partition, w, 1, Arrays.copyOf(x, n * w), Arrays.copyOf(y, n), n,
                Arrays.copyOf(vx, nv * w), Arrays.copyOf(vy, nv), nv);
    }

    private static IllegalArgumentException tooMany(int partition, int w) {
        return new IllegalArgumentException("partition " + partition + " holds more rows of " + w
                + " features than one array takes (2^31 values); repartition the data into more partitions");
    }

    private static float label(Row r, int index, String name, Labels labels, FeatureColumns.RowPlace place) {
        Object o = r.get(index);
        if (o == null) {
            throw new IllegalArgumentException("column '" + name + "', " + place + ": the label is null");
        }
        double v = ((Number) o).doubleValue();
        if (!Double.isFinite(v) || !Float.isFinite((float) v)) {
            throw new IllegalArgumentException("column '" + name + "', " + place + ": the label is " + v
                    + "; labels must be finite");
        }
        if (labels == Labels.CLASS_INDEX && (v < 0 || v != Math.rint(v) || v > 1 << 24)) {
            throw new IllegalArgumentException("column '" + name + "', " + place + ": the label is " + v
                    + "; a classifier's labels are class indices 0, 1, 2, … (StringIndexer makes them)");
        }
        return (float) v;
    }

    /** This block with its features scaled as {@code scaling} scales rows (its own arithmetic, {@code (x - mean) / scale}). */
    TrainingBlock scaled(float[] mean, float[] scale) {
        Standardizer scaling = Standardizer.of(mean, scale);
        return new TrainingBlock(partition, width, targets, scale(scaling, x, rows), y, rows, scale(scaling, valX, valRows),
                valY, valRows);
    }

    private float[] scale(Standardizer scaling, float[] src, int n) {
        float[] out = new float[src.length];
        if (n > 0) {
            scaling.transformInto(Tensor.wrap(src, 0, Shape.of(n, width)), Tensor.wrap(out, 0, Shape.of(n, width)));
        }
        return out;
    }

    /** The largest label of the training and validation rows (−1 when there are none). */
    float maxLabel() {
        float m = -1;
        for (int i = 0; i < rows; i++) {
            m = Math.max(m, y[i]);
        }
        for (int i = 0; i < valRows; i++) {
            m = Math.max(m, valY[i]);
        }
        return m;
    }

    /**
     * Per feature, over the training rows: {@code [0]} the sum, {@code [1]} the minimum, {@code [2]}
     * the maximum; or, given {@code mean}, {@code [0]} the sum of squared deviations from it.
     */
    double[][] columnStats(float[] mean) {
        double[][] s = new double[3][width];
        Arrays.fill(s[1], Double.POSITIVE_INFINITY);
        Arrays.fill(s[2], Double.NEGATIVE_INFINITY);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < width; j++) {
                double v = x[r * width + j];
                if (mean == null) {
                    s[0][j] += v;
                    s[1][j] = Math.min(s[1][j], v);
                    s[2][j] = Math.max(s[2][j], v);
                } else {
                    double d = v - (double) mean[j];
                    s[0][j] += d * d;
                }
            }
        }
        return s;
    }
}
