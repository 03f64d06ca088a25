package dev.simdnn.tensor;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense, contiguous, row-major float32 tensor of rank 1 to 4, backed by a {@code float[]} and an
 * offset into it.
 *
 * <p>Several tensors may share one array: {@link #rows(int, int)} and {@link #reshape(int...)}
 * return <em>views</em> (no copy), which is how a mini-batch is taken from a data set. Writing
 * through a view writes the shared array. {@link #copy()} makes an independent tensor.
 *
 * <p>Not thread-safe for writes; concurrent reads are fine.
 */
public final class Tensor {
    private final float[] data;
    private final int offset;
    private final Shape shape;

    private Tensor(float[] data, int offset, Shape shape) {
        this.data = data;
        this.offset = offset;
        this.shape = shape;
    }

    /** A new tensor of zeros. */
    public static Tensor zeros(int... dims) {
        Shape s = Shape.of(dims);
        return new Tensor(new float[s.size()], 0, s);
    }

    /** A new tensor of zeros with the given shape. */
    public static Tensor zeros(Shape shape) {
        return new Tensor(new float[shape.size()], 0, shape);
    }

    /**
     * Wraps {@code data} (not copied: the tensor and the caller share it) as a tensor of the given
     * dimensions, whose product must equal {@code data.length}.
     */
    public static Tensor of(float[] data, int... dims) {
        Objects.requireNonNull(data, "data");
        Shape s = Shape.of(dims);
        if (s.size() != data.length) {
            throw new IllegalArgumentException("shape " + s + " needs " + s.size()
                    + " elements but the array has " + data.length);
        }
        return new Tensor(data, 0, s);
    }

    /**
     * Wraps part of an array: {@code shape.size()} elements from {@code offset}.
     *
     * @throws IllegalArgumentException if that range is not inside the array
     */
    public static Tensor wrap(float[] data, int offset, Shape shape) {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(shape, "shape");
        if (offset < 0 || (long) offset + shape.size() > data.length) {
            throw new IllegalArgumentException("shape " + shape + " at offset " + offset
                    + " does not fit in an array of " + data.length + " elements");
        }
        return new Tensor(data, offset, shape);
    }

    /** A new rank-2 tensor copied from a rectangular {@code float[rows][cols]}. */
    public static Tensor ofRows(float[][] rows) {
        Objects.requireNonNull(rows, "rows");
        if (rows.length == 0) {
            throw new IllegalArgumentException("ofRows needs at least one row");
        }
        int cols = rows[0].length;
        float[] d = new float[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].length != cols) {
                throw new IllegalArgumentException("row " + r + " has " + rows[r].length
                        + " columns but row 0 has " + cols);
            }
            System.arraycopy(rows[r], 0, d, r * cols, cols);
        }
        return new Tensor(d, 0, Shape.of(rows.length, cols));
    }

    // ---- structure ----

    public Shape shape() {
        return shape;
    }

    public int rank() {
        return shape.rank();
    }

    public int dim(int axis) {
        return shape.dim(axis);
    }

    public int size() {
        return shape.size();
    }

    /** Rows (dimension 0). */
    public int rows() {
        return shape.rows();
    }

    /** Columns of a rank-2 tensor, or the elements per row for higher ranks. */
    public int cols() {
        return shape.rowSize();
    }

    /** The backing array, shared (not a copy). Elements live at {@code offset() .. offset()+size()-1}. */
    public float[] data() {
        return data;
    }

    /** Index of element 0 in {@link #data()}. */
    public int offset() {
        return offset;
    }

    // ---- element access ----

    /** Element {@code i} in row-major order, for any rank. */
    public float getFlat(int i) {
        checkFlat(i);
        return data[offset + i];
    }

    /** Sets element {@code i} in row-major order, for any rank. */
    public void setFlat(int i, float value) {
        checkFlat(i);
        data[offset + i] = value;
    }

    /** Element at the given index, one coordinate per dimension. */
    public float get(int... index) {
        return data[offset + flatIndex(index)];
    }

    /** Element {@code (r, c)} of a rank-2 tensor. */
    public float get(int r, int c) {
        return data[offset + index2(r, c)];
    }

    /** Sets element {@code (r, c)} of a rank-2 tensor. */
    public void set(int r, int c, float value) {
        data[offset + index2(r, c)] = value;
    }

    /** Sets the element at the given index, one coordinate per dimension. */
    public void set(float value, int... index) {
        data[offset + flatIndex(index)] = value;
    }

    private void checkFlat(int i) {
        if (i < 0 || i >= shape.size()) {
            throw new IndexOutOfBoundsException("flat index " + i + " outside tensor of shape " + shape);
        }
    }

    private int index2(int r, int c) {
        if (shape.rank() != 2) {
            throw new IllegalArgumentException("get(r, c) needs a rank-2 tensor, this one has shape " + shape);
        }
        if (r < 0 || r >= shape.dim(0) || c < 0 || c >= shape.dim(1)) {
            throw new IndexOutOfBoundsException("index (" + r + ", " + c + ") outside shape " + shape);
        }
        return r * shape.dim(1) + c;
    }

    private int flatIndex(int[] index) {
        if (index.length != shape.rank()) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has " + index.length
                    + " coordinates but the tensor has shape " + shape);
        }
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            int d = shape.dim(i);
            if (index[i] < 0 || index[i] >= d) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " outside shape " + shape);
            }
            flat = flat * d + index[i];
        }
        return flat;
    }

    // ---- views and copies ----

    /** A view (no copy) of rows {@code [from, to)} along dimension 0. */
    public Tensor rows(int from, int to) {
        if (from < 0 || to < from || to > shape.rows()) {
            throw new IndexOutOfBoundsException("rows [" + from + ", " + to + ") outside shape " + shape);
        }
        return new Tensor(data, offset + from * shape.rowSize(), shape.withRows(to - from));
    }

    /** A view (no copy) with new dimensions whose product equals {@link #size()}. */
    public Tensor reshape(int... dims) {
        Shape s = Shape.of(dims);
        if (s.size() != shape.size()) {
            throw new IllegalArgumentException("cannot reshape " + shape + " (" + shape.size()
                    + " elements) to " + s + " (" + s.size() + " elements)");
        }
        return new Tensor(data, offset, s);
    }

    /** An independent copy with its own array. */
    public Tensor copy() {
        return new Tensor(toArray(), 0, shape);
    }

    /** The elements in row-major order, as a new array. */
    public float[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + shape.size());
    }

    /** Row {@code r} of a rank-2 tensor, as a new array. */
    public float[] row(int r) {
        if (r < 0 || r >= shape.rows()) {
            throw new IndexOutOfBoundsException("row " + r + " outside shape " + shape);
        }
        int n = shape.rowSize();
        return Arrays.copyOfRange(data, offset + r * n, offset + (r + 1) * n);
    }

    /** Copies {@code src} into this tensor; the shapes must be equal. */
    public void copyFrom(Tensor src) {
        requireSameShape(this, src, "copyFrom");
        System.arraycopy(src.data, src.offset, data, offset, shape.size());
    }

    /** Copies {@code src} (row-major, length {@link #size()}) into this tensor. */
    public void copyFrom(float[] src) {
        if (src.length != shape.size()) {
            throw new IllegalArgumentException("tensor of shape " + shape + " has " + shape.size()
                    + " elements but the array has " + src.length);
        }
        System.arraycopy(src, 0, data, offset, src.length);
    }

    /** Sets every element to {@code value}. */
    public void fill(float value) {
        Arrays.fill(data, offset, offset + shape.size(), value);
    }

    /**
     * Index of the first element that is NaN or infinite, or -1 when all are finite. The data
     * boundary (training, prediction) calls it to reject bad input with a clear message.
     */
    public int firstNonFinite() {
        for (int i = 0; i < shape.size(); i++) {
            if (!Float.isFinite(data[offset + i])) {
                return i;
            }
        }
        return -1;
    }

    /** Throws {@link IllegalArgumentException} naming both shapes unless {@code a} and {@code b} have equal shapes. */
    public static void requireSameShape(Tensor a, Tensor b, String what) {
        if (!a.shape.equals(b.shape)) {
            throw new IllegalArgumentException(what + ": shapes differ, " + a.shape + " vs " + b.shape);
        }
    }

    @Override
    public String toString() {
        int n = Math.min(shape.size(), 8);
        StringBuilder sb = new StringBuilder("Tensor").append(shape).append(" [");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ", ").append(data[offset + i]);
        }
        return sb.append(shape.size() > n ? ", …]" : "]").toString();
    }
}
