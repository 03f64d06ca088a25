package dev.simdnn.spark;

import java.io.Serializable;
import java.util.TreeMap;

/**
 * Per-partition sums (a gradient, a loss, rows, correct predictions) combined over a fixed binary
 * tree of partition indices, whatever order Spark merges them in: what data-parallel training
 * aggregates ({@link DataParallelTraining#aggregate}).
 *
 * <p>Why a tree of our own: Spark merges partial results ({@code treeAggregate}, {@code reduceByKey},
 * a job's results) in the order tasks finish and shuffle blocks arrive, and float addition is not associative, so a plain sum
 * would change in its last bits from run to run. Here the sum of partitions {@code [0, P)} is
 * defined as a tree: node {@code (level, i)} covers partitions {@code [i·2^level, (i+1)·2^level)}
 * and holds {@code left + right} of its two children (a node whose right half is past {@code P}
 * is its left child). A partial result keeps the nodes it has; merging two adds their nodes and
 * combines each pair of siblings as soon as both are there. Every node is thus always computed
 * from the same two values in the same order, so the root is the same float for any merge order
 * and any depth of Spark's tree — deterministic for a fixed partitioning.
 *
 * <p>The gradient of a node is summed element by element in float; the loss in double.
 *
 * <p>Partial sums shrink only when siblings meet, so the partial sums that travel should cover
 * aligned ranges of partitions: {@link DataParallelTraining} groups them by
 * {@code firstPartition() / 2^k}, and each group then leaves its executor as one node. (Spark's
 * own {@code treeAggregate} groups partitions by index modulo the group count, which puts no two
 * siblings of any fixed tree together: every partition's gradient would reach the driver.)
 */
final class GradientSum implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One partition's (or one subtree's) sums. {@code grad} null means zeros (no rows). */
    record Part(float[] grad, double loss, long rows, long correct) implements Serializable {
        Part plus(Part right) {
            float[] g;
            if (grad == null) {
                g = right.grad;
            } else if (right.grad == null) {
                g = grad;
            } else {
                g = grad; // this node's array is no longer anyone else's: sum into it
                float[] r = right.grad;
                for (int i = 0; i < g.length; i++) {
                    g[i] += r[i];
                }
            }
            return new Part(g, loss + right.loss, rows + right.rows, correct + right.correct);
        }
    }

    private final int partitions;
    private final TreeMap<Long, Part> nodes = new TreeMap<>();
    private int first = Integer.MAX_VALUE;

    /** An empty sum over {@code partitions} partitions (the zero value). */
    GradientSum(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        this.partitions = partitions;
    }

    /** Adds partition {@code index}'s sums; returns this. */
    GradientSum add(int index, Part part) {
        if (index < 0 || index >= partitions) {
            throw new IllegalArgumentException("partition " + index + " is not in [0, " + partitions + ")");
        }
        insert(0, index, part);
        first = Math.min(first, index);
        return this;
    }

    /** The lowest partition index added so far (the key that groups partial sums of one subtree). */
    int firstPartition() {
        return first;
    }

    /** Nodes held: 1 once a whole aligned subtree (or everything) is in. */
    int nodes() {
        return nodes.size();
    }

    /** Adds every node of {@code other} (over the same partitions); returns this. */
    GradientSum merge(GradientSum other) {
        if (other.partitions != partitions) {
            throw new IllegalArgumentException("sums over " + partitions + " and " + other.partitions + " partitions");
        }
        other.nodes.forEach((key, part) -> insert((int) (key >>> 32), (int) (long) key, part));
        first = Math.min(first, other.first);
        return this;
    }

    private void insert(int level, int index, Part part) {
        while (true) {
            if (index == 0 && (1L << level) >= partitions) { // the root: it covers every partition
                if (nodes.putIfAbsent(key(level, index), part) != null) {
                    throw new IllegalStateException("the sum of every partition arrived twice");
                }
                return;
            }
            int sibling = index ^ 1;
            if ((long) sibling << level >= partitions) { // the right half is past the end: promote
                level++;
                index >>= 1;
                continue;
            }
            Part other = nodes.remove(key(level, sibling));
            if (other == null) {
                if (nodes.putIfAbsent(key(level, index), part) != null) {
                    throw new IllegalStateException("partitions " + ((long) index << level) + ".. arrived twice");
                }
                return;
            }
            part = (index & 1) == 0 ? part.plus(other) : other.plus(part);
            level++;
            index >>= 1;
        }
    }

    private static long key(int level, int index) {
        return (long) level << 32 | index;
    }

    /**
     * The sum over every partition.
     *
     * @throws IllegalStateException if some partition's sums have not been added
     */
    Part total() {
        int level = 0;
        while ((1L << level) < partitions) {
            level++;
        }
        Part root = nodes.get(key(level, 0));
        if (root == null || nodes.size() != 1) {
            throw new IllegalStateException("the sums of " + partitions + " partitions are incomplete: " + nodes.keySet());
        }
        return root;
    }
}
