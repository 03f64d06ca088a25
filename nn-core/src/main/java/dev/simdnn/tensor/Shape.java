package dev.simdnn.tensor;

import java.util.Arrays;

/**
 * The dimensions of a dense, row-major tensor: rank 1 to 4, every dimension &ge; 1 except that
 * the leading dimension (rows of a mini-batch) may be 0 for an empty view.
 *
 * <p>Immutable; {@link #equals} compares dimensions.
 */
public final class Shape {
    /** The largest rank a {@link Tensor} supports. */
    public static final int MAX_RANK = 4;

    private final int[] dims;
    private final int size;

    private Shape(int[] dims) {
        if (dims.length < 1 || dims.length > MAX_RANK) {
            throw new IllegalArgumentException(
                    "a tensor has rank 1 to " + MAX_RANK + ", got rank " + dims.length + " " + Arrays.toString(dims));
        }
        long n = 1;
        for (int i = 0; i < dims.length; i++) {
            int min = i == 0 ? 0 : 1;
            if (dims[i] < min) {
                throw new IllegalArgumentException("dimension " + i + " of " + Arrays.toString(dims) + " must be >= " + min);
            }
            n *= dims[i];
            if (n > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has more than 2^31 elements");
            }
        }
        this.dims = dims;
        this.size = (int) n;
    }

    /** A shape with the given dimensions (copied). */
    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    public int rank() {
        return dims.length;
    }

    /** Dimension {@code axis} (0 = rows). */
    public int dim(int axis) {
        if (axis < 0 || axis >= dims.length) {
            throw new IllegalArgumentException("axis " + axis + " is outside shape " + this);
        }
        return dims[axis];
    }

    /** The dimensions, as a fresh array. */
    public int[] dims() {
        return dims.clone();
    }

    /** Number of elements. */
    public int size() {
        return size;
    }

    /** Number of rows (dimension 0). */
    public int rows() {
        return dims[0];
    }

    /** Elements per row: the product of every dimension but the first (1 for rank 1). */
    public int rowSize() {
        return dims[0] == 0 ? product(1) : size / dims[0];
    }

    private int product(int from) {
        int p = 1;
        for (int i = from; i < dims.length; i++) {
            p *= dims[i];
        }
        return p;
    }

    /** The same shape with {@code rows} rows instead of {@link #rows()}. */
    public Shape withRows(int rows) {
        int[] d = dims.clone();
        d[0] = rows;
        return new Shape(d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** Like {@code [32, 784]}. */
    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
