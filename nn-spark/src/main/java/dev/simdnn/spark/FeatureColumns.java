package dev.simdnn.spark;

import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * Where a row's features are: one {@code Vector} column ({@code featuresCol}, dense or sparse) or
 * several numeric columns ({@code inputCols}, in order). Resolved against a schema on the driver
 * ({@link #resolve}), then shipped to the tasks, which read rows with {@link #read}: every value is
 * checked, and a bad one fails the task with a message naming the column and the row.
 */
final class FeatureColumns implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String[] names;
    private final int[] indices;
    private final boolean vector;
    private final int width;

    private FeatureColumns(String[] names, int[] indices, boolean vector, int width) {
        this.names = names;
        this.indices = indices;
        this.vector = vector;
        this.width = width;
    }

    /**
     * The feature columns of {@code schema}: the numeric {@code inputCols} when given (non-empty),
     * else the vector column {@code featuresCol}; {@code width} values per row.
     *
     * @throws IllegalArgumentException naming a missing column, a column of the wrong type, or a
     *                                  count of numeric columns that is not {@code width}
     */
    static FeatureColumns resolve(StructType schema, String featuresCol, String[] inputCols, int width) {
        if (inputCols != null && inputCols.length > 0) {
            if (inputCols.length != width) {
                throw new IllegalArgumentException("inputCols names " + inputCols.length + " columns "
                        + Arrays.toString(inputCols) + " but the model takes " + width + " features");
            }
            int[] idx = new int[inputCols.length];
            for (int i = 0; i < inputCols.length; i++) {
                StructField f = field(schema, inputCols[i]);
                if (!(f.dataType() instanceof NumericType)) {
                    throw new IllegalArgumentException("input column '" + inputCols[i] + "' must be numeric, it is "
                            + f.dataType().simpleString());
                }
                idx[i] = schema.fieldIndex(inputCols[i]);
            }
            return new FeatureColumns(inputCols.clone(), idx, false, width);
        }
        StructField f = field(schema, featuresCol);
        DataType vt = SQLDataTypes.VectorType();
        if (!f.dataType().equals(vt)) {
            throw new IllegalArgumentException("features column '" + featuresCol + "' must be a Vector (" + vt.simpleString()
                    + "), it is " + f.dataType().simpleString() + "; for numeric columns set inputCols");
        }
        return new FeatureColumns(new String[] {featuresCol}, new int[] {schema.fieldIndex(featuresCol)}, true, width);
    }

    private static StructField field(StructType schema, String name) {
        if (!List.of(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("no column '" + name + "' in " + schema.simpleString());
        }
        return schema.apply(name);
    }

    /** Values per row. */
    int width() {
        return width;
    }

    /** The column names read, for messages and metadata. */
    String describe() {
        return vector ? "column '" + names[0] + "'" : "columns " + Arrays.toString(names);
    }

    /**
     * Writes the features of {@code row} to {@code dst[off .. off+width)}.
     *
     * @param dst modified
     * @param where the row's place, for the message of a bad value ("row 12 of partition 3")
     * @throws IllegalArgumentException naming the column and the row: a null, a vector of the wrong
     *                                  size, or a value that is NaN or infinite
     */
    void read(Row row, float[] dst, int off, RowPlace where) {
        if (vector) {
            Object o = row.get(indices[0]);
            if (o == null) {
                throw new IllegalArgumentException("column '" + names[0] + "', " + where + ": the features are null");
            }
            Vector v = (Vector) o;
            if (v.size() != width) {
                throw new IllegalArgumentException("column '" + names[0] + "', " + where + ": a vector of " + v.size()
                        + " values, the model takes " + width);
            }
            if (v instanceof DenseVector d) {
                double[] vals = d.values();
                for (int j = 0; j < width; j++) {
                    dst[off + j] = finite(vals[j], j, where);
                }
            } else {
                SparseVector s = (SparseVector) v;
                Arrays.fill(dst, off, off + width, 0f);
                int[] ix = s.indices();
                double[] vals = s.values();
                for (int i = 0; i < ix.length; i++) {
                    dst[off + ix[i]] = finite(vals[i], ix[i], where);
                }
            }
        } else {
            for (int j = 0; j < width; j++) {
                Object o = row.get(indices[j]);
                if (o == null) {
                    throw new IllegalArgumentException("column '" + names[j] + "', " + where + ": the value is null");
                }
                double x = ((Number) o).doubleValue();
                if (!Double.isFinite(x) || !Float.isFinite((float) x)) {
                    throw new IllegalArgumentException("column '" + names[j] + "', " + where + ": the value is " + x
                            + "; features must be finite");
                }
                dst[off + j] = (float) x;
            }
        }
    }

    private float finite(double x, int j, RowPlace where) {
        float f = (float) x;
        if (!Float.isFinite(f)) {
            throw new IllegalArgumentException("column '" + names[0] + "', " + where + ": value " + j + " is " + x
                    + (Double.isFinite(x) ? " (beyond float's range)" : "") + "; features must be finite");
        }
        return f;
    }

    /** A row's place in its partition, counted from 0, for messages; mutable, one per task. */
    static final class RowPlace {
        final int partition;
        long row;

        RowPlace(int partition) {
            this.partition = partition;
        }

        @Override
        public String toString() {
            return "row " + row + " of partition " + partition;
        }
    }
}
