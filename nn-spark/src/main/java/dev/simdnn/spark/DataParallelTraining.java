package dev.simdnn.spark;

import dev.simdnn.io.SavedModel;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Parameter;
import dev.simdnn.loss.Task;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Optimizer;
import dev.simdnn.optim.OptimizerConfig;
import dev.simdnn.optim.Penalty;
import dev.simdnn.tensor.Tensor;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Synchronous data-parallel training: every step, the driver broadcasts the weights; each
 * partition computes the gradient of its share of the global mini-batch with our kernels
 * ({@link Replica#gradient}); a two-level tree aggregation ({@link #aggregate}: aligned groups of
 * partitions merged on the executors, then the groups on the driver) sums the shares over a
 * fixed tree ({@link GradientSum}); the driver divides by the step's rows and applies one optimizer step.
 * It is the optimiser of single-machine training with a batch of {@code batchSize} rows — the
 * same update rule on the same mean gradient — with one difference: a step's rows are drawn from
 * every partition in proportion to its size (each partition shuffles its own rows per epoch), not
 * from one global shuffle. Deterministic for a given data set, partitioning and seed.
 */
final class DataParallelTraining {
    /** What a run needs besides the data. */
    record Settings(int epochs, int batchSize, long seed, OptimizerConfig optimizer, float l1, float l2,
                    String loss, int patience, double minDelta, int depth, String backend, int threads, int localSteps) {
        /** Synchronous steps ({@code localSteps} 0). */
        Settings(int epochs, int batchSize, long seed, OptimizerConfig optimizer, float l1, float l2, String loss,
                 int patience, double minDelta, int depth, String backend, int threads) {
            this(epochs, batchSize, seed, optimizer, l1, l2, loss, patience, minDelta, depth, backend, threads, 0);
        }
    }

    /** The trained network (the best validation epoch's weights with early stopping) and the epochs. */
    record Result(Sequential model, List<EpochSummary> history, int bestEpoch) {
    }

    private DataParallelTraining() {
    }

    /**
     * Trains {@code model} (on the driver, its backend) over {@code blocks} (one per partition,
     * {@code partitions} of them, cached), {@code trainRows} training rows in all.
     *
     * @throws dev.simdnn.train.TrainingDivergedException-like {@link IllegalStateException} when a
     *         step's loss is not finite, naming the epoch and step
     */
    static Result run(JavaSparkContext sc, JavaRDD<TrainingBlock> blocks, int partitions, long trainRows,
                      boolean hasValidation, Sequential model, Task task, Settings s) {
        Kernels k = model.kernels();
        List<Parameter> params = model.parameters();
        Optimizer opt = s.optimizer().build(params).on(k);
        Penalty penalty = s.l1() > 0 || s.l2() > 0 ? Penalty.elasticNet(s.l1(), s.l2()) : null;
        // the replicas start from this file: the architecture (the weights are sent every step)
        byte[] initial = ModelBytes.of(new SavedModel(model, task, null, List.of(), Map.of()));
        Broadcast<byte[]> file = sc.broadcast(initial);
        String run = UUID.randomUUID().toString();
        int steps = (int) Math.max(1, (trainRows + s.batchSize() - 1) / s.batchSize());
        List<EpochSummary> history = new ArrayList<>();
        float[] best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        int bestEpoch = 0;
        try {
            for (int epoch = 1; epoch <= s.epochs(); epoch++) {
                long t0 = System.nanoTime();
                double lossSum = 0;
                long rows = 0;
                long correct = 0;
                int local = s.localSteps();
                int rounds = local > 0 ? (steps + local - 1) / local : steps;
                for (int r = 0; r < rounds; r++) {
                    GradientSum.Part sum;
                    if (local > 0) {
                        // model averaging: each partition takes `local` steps of its own, then the weights are averaged
                        int first = r * local;
                        sum = round(sc, blocks, partitions, file, run, Weights.flat(params), epoch, first,
                                Math.min(local, steps - first), steps, s);
                    } else {
                        sum = step(sc, blocks, partitions, file, run, Weights.flat(params), epoch, r, steps, s);
                    }
                    if (sum.rows() == 0) {
                        continue;
                    }
                    if (!Double.isFinite(sum.loss())) {
                        throw new IllegalStateException("training diverged in epoch " + epoch + ", "
                                + (local > 0 ? "round from step " + (r * local + 1) : "step " + (r + 1)) + ": the loss is "
                                + sum.loss() + "; lower the learning rate (" + opt.learningRate() + ") or scale the features");
                    }
                    if (local > 0) {
                        float[] avg = sum.grad();
                        float n = sum.rows();
                        for (int i = 0; i < avg.length; i++) {
                            avg[i] /= n;
                        }
                        Weights.copyInto(avg, params);
                    } else {
                        setGradients(params, sum.grad(), sum.rows());
                        if (penalty != null) {
                            penalty.apply(k, params);
                        }
                        opt.step();
                    }
                    lossSum += sum.loss();
                    rows += sum.rows();
                    correct += sum.correct();
                }
                double valLoss = Double.NaN;
                double valAcc = Double.NaN;
                if (hasValidation) {
                    GradientSum.Part v = perPartition(sc, blocks, partitions, file, run, Weights.flat(params), s,
                            (r, b, w) -> r.evaluate(b, w, true));
                    valLoss = v.loss() / v.rows();
                    valAcc = task.isClassification() ? (double) v.correct() / v.rows() : Double.NaN;
                }
                history.add(new EpochSummary(epoch, lossSum / Math.max(1, rows),
                        task.isClassification() ? (double) correct / Math.max(1, rows) : Double.NaN, valLoss, valAcc,
                        rounds, (System.nanoTime() - t0) / 1e9));
                if (s.patience() > 0) {
                    if (valLoss < bestLoss - s.minDelta()) {
                        bestLoss = valLoss;
                        bestEpoch = epoch;
                        best = Weights.flat(params);
                    } else if (epoch - bestEpoch >= s.patience()) {
                        break;
                    }
                }
            }
        } finally {
            file.destroy();
        }
        if (best != null) {
            Weights.copyInto(best, params);
        }
        return new Result(model, history, bestEpoch);
    }

    /**
     * One synchronous step's sums: {@code weights} broadcast, each partition's gradient of its
     * {@code step}-th share, summed over {@link GradientSum}'s tree by {@link #aggregate}.
     */
    static GradientSum.Part step(JavaSparkContext sc, JavaRDD<TrainingBlock> blocks, int partitions,
                                 Broadcast<byte[]> file, String run, float[] weights, int epoch, int step, int steps,
                                 Settings s) {
        long seed = s.seed();
        return perPartition(sc, blocks, partitions, file, run, weights, s,
                (r, b, w) -> r.gradient(b, w, epoch, step, steps, seed));
    }

    /** One partition's part of a round, computed by its replica from the block and the broadcast weights. */
    interface PartitionWork extends java.io.Serializable {
        GradientSum.Part apply(Replica replica, TrainingBlock block, float[] weights);
    }

    /**
     * A synchronous round: {@code weights} broadcast; on each partition a replica of run {@code run}
     * (borrowed from its JVM's pool, given back after) does {@code work}; the parts summed by
     * {@link #aggregate}; the broadcast destroyed.
     */
    private static GradientSum.Part perPartition(JavaSparkContext sc, JavaRDD<TrainingBlock> blocks, int partitions,
                                                 Broadcast<byte[]> file, String run, float[] weights, Settings s,
                                                 PartitionWork work) {
        Broadcast<float[]> w = sc.broadcast(weights);
        String lossSpec = s.loss();
        String backend = s.backend();
        int threads = s.threads();
        try {
            return aggregate(blocks.map(b -> {
                Replica r = Replica.borrow(run, file.value(), lossSpec, backend, threads);
                try {
                    return new GradientSum(partitions).add(b.partition, work.apply(r, b, w.value()));
                } finally {
                    Replica.release(run, r);
                }
            }), partitions, s.depth());
        } finally {
            w.destroy();
        }
    }

    /**
     * The total of one {@link GradientSum} per partition, aggregated as a tree of {@code depth}
     * levels: depth 1 sends every partition's sum to the driver; depth 2 first merges aligned
     * groups of {@code 2^⌈log2 √P⌉} partitions on the executors ({@code reduceByKey}), so that about
     * √P sums of one node each reach the driver. The driver merges what arrives; the bits do not
     * depend on the grouping or the order (see {@link GradientSum}).
     */
    static GradientSum.Part aggregate(JavaRDD<GradientSum> leaves, int partitions, int depth) {
        int group = Integer.highestOneBit(Math.max(1, (int) Math.ceil(Math.sqrt(partitions)) - 1)) << 1;
        List<GradientSum> partial;
        if (depth <= 1 || group >= partitions) {
            partial = leaves.collect();
        } else {
            int groups = (partitions + group - 1) / group;
            partial = leaves.mapToPair(g -> new Tuple2<>(g.firstPartition() / group, g))
                    .reduceByKey(GradientSum::merge, groups).values().collect();
        }
        GradientSum total = new GradientSum(partitions);
        for (GradientSum g : partial) {
            total.merge(g);
        }
        return total.total();
    }

    /**
     * One round of model averaging: {@code weights} broadcast; each partition takes the {@code count}
     * local steps from {@code first} (its shares of those global steps) with an optimizer of its own,
     * started afresh; the sums of each partition's final weights times the rows it read, over the
     * fixed tree — the driver divides by the rows: the row-weighted average of the partitions' weights.
     */
    static GradientSum.Part round(JavaSparkContext sc, JavaRDD<TrainingBlock> blocks, int partitions,
                                  Broadcast<byte[]> file, String run, float[] weights, int epoch, int first, int count,
                                  int steps, Settings s) {
        long seed = s.seed();
        OptimizerConfig opt = s.optimizer();
        float l1 = s.l1();
        float l2 = s.l2();
        return perPartition(sc, blocks, partitions, file, run, weights, s,
                (r, b, w) -> r.localSteps(b, w, epoch, first, count, steps, seed, opt, l1, l2));
    }

    /**
     * The mean gradient of {@code model}'s loss over every training row of {@code blocks}, computed
     * as a step with one step per epoch computes it (the full batch), in {@code model}'s parameter
     * order, flat. For tests and for checking a partitioning.
     */
    static float[] fullBatchGradient(JavaSparkContext sc, JavaRDD<TrainingBlock> blocks, int partitions,
                                     Sequential model, Task task, Settings s) {
        Broadcast<byte[]> file = sc.broadcast(ModelBytes.of(new SavedModel(model, task, null, List.of(), Map.of())));
        try {
            GradientSum.Part sum = step(sc, blocks, partitions, file, UUID.randomUUID().toString(),
                    Weights.flat(model.parameters()), 1, 0, 1, s);
            float[] g = new float[sum.grad().length];
            for (int i = 0; i < g.length; i++) {
                g[i] = sum.grad()[i] / (float) sum.rows();
            }
            return g;
        } finally {
            file.destroy();
        }
    }

    /** Each parameter's gradient: its part of {@code sum} divided by the step's {@code rows}. */
    private static void setGradients(List<Parameter> params, float[] sum, long rows) {
        int off = 0;
        float n = rows;
        for (Parameter p : params) {
            Tensor g = p.grad();
            float[] d = g.data();
            for (int i = 0; i < g.size(); i++) {
                d[g.offset() + i] = sum == null ? 0f : sum[off + i] / n;
            }
            off += g.size();
        }
    }
}
