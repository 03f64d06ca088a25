package dev.simdnn.spark;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.loss.Loss;
import dev.simdnn.loss.Task;
import dev.simdnn.io.SavedModel;
import dev.simdnn.nn.Dropout;
import dev.simdnn.nn.Sequential;
import dev.simdnn.predict.Predictor;
import dev.simdnn.tensor.Shape;
import dev.simdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An executor's copy of the network being trained, with its own loss and buffers: each step it
 * takes the driver's weights, computes the gradient of its partition's share of the global
 * mini-batch, and hands back the sums. Replicas are pooled per training run in each JVM and
 * borrowed by one task at a time; nothing in a replica carries over from one step to the next
 * but buffers (the weights are overwritten, the dropout masks reseeded from the seed, the step and
 * the partition), so a step computes the same on any replica of any executor.
 */
final class Replica {
    /** Runs whose replicas are kept per JVM; the least recently used goes. */
    private static final int RUNS = 4;
    private static final Map<String, ConcurrentLinkedQueue<Replica>> POOLS = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ConcurrentLinkedQueue<Replica>> eldest) {
            return size() > RUNS;
        }
    };

    private final Sequential net;
    private final Loss loss;
    private final List<Parameter> params;
    private final List<Dropout> dropouts = new ArrayList<>();
    private final Kernels kernels;
    private Tensor xBuf;
    private Tensor yBuf;
    private int[] scratch = new int[0];
    private int[] perm;
    private long permKey = -1;

    private Replica(Sequential net, Loss loss) {
        this.net = net;
        this.loss = loss;
        this.params = net.parameters();
        this.kernels = net.kernels();
        for (Layer l : net.layers()) {
            if (l instanceof Dropout d) {
                dropouts.add(d);
            }
        }
    }

    /** A replica of run {@code run} (its initial model file {@code model}, loss {@code lossSpec}), from this JVM's pool. */
    static Replica borrow(String run, byte[] model, String lossSpec, String backend, int threads) {
        ConcurrentLinkedQueue<Replica> pool;
        synchronized (POOLS) {
            pool = POOLS.computeIfAbsent(run, k -> new ConcurrentLinkedQueue<>());
        }
        Replica r = pool.poll();
        if (r == null) {
            SavedModel saved = ModelBytes.load(model, Backends.of(backend, threads));
            r = new Replica(saved.model(), lossFor(lossSpec, saved.task()));
        }
        return r;
    }

    /**
     * The loss named {@code spec} ({@code Loss.parse}'s vocabulary), or {@code task}'s default for
     * an empty spec.
     *
     * @throws IllegalArgumentException for an unknown loss, or one of another task
     */
    static Loss lossFor(String spec, Task task) {
        if (spec == null || spec.isBlank()) {
            return task.defaultLoss();
        }
        Loss loss = Loss.parse(spec);
        if (loss.task() != task) {
            throw new IllegalArgumentException("loss '" + spec + "' trains a " + loss.task().id() + " model, this is a "
                    + task.id() + " one");
        }
        return loss;
    }

    /** Gives {@code r} back to run {@code run}'s pool. */
    static void release(String run, Replica r) {
        synchronized (POOLS) {
            POOLS.computeIfAbsent(run, k -> new ConcurrentLinkedQueue<>()).add(r);
        }
    }

    /** Copies the driver's weights (the parameters in order, flat) into this replica. */
    private void setWeights(float[] w) {
        Weights.copyInto(w, params);
    }

    /** Step {@code step} of {@code epoch}'s rows {@code order[from .. from+m)} into the replica's buffers, dropout reseeded for it. */
    private void prepareStep(TrainingBlock b, int[] order, int from, int m, int epoch, int step, long seed) {
        for (int i = 0; i < dropouts.size(); i++) {
            dropouts.get(i).reseed(Seeds.mix(seed, ((long) epoch << 32 | step), (long) b.partition << 8 | i));
        }
        Tensor x = rows(m, b.width, true);
        Tensor y = rows(m, b.targets, false);
        for (int i = 0; i < m; i++) {
            int r = order[from + i];
            System.arraycopy(b.x, r * b.width, x.data(), x.offset() + i * b.width, b.width);
            System.arraycopy(b.y, r * b.targets, y.data(), y.offset() + i * b.targets, b.targets);
        }
    }

    /**
     * The sums of step {@code step} (of {@code steps} per epoch) of epoch {@code epoch} over this
     * partition's share: its training rows in an order drawn per epoch from the seed, the
     * {@code step}-th of {@code steps} equal slices. The gradient summed over the slice's rows (the
     * mean gradient times the rows), the loss likewise, the rows and the correct predictions.
     */
    GradientSum.Part gradient(TrainingBlock b, float[] w, int epoch, int step, int steps, long seed) {
        int from = (int) ((long) step * b.rows / steps);
        int to = (int) ((long) (step + 1) * b.rows / steps);
        int m = to - from;
        if (m == 0) {
            return new GradientSum.Part(null, 0, 0, 0);
        }
        setWeights(w);
        prepareStep(b, permutation(b, epoch, seed), from, m, epoch, step, seed);
        Tensor x = rows(m, b.width, true);
        Tensor y = rows(m, b.targets, false);
        for (Parameter p : params) {
            p.zeroGrad();
        }
        Tensor out = net.forward(kernels, x, Mode.TRAINING);
        float mean = loss.forward(kernels, out, y);
        long correct = loss.isClassification() ? Predictor.countCorrect(kernels, loss.task(), out, y, scratch(m)) : 0;
        net.backward(kernels, loss.backward(), false);
        float[] g = new float[w.length];
        int off = 0;
        for (Parameter p : params) {
            Tensor gr = p.grad();
            float[] d = gr.data();
            for (int i = 0; i < gr.size(); i++) {
                g[off + i] = d[gr.offset() + i] * m;
            }
            off += gr.size();
        }
        return new GradientSum.Part(g, (double) mean * m, m, correct);
    }

    /**
     * {@code count} local steps from global step {@code first} (of {@code steps} per epoch) on this
     * partition's shares, starting from {@code w}, with a new {@code opt} optimizer (and the
     * penalties): model averaging's part. Returns this replica's final weights times the rows it
     * read (in {@code grad}), the loss summed over those rows (each measured before its step), the
     * rows and the correct predictions.
     */
    GradientSum.Part localSteps(TrainingBlock b, float[] w, int epoch, int first, int count, int steps, long seed,
                                dev.simdnn.optim.OptimizerConfig opt, float l1, float l2) {
        setWeights(w);
        dev.simdnn.optim.Optimizer o = opt.build(params).on(kernels);
        dev.simdnn.optim.Penalty penalty = l1 > 0 || l2 > 0 ? dev.simdnn.optim.Penalty.elasticNet(l1, l2) : null;
        int[] order = permutation(b, epoch, seed);
        double lossSum = 0;
        long rows = 0;
        long correct = 0;
        for (int step = first; step < first + count; step++) {
            int from = (int) ((long) step * b.rows / steps);
            int to = (int) ((long) (step + 1) * b.rows / steps);
            int m = to - from;
            if (m == 0) {
                continue;
            }
            prepareStep(b, order, from, m, epoch, step, seed);
            Tensor x = rows(m, b.width, true);
            Tensor y = rows(m, b.targets, false);
            o.zeroGrad();
            Tensor out = net.forward(kernels, x, Mode.TRAINING);
            float mean = loss.forward(kernels, out, y);
            correct += loss.isClassification() ? Predictor.countCorrect(kernels, loss.task(), out, y, scratch(m)) : 0;
            lossSum += (double) mean * m;
            rows += m;
            if (!Float.isFinite(mean)) {
                break; // the driver sees the loss and stops
            }
            net.backward(kernels, loss.backward(), false);
            if (penalty != null) {
                penalty.apply(kernels, params);
            }
            o.step();
        }
        if (rows == 0) {
            return new GradientSum.Part(null, 0, 0, 0);
        }
        float[] weighted = Weights.flat(params);
        for (int i = 0; i < weighted.length; i++) {
            weighted[i] *= rows;
        }
        return new GradientSum.Part(weighted, lossSum, rows, correct);
    }

    /** The loss summed over a partition's training or validation rows and its correct predictions (inference mode). */
    GradientSum.Part evaluate(TrainingBlock b, float[] w, boolean validation) {
        setWeights(w);
        int n = validation ? b.valRows : b.rows;
        float[] src = validation ? b.valX : b.x;
        float[] tgt = validation ? b.valY : b.y;
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < n; from += Sequential.PREDICT_CHUNK_ROWS) {
            int m = Math.min(n, from + Sequential.PREDICT_CHUNK_ROWS) - from;
            Tensor x = Tensor.wrap(src, from * b.width, Shape.of(m, b.width));
            Tensor y = Tensor.wrap(tgt, from * b.targets, Shape.of(m, b.targets));
            Tensor out = net.forward(kernels, x, Mode.INFERENCE);
            lossSum += (double) loss.evaluate(kernels, out, y) * m;
            if (loss.isClassification()) {
                correct += Predictor.countCorrect(kernels, loss.task(), out, y, scratch(m));
            }
        }
        return new GradientSum.Part(null, lossSum, n, correct);
    }

    /** Epoch {@code epoch}'s order of the block's training rows (a Fisher–Yates shuffle seeded by the seed, epoch and partition). */
    private int[] permutation(TrainingBlock b, int epoch, long seed) {
        long key = (long) epoch << 32 | b.partition;
        if (perm == null || perm.length != b.rows || permKey != key) {
            if (perm == null || perm.length != b.rows) {
                perm = new int[b.rows];
            }
            for (int i = 0; i < perm.length; i++) {
                perm[i] = i;
            }
            SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, epoch, b.partition));
            for (int i = perm.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            permKey = key;
        }
        return perm;
    }

    private Tensor rows(int m, int cols, boolean features) {
        Tensor t = features ? xBuf : yBuf;
        if (t == null || t.rows() < m) {
            t = Tensor.zeros(Math.max(m, t == null ? 0 : t.rows() * 2), cols);
            if (features) {
                xBuf = t;
            } else {
                yBuf = t;
            }
        }
        return t.rows() == m ? t : t.rows(0, m);
    }

    private int[] scratch(int m) {
        if (scratch.length < m) {
            scratch = new int[m];
        }
        return scratch;
    }
}
