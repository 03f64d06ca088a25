package dev.simdnn.train;

import dev.simdnn.data.Dataset;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Mode;
import dev.simdnn.loss.Loss;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Optimizer;
import dev.simdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Trains a {@link Sequential} model by mini-batch gradient descent:
 * for each epoch, shuffle (seeded), then for each batch {@code zeroGrad → forward → loss →
 * backward → step}.
 *
 * <p>Batch size {@code n} (the whole set) is batch gradient descent, 1 is stochastic, anything in
 * between mini-batch. Batches are zero-copy row views of a private working copy of the training
 * set, which is shuffled in place each epoch, so the caller's data is never reordered. The whole
 * step runs on the model's {@link Kernels}, the optimizer included. Same model seed, same data,
 * same trainer seed and same backend give bit-identical weights. Optionally, early stopping on the
 * validation loss restores the weights of the best epoch ({@link Builder#earlyStopping}).
 */
public final class Trainer {
    private final Sequential model;
    private final Loss loss;
    private final Optimizer optimizer;
    private final int epochs;
    private final int batchSize;
    private final long seed;
    private final boolean shuffle;
    private final boolean dropLast;
    private final List<TrainingListener> listeners;
    private final dev.simdnn.optim.LearningRateSchedule schedule;
    private final int patience;
    private final float minDelta;
    private final Monitor monitor;
    private final float clipNorm;
    private final float clipValue;
    private final dev.simdnn.optim.Penalty penalty;
    private int bestEpoch;

    private Trainer(Builder b) {
        this.model = b.model;
        this.loss = b.loss;
        this.optimizer = b.optimizer;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.shuffle = b.shuffle;
        this.dropLast = b.dropLast;
        this.listeners = List.copyOf(b.listeners);
        this.patience = b.patience;
        this.schedule = b.schedule;
        this.clipNorm = b.clipNorm;
        this.clipValue = b.clipValue;
        this.minDelta = b.minDelta;
        this.monitor = b.monitor;
        this.penalty = b.penalty;
    }

    /** What early stopping watches. */
    public enum Monitor {
        /** The validation loss (lower is better). */
        VALIDATION_LOSS,
        /** The validation accuracy (higher is better); classification only. */
        VALIDATION_ACCURACY
    }

    public static Builder builder(Sequential model, Loss loss, Optimizer optimizer) {
        return new Builder(model, loss, optimizer);
    }

    /** Trains on {@code train} without validation. */
    public List<EpochStats> fit(Dataset train) {
        return fit(train, null);
    }

    /**
     * Trains for the configured epochs; evaluates on {@code validation} (may be {@code null}) after
     * each epoch. Returns one {@link EpochStats} per epoch.
     *
     * @throws IllegalArgumentException if the data does not fit the model or the loss (widths named)
     */
    public List<EpochStats> fit(Dataset train, Dataset validation) {
        checkFits(train, "training");
        if (validation != null) {
            checkFits(validation, "validation");
        }
        Kernels k = model.kernels();
        optimizer.on(k);
        Tensor x = train.features().copy();
        Tensor y = train.targets().copy();
        int n = x.rows();
        int bs = Math.min(batchSize, n);
        int batches = dropLast && n >= bs ? n / bs : (n + bs - 1) / bs;
        int seen = Math.min(n, batches * bs); // examples per epoch: fewer than n when the last batch is dropped
        SplittableRandom rng = new SplittableRandom(seed);
        float[] rowX = new float[x.cols()];
        float[] rowY = new float[y.cols()];
        boolean classification = loss.isClassification();

        List<EpochStats> history = new ArrayList<>(epochs);
        boolean early = patience > 0;
        if (early && validation == null) {
            throw new IllegalArgumentException("early stopping needs validation data: call fit(train, validation)");
        }
        if (early && monitor == Monitor.VALIDATION_ACCURACY && !classification) {
            throw new IllegalArgumentException("early stopping on validation accuracy needs a classification loss, got " + loss);
        }
        // what early stopping snapshots and restores: the parameters and the non-learned state
        // (batch normalisation's running statistics), which belong to the same epoch
        List<Tensor> state = new ArrayList<>();
        model.parameters().forEach(p -> state.add(p.value()));
        state.addAll(model.buffers().values());
        float[][] best = early ? new float[state.size()][] : null;
        float bestLoss = Float.POSITIVE_INFINITY;
        bestEpoch = 0;
        float baseRate = optimizer.learningRate();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            if (schedule != null) {
                optimizer.setLearningRate(schedule.rate(epoch, baseRate, history));
            }
            long start = System.nanoTime();
            if (shuffle) {
                shuffleRows(x, y, rng, rowX, rowY);
            }
            double lossSum = 0;
            long correct = 0;
            for (int bi = 0; bi < batches; bi++) {
                int from = bi * bs;
                int to = Math.min(n, from + bs);
                Tensor bx = x.rows(from, to);
                Tensor by = y.rows(from, to);
                long stepStart = System.nanoTime();
                optimizer.zeroGrad();
                Tensor out = model.forward(k, bx, Mode.TRAINING);
                float batchLoss = loss.forward(k, out, by);
                int batchCorrect = classification ? loss.countCorrect(k, out, by) : 0;
                correct += batchCorrect;
                model.backward(k, loss.backward(), false);
                if (penalty != null) {
                    batchLoss += penalty.apply(k, optimizer.parameters());
                }
                if (clipNorm > 0) {
                    dev.simdnn.optim.GradientClipping.byGlobalNorm(k, optimizer.parameters(), clipNorm);
                }
                if (clipValue > 0) {
                    dev.simdnn.optim.GradientClipping.byValue(k, optimizer.parameters(), clipValue);
                }
                optimizer.step();
                lossSum += (double) batchLoss * (to - from);
                if (!listeners.isEmpty()) {
                    int rows = to - from;
                    BatchStats stats = new BatchStats(epoch, bi + 1, batches, rows, batchLoss,
                            classification ? (float) batchCorrect / rows : Float.NaN, optimizer.learningRate(),
                            rows / Math.max((System.nanoTime() - stepStart) / 1e9, 1e-9));
                    for (int li = 0; li < listeners.size(); li++) { // indexed: no iterator per batch
                        listeners.get(li).onBatchEnd(stats);
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            float valLoss = Float.NaN;
            float valAcc = Float.NaN;
            if (validation != null) {
                Evaluation e = evaluate(validation);
                valLoss = e.loss();
                valAcc = e.accuracy();
            }
            EpochStats stats = new EpochStats(epoch, (float) (lossSum / seen),
                    classification ? (float) correct / seen : Float.NaN, valLoss, valAcc,
                    seconds, seen / Math.max(seconds, 1e-9), optimizer.learningRate());
            history.add(stats);
            for (TrainingListener l : listeners) {
                l.onEpochEnd(stats);
            }
            if (early) {
                // lower is better: the loss, or minus the accuracy
                float score = monitor == Monitor.VALIDATION_LOSS ? valLoss : -valAcc;
                if (score < bestLoss - minDelta) {
                    bestLoss = score;
                    bestEpoch = epoch;
                    for (int i = 0; i < state.size(); i++) {
                        best[i] = state.get(i).toArray(); // a snapshot per improvement, not per step
                    }
                } else if (epoch - bestEpoch >= patience) {
                    break;
                }
            }
        }
        if (early && bestEpoch > 0) {
            for (int i = 0; i < state.size(); i++) {
                state.get(i).copyFrom(best[i]);
            }
        }
        return history;
    }

    /** Mean loss and accuracy of the model on {@code data}, in inference mode. */
    public Evaluation evaluate(Dataset data) {
        checkFits(data, "evaluation");
        Kernels k = model.kernels();
        Tensor x = data.features();
        Tensor y = data.targets();
        int n = x.rows();
        int chunk = Math.max(batchSize, 256);
        double lossSum = 0;
        long correct = 0;
        boolean classification = loss.isClassification();
        for (int from = 0; from < n; from += chunk) {
            int to = Math.min(n, from + chunk);
            Tensor out = model.forward(k, x.rows(from, to), Mode.INFERENCE);
            Tensor by = y.rows(from, to);
            lossSum += (double) loss.evaluate(k, out, by) * (to - from);
            if (classification) {
                correct += loss.countCorrect(k, out, by);
            }
        }
        return new Evaluation((float) (lossSum / n), classification ? (float) correct / n : Float.NaN, n);
    }

    /** Raw outputs (logits for a classifier) for a batch {@code [rows, features]}, in inference mode. */
    public Tensor predict(Tensor features) {
        return model.predict(features);
    }

    /** Raw outputs for one sample. */
    public float[] predict(float[] sample) {
        return model.predict(sample);
    }

    /**
     * The predicted class of one sample: the largest logit, or for a single-output binary model
     * 1 when the logit is positive.
     */
    public int predictClass(float[] sample) {
        float[] out = model.predict(sample);
        if (out.length == 1) {
            return out[0] > 0 ? 1 : 0;
        }
        int best = 0;
        for (int j = 1; j < out.length; j++) {
            if (out[j] > out[best]) {
                best = j;
            }
        }
        return best;
    }

    /**
     * With early stopping: the epoch whose weights the model holds after {@link #fit} (the one with
     * the lowest validation loss); 0 before any fit or without early stopping.
     */
    public int bestEpoch() {
        return bestEpoch;
    }

    public Sequential model() {
        return model;
    }

    private void checkFits(Dataset d, String what) {
        Objects.requireNonNull(d, what + " data");
        if (d.featureCount() != model.inputFeatures()) {
            throw new IllegalArgumentException(what + " data has " + d.featureCount()
                    + " features but the model expects " + model.inputFeatures());
        }
        int expectTargets = loss.targetFeatures(model.outputFeatures());
        if (d.targets().cols() != expectTargets) {
            throw new IllegalArgumentException(what + " data has " + d.targets().cols() + " target columns but "
                    + loss + " on " + model.outputFeatures() + " outputs expects " + expectTargets);
        }
        if (d.isClassification() && expectTargets == 1 && model.outputFeatures() > 1
                && d.numClasses() > model.outputFeatures()) {
            throw new IllegalArgumentException(what + " data has " + d.numClasses()
                    + " classes but the model has only " + model.outputFeatures() + " outputs");
        }
    }

    /** Fisher–Yates on rows, in place, features and targets together. */
    private static void shuffleRows(Tensor x, Tensor y, SplittableRandom rng, float[] rowX, float[] rowY) {
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

    /** Options of a {@link Trainer}; every one validated when set. */
    public static final class Builder {
        private final Sequential model;
        private final Loss loss;
        private final Optimizer optimizer;
        private int epochs = 10;
        private int batchSize = 32;
        private long seed = 0;
        private boolean shuffle = true;
        private boolean dropLast;
        private final List<TrainingListener> listeners = new ArrayList<>();
        private dev.simdnn.optim.Penalty penalty;
        private int patience;
        private float minDelta;
        private Monitor monitor = Monitor.VALIDATION_LOSS;
        private dev.simdnn.optim.LearningRateSchedule schedule;
        private float clipNorm;
        private float clipValue;

        private Builder(Sequential model, Loss loss, Optimizer optimizer) {
            this.model = Objects.requireNonNull(model, "model");
            this.loss = Objects.requireNonNull(loss, "loss");
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        }

        /** Passes over the training set (default 10). */
        public Builder epochs(int epochs) {
            if (epochs < 1) {
                throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
            }
            this.epochs = epochs;
            return this;
        }

        /** Examples per step (default 32); larger than the data set means full-batch. */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /** Batch gradient descent: every step uses the whole training set (one step per epoch). */
        public Builder fullBatch() {
            this.batchSize = Integer.MAX_VALUE;
            return this;
        }

        /** Stochastic gradient descent in the strict sense: one example per step. */
        public Builder stochastic() {
            return batchSize(1);
        }

        /** Seed of the per-epoch shuffling (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Skips the last batch of each epoch when it is short (PyTorch's {@code drop_last}): for
         * batch normalisation, whose training statistics need at least two rows and are noisy on a
         * few. With shuffling, every example still takes part over the epochs.
         */
        public Builder dropLast() {
            this.dropLast = true;
            return this;
        }

        /** Whether to reshuffle every epoch (default true). */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /**
         * Early stopping on the validation loss: stop after {@code patience} epochs without an
         * improvement of more than {@code minDelta}, then restore the weights of the best epoch.
         * Needs {@code fit(train, validation)}.
         */
        public Builder earlyStopping(int patience, float minDelta) {
            return earlyStopping(patience, minDelta, Monitor.VALIDATION_LOSS);
        }

        /**
         * Early stopping on {@code monitor}: stop after {@code patience} epochs in which it did not
         * improve by more than {@code minDelta} (a loss falling, an accuracy rising), then restore
         * the weights (and buffers) of the best epoch.
         */
        public Builder earlyStopping(int patience, float minDelta, Monitor monitor) {
            this.monitor = java.util.Objects.requireNonNull(monitor, "monitor");
            if (patience < 1) {
                throw new IllegalArgumentException("patience must be >= 1 epoch, got " + patience);
            }
            if (!(minDelta >= 0) || !Float.isFinite(minDelta)) {
                throw new IllegalArgumentException("min delta must be >= 0, got " + minDelta);
            }
            this.patience = patience;
            this.minDelta = minDelta;
            return this;
        }

        /** Clips the gradients' global L2 norm to {@code maxNorm} before every step. */
        public Builder clipGradientNorm(float maxNorm) {
            if (!(maxNorm > 0) || !Float.isFinite(maxNorm)) {
                throw new IllegalArgumentException("max gradient norm must be > 0, got " + maxNorm);
            }
            this.clipNorm = maxNorm;
            return this;
        }

        /** Clamps every gradient element to {@code [-limit, limit]} before every step. */
        public Builder clipGradientValue(float limit) {
            if (!(limit > 0) || !Float.isFinite(limit)) {
                throw new IllegalArgumentException("gradient clip value must be > 0, got " + limit);
            }
            this.clipValue = limit;
            return this;
        }

        /** The learning rate per epoch (the optimizer's rate is the base); default constant. */
        public Builder schedule(dev.simdnn.optim.LearningRateSchedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        /**
         * Adds an L1/L2/elastic-net penalty on the weights to the loss and its gradient, before
         * clipping and the optimizer step; the reported training loss includes it.
         */
        public Builder penalty(dev.simdnn.optim.Penalty penalty) {
            this.penalty = java.util.Objects.requireNonNull(penalty, "penalty");
            return this;
        }

        public Builder listener(TrainingListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        public Trainer build() {
            return new Trainer(this);
        }
    }
}
