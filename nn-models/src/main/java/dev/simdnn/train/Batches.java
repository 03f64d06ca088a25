package dev.simdnn.train;

import dev.simdnn.data.Dataset;
import dev.simdnn.layer.RowBuffer;
import dev.simdnn.tensor.Tensor;

import java.util.SplittableRandom;

/**
 * The training set as the trainer walks it, in a seeded order that each {@link #shuffle} permutes
 * further (Fisher–Yates), and batches of rows in that order. The caller's data is never reordered
 * or copied whole: a shuffled batch is gathered row by row into a buffer of its own (one copy of
 * each row per epoch, where shuffling the rows themselves in place cost three); without shuffling
 * a batch is a zero-copy view. A short last batch is dropped when asked ({@code dropLast}).
 */
final class Batches {
    private final Tensor x;
    private final Tensor y;
    private final int[] order;
    private boolean shuffled;
    private final int size;
    private final int count;
    private final RowBuffer xBuf;
    private final RowBuffer yBuf;

    Batches(Dataset train, int batchSize, boolean dropLast) {
        this.x = train.features();
        this.y = train.targets();
        int n = x.rows();
        this.order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        this.size = Math.min(batchSize, n);
        this.count = dropLast && n >= size ? n / size : (n + size - 1) / size;
        this.xBuf = new RowBuffer(x.cols());
        this.yBuf = new RowBuffer(y.cols());
    }

    /** Batches per epoch. */
    int count() {
        return count;
    }

    /** Examples per epoch: fewer than the set when the short last batch is dropped. */
    int examples() {
        return Math.min(x.rows(), count * size);
    }

    /** The features of batch {@code b} (0-based): valid until the next call. */
    Tensor features(int b) {
        return rows(x, xBuf, b);
    }

    /** The targets of batch {@code b}: valid until the next call. */
    Tensor targets(int b) {
        return rows(y, yBuf, b);
    }

    private Tensor rows(Tensor t, RowBuffer buf, int b) {
        int from = b * size;
        int to = Math.min(x.rows(), (b + 1) * size);
        if (!shuffled) {
            return t.rows(from, to);
        }
        Tensor out = buf.rows(to - from);
        int c = t.cols();
        float[] src = t.data();
        float[] dst = out.data();
        for (int r = from; r < to; r++) {
            System.arraycopy(src, t.offset() + order[r] * c, dst, out.offset() + (r - from) * c, c);
        }
        return out;
    }

    /**
     * Fisher–Yates on the order, continuing from the last epoch's: the same generator calls, and so
     * the same batches, as shuffling the rows themselves in place.
     */
    void shuffle(SplittableRandom rng) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            if (i != j) {
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        shuffled = true;
    }
}
