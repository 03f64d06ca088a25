package dev.simdnn.layer;

import dev.simdnn.tensor.Shape;
import dev.simdnn.tensor.Tensor;

/**
 * A reusable {@code [rows, cols]} buffer for a layer's outputs and gradients: it grows to the
 * largest batch seen and hands out row views of it, so a steady-state training step allocates
 * nothing (a new view object only when the batch size changes, e.g. for the last short batch).
 */
public final class RowBuffer {
    private final int cols;
    private float[] data = new float[0];
    private Tensor view;

    /** A buffer of {@code cols} columns; no memory until the first {@link #rows(int)}. */
    public RowBuffer(int cols) {
        if (cols < 1) {
            throw new IllegalArgumentException("a row buffer needs >= 1 column, got " + cols);
        }
        this.cols = cols;
    }

    /** A {@code [rows, cols]} view; contents are unspecified (stale from earlier use). */
    public Tensor rows(int rows) {
        if (view != null && view.rows() == rows) {
            return view;
        }
        long need = (long) rows * cols;
        if (need > data.length) {
            data = new float[Math.toIntExact(need)];
        }
        view = Tensor.wrap(data, 0, Shape.of(rows, cols));
        return view;
    }
}
