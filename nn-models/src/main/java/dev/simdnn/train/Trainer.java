package dev.simdnn.train;

import dev.simdnn.data.Dataset;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.loss.Loss;
import dev.simdnn.loss.Task;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.LearningRateSchedule;
import dev.simdnn.optim.Optimizer;
import dev.simdnn.optim.Penalty;
import dev.simdnn.predict.Evaluation;
import dev.simdnn.predict.Evaluator;
import dev.simdnn.predict.Predictor;
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
 * step runs on the model's {@link Kernels}: an optimizer not yet bound to a backend is bound to
 * the model's, and one bound to another backend is refused. Same model seed, same data, same
 * trainer seed and same backend give bit-identical weights. Optionally, early stopping on the
 * validation loss restores the weights of the best epoch ({@link Builder#earlyStopping}).
 *
 * <p>{@link #fit} runs named phases: {@code prepare} (checks, backend, working copy in
 * {@link Batches}), one {@code epoch} after another (schedule, shuffle, a {@link TrainingStep}
 * per batch, {@code validate}), and the {@link EarlyStopping} policy after each.
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
    private final LearningRateSchedule schedule;
    private final int patience;
    private final float minDelta;
    private final Monitor monitor;
    private final float clipNorm;
    private final float clipValue;
    private final Penalty penalty;
    private final OnNonFiniteLoss onNonFiniteLoss;
    private final BackendBinding binding = new BackendBinding();
    private long skippedBatches;
    private int bestEpoch;
    private final TrainingStep step;

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
        this.onNonFiniteLoss = b.onNonFiniteLoss;
        this.step = new TrainingStep(model, loss, optimizer, penalty, clipNorm, clipValue);
    }

    /** What the trainer does with a batch whose loss is NaN or infinite. */
    public enum OnNonFiniteLoss {
        /** Throw a {@link TrainingDivergedException} naming the epoch, batch and a remedy (the default). */
        STOP,
        /**
         * Leave the weights as they were before the batch and go on (counted in
         * {@link Trainer#skippedBatches()}); non-finite parameters still stop training.
         */
        SKIP_BATCH
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
     * @throws IllegalStateException    if the optimizer is bound to another backend than the model
     */
    public List<EpochStats> fit(Dataset train, Dataset validation) {
        Batches batches = prepare(train, validation);
        EarlyStopping stopping = patience == 0 ? null : EarlyStopping.of(model, patience, minDelta, monitor);
        SplittableRandom rng = new SplittableRandom(seed);
        List<EpochStats> history = new ArrayList<>(epochs);
        List<Float> monitored = new ArrayList<>(epochs);
        float baseRate = optimizer.learningRate();
        bestEpoch = 0;
        for (int e = 1; e <= epochs; e++) {
            if (schedule != null) {
                optimizer.setLearningRate(schedule.rate(e, baseRate, monitored));
            }
            EpochStats stats = epoch(e, batches, rng, validation);
            Divergence.requireFiniteState(model, optimizer, e);
            history.add(stats);
            monitored.add(Float.isNaN(stats.validationLoss()) ? stats.loss() : stats.validationLoss());
            for (TrainingListener l : listeners) {
                l.onEpochEnd(stats);
            }
            if (stopping != null && stopping.shouldStop(e, stats.validationLoss(), stats.validationAccuracy())) {
                break;
            }
        }
        if (stopping != null) {
            stopping.restoreBest();
            bestEpoch = stopping.bestEpoch();
        }
        return history;
    }

    /** Phase 1: checks the data and options against the model, binds the backend, copies the data. */
    private Batches prepare(Dataset train, Dataset validation) {
        Evaluator.checkFits(model, loss, train, "training");
        if (validation != null) {
            Evaluator.checkFits(model, loss, validation, "validation");
        }
        if (patience > 0 && validation == null) {
            throw new IllegalArgumentException("early stopping needs validation data: call fit(train, validation)");
        }
        if (patience > 0 && monitor == Monitor.VALIDATION_ACCURACY && !loss.isClassification()) {
            throw new IllegalArgumentException("early stopping on validation accuracy needs a classification loss, got " + loss);
        }
        binding.bind(model, optimizer);
        return new Batches(train, batchSize, dropLast);
    }

    /** Phase 2: one pass over the (shuffled) batches, then validation. */
    private EpochStats epoch(int epoch, Batches batches, SplittableRandom rng, Dataset validation) {
        long start = System.nanoTime();
        if (shuffle) {
            batches.shuffle(rng);
        }
        boolean classification = loss.isClassification();
        double lossSum = 0;
        long correct = 0;
        int skippedRows = 0;
        int count = batches.count();
        for (int b = 0; b < count; b++) {
            Tensor bx = batches.features(b);
            Tensor by = batches.targets(b);
            long stepStart = System.nanoTime();
            float batchLoss = step.run(bx, by);
            if (!Float.isFinite(batchLoss)) {
                if (onNonFiniteLoss == OnNonFiniteLoss.STOP) {
                    throw Divergence.diverged(model, optimizer, epoch, b + 1, count, "the loss is " + batchLoss);
                }
                skippedBatches++;
                skippedRows += bx.rows();
                continue;
            }
            int batchCorrect = step.correct();
            correct += batchCorrect;
            int rows = bx.rows();
            lossSum += (double) batchLoss * rows;
            if (!listeners.isEmpty()) {
                BatchStats stats = new BatchStats(epoch, b + 1, count, rows, batchLoss,
                        classification ? (float) batchCorrect / rows : Float.NaN, optimizer.learningRate(),
                        rows / Math.max((System.nanoTime() - stepStart) / 1e9, 1e-9));
                for (int li = 0; li < listeners.size(); li++) { // indexed: no iterator per batch
                    listeners.get(li).onBatchEnd(stats);
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Evaluation v = validate(validation);
        int seen = batches.examples() - skippedRows; // the epoch's figures are over the batches trained on
        return new EpochStats(epoch, (float) (lossSum / seen), classification ? (float) correct / seen : Float.NaN,
                v == null ? Float.NaN : v.loss(), v == null ? Float.NaN : v.accuracy(),
                seconds, seen / Math.max(seconds, 1e-9), optimizer.learningRate());
    }

    /** Batches left out by {@link OnNonFiniteLoss#SKIP_BATCH} over every {@link #fit} so far. */
    public long skippedBatches() {
        return skippedBatches;
    }

    /** Phase 4: the validation figures after an epoch, or null without validation data. */
    private Evaluation validate(Dataset validation) {
        return validation == null ? null : evaluate(validation);
    }

    /** Mean loss and accuracy of the model on {@code data}, in inference mode (through an {@link Evaluator}). */
    public Evaluation evaluate(Dataset data) {
        return new Evaluator(model, loss, Math.max(batchSize, Evaluator.DEFAULT_CHUNK_ROWS)).evaluate(data);
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
     * The predicted class of one sample, by the loss's task ({@link Predictor}): the largest logit,
     * or for a single-output binary model 1 when the logit is positive.
     */
    public int predictClass(float[] sample) {
        Task task = model.outputFeatures() == 1 ? Task.BINARY : Task.MULTICLASS;
        return new Predictor(model, task).predict(sample).classIndex();
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
        private Penalty penalty;
        private int patience;
        private float minDelta;
        private Monitor monitor = Monitor.VALIDATION_LOSS;
        private LearningRateSchedule schedule;
        private float clipNorm;
        private float clipValue;
        private OnNonFiniteLoss onNonFiniteLoss = OnNonFiniteLoss.STOP;

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
         * few ({@link dev.simdnn.layer.Layer#usesBatchStatistics()} tells which models have it).
         * With shuffling, every example still takes part over the epochs.
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
            this.monitor = Objects.requireNonNull(monitor, "monitor");
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
        public Builder schedule(LearningRateSchedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        /**
         * Adds an L1/L2/elastic-net penalty on the weights to the loss and its gradient, before
         * clipping and the optimizer step; the reported training loss includes it.
         */
        public Builder penalty(Penalty penalty) {
            this.penalty = Objects.requireNonNull(penalty, "penalty");
            return this;
        }

        /**
         * What to do with a batch whose loss is NaN or infinite (default {@link OnNonFiniteLoss#STOP}):
         * stop with a {@link TrainingDivergedException}, or skip the batch. Either way the batch
         * updates nothing, and a non-finite parameter after an epoch always stops training.
         */
        public Builder onNonFiniteLoss(OnNonFiniteLoss policy) {
            this.onNonFiniteLoss = Objects.requireNonNull(policy, "policy");
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
