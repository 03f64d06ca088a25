package dev.simdnn.train;

import dev.simdnn.data.Dataset;
import dev.simdnn.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * The training set as the trainer walks it: a private working copy of features and targets
 * (so the caller's data is never reordered), shuffled in place, and zero-copy row views of it, one
 * per batch. A short last batch is dropped when asked ({@code dropLast}).
 */
final class Batches {
    private final Tensor x;
    private final Tensor y;
    private final int size;
    private final int count;
    private final float[] rowX;
    private final float[] rowY;

    Batches(Dataset train, int batchSize, boolean dropLast) {
        this.x = train.features().copy();
        this.y = train.targets().copy();
        int n = x.rows();
        this.size = Math.min(batchSize, n);
        this.count = dropLast && n >= size ? n / size : (n + size - 1) / size;
        this.rowX = new float[x.cols()];
        this.rowY = new float[y.cols()];
    }

    /** Batches per epoch. */
    int count() {
        return count;
    }

    /** Examples per epoch: fewer than the set when the short last batch is dropped. */
    int examples() {
        return Math.min(x.rows(), count * size);
    }

    /** The features of batch {@code b} (0-based), a view. */
    Tensor features(int b) {
        return x.rows(b * size, end(b));
    }

    /** The targets of batch {@code b}, a view. */
    Tensor targets(int b) {
        return y.rows(b * size, end(b));
    }

    private int end(int b) {
        return Math.min(x.rows(), (b + 1) * size);
    }

    /** Fisher–Yates on rows, in place, features and targets together. */
    void shuffle(SplittableRandom rng) {
        for (int i = x.rows() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            if (i != j) {
                swapRows(x, i, j, rowX);
                swapRows(y, i, j, rowY);
            }
        }
    }

    private static void swapRows(Tensor t, int i, int j, float[] tmp) {
        int c = tmp.length;
        float[] d = t.data();
        int oi = t.offset() + i * c;
        int oj = t.offset() + j * c;
        System.arraycopy(d, oi, tmp, 0, c);
        System.arraycopy(d, oj, d, oi, c);
        System.arraycopy(tmp, 0, d, oj, c);
    }
}
