package dev.simdnn.cli;

import dev.simdnn.data.Dataset;
import dev.simdnn.data.Split;
import dev.simdnn.data.Standardizer;
import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.loss.BinaryCrossEntropy;
import dev.simdnn.loss.Loss;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Adam;
import dev.simdnn.optim.Momentum;
import dev.simdnn.optim.Optimizer;
import dev.simdnn.optim.Sgd;
import dev.simdnn.train.Trainer;

import java.util.Locale;

/**
 * The options {@code train} and {@code compare} share (data, network, optimizer, schedule, seed),
 * and what they build from them: the scaled split, the network, its loss and optimizer.
 */
final class TrainSetup {
    static final String OPTIONS_HELP = """
              --data NAME            digits (default), breast-cancer, iris, fashion-mnist[=DIR]
                                     (official split; apt-get install -y dataset-fashion-mnist), or FILE.csv
              --label COLUMN         label (or target) column of a CSV: name or index (default: the last)
              --task NAME            classification (default) or regression (a CSV's numeric target)
              --loss NAME            override the task's loss: ce, bce, hinge (classes); mse, mae, huber
              --delimiter C          CSV cell separator (default ,)
              --layers N,N,...       hidden layer widths (default 128,64)
              --activation NAME      hidden activation: relu (default), tanh, sigmoid, leaky_relu,
                                     elu, selu, gelu, swish, softplus
              --norm NAME            normalise each hidden layer before its activation: none
                                     (default), batch (BatchNorm; skips a short last batch per
                                     epoch) or layer (LayerNorm)
              --dropout P            inverted dropout after each hidden layer (default 0)
              --l1 X --l2 X          L1 / L2 penalty on the weights, added to the loss (default 0)
              --label-smoothing X    smooth the cross-entropy targets by X in [0, 1) (default 0)
              --optimizer NAME       adam (default), adamw, momentum, sgd, adagrad, rmsprop
              --lr X                 learning rate (default 0.001 for adam/adamw, 0.05 otherwise)
              --momentum X           momentum μ (default 0.9); --nesterov for Nesterov's form
              --beta1 X --beta2 X    Adam's moment decays (default 0.9, 0.999); --epsilon X (1e-8)
              --weight-decay X       L2 weight decay λ (decoupled for adamw; default 0)
              --scaling NAME         standard (default: zero mean, unit variance) or minmax ([0, 1]),
                                     fitted on the training split and saved with the model
              --epochs N             passes over the training set (default 40)
              --batch-size N         examples per step (default 32)
              --test-fraction X      held-out test share, stratified (default 0.2; not for fashion-mnist)
              --seed N               seed of the split, the weights and the shuffling (default 42)
              --schedule SPEC        learning rate per epoch: none (default), step:N:G (×G every N
                                     epochs), exp:G, cosine[:WARMUP[:TOTAL]], plateau:FACTOR:PATIENCE
              --clip-norm X          clip the gradients' global L2 norm to X before each step
              --clip-value X         clamp each gradient element to [-X, X] before each step
              --validation-fraction X  share of the training part held out for validation (default 0)
              --patience N           early stopping: stop after N epochs without a better validation
                                     loss and restore the best weights (needs --validation-fraction)
              --min-delta X          smallest validation-loss decrease that counts (default 0)
              --threads N            GEMM threads of the SIMD backend (default: all cores)
            """;

    final String dataName;
    final String layersSpec;
    final Activation act;
    final String optName;
    final float lr;
    final int epochs;
    final int batch;
    final float testFraction;
    final long seed;
    final String label;
    final String scaling;
    final float momentum;
    final boolean nesterov;
    final float beta1;
    final float beta2;
    final float epsilon;
    final float weightDecay;
    final float validationFraction;
    final int patience;
    final float minDelta;
    final dev.simdnn.optim.LearningRateSchedule schedule;
    final boolean regression;
    final String lossName;
    final float clipNorm;
    final float clipValue;
    final String norm;
    final float dropout;
    final float l1;
    final float l2;
    final float labelSmoothing;

    Dataset all;
    Standardizer scaler;
    Dataset train;
    Dataset test;
    Dataset validation;
    boolean binary;

    TrainSetup(Options o) {
        dataName = o.string("data", "digits");
        layersSpec = o.string("layers", "128,64");
        act = parseActivation(o.string("activation", "relu"));
        optName = o.string("optimizer", "adam").toLowerCase(Locale.ROOT);
        lr = o.real("lr", optName.startsWith("adam") || optName.equals("rmsprop") ? 0.001f : 0.05f);
        epochs = o.integer("epochs", 40, 1);
        batch = o.integer("batch-size", 32, 1);
        testFraction = o.real("test-fraction", 0.2f);
        seed = o.longValue("seed", 42);
        label = o.string("label", null);
        scaling = o.string("scaling", "standard").toLowerCase(Locale.ROOT);
        if (!scaling.equals("standard") && !scaling.equals("minmax")) {
            throw new UsageException("--scaling must be standard or minmax, got '" + scaling + "'");
        }
        momentum = o.real("momentum", 0.9f);
        nesterov = o.flag("nesterov");
        beta1 = o.real("beta1", 0.9f);
        beta2 = o.real("beta2", 0.999f);
        epsilon = o.real("epsilon", 1e-8f);
        weightDecay = o.real("weight-decay", 0f);
        validationFraction = o.real("validation-fraction", 0f);
        patience = o.integer("patience", 0, 0);
        minDelta = o.real("min-delta", 0f);
        String task = o.string("task", "classification").toLowerCase(Locale.ROOT);
        if (!task.equals("classification") && !task.equals("regression")) {
            throw new UsageException("--task must be classification or regression, got '" + task + "'");
        }
        regression = task.equals("regression");
        lossName = o.string("loss", null) == null ? null : o.string("loss", null).toLowerCase(Locale.ROOT);
        norm = o.string("norm", "none").toLowerCase(Locale.ROOT);
        if (!java.util.List.of("none", "batch", "layer").contains(norm)) {
            throw new UsageException("--norm must be none, batch or layer, got '" + norm + "'");
        }
        dropout = o.real("dropout", 0f);
        l1 = o.real("l1", 0f);
        l2 = o.real("l2", 0f);
        labelSmoothing = o.real("label-smoothing", 0f);
        if (!(dropout >= 0 && dropout < 1) || !(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new UsageException("--dropout and --label-smoothing must be in [0, 1), got " + dropout + " and "
                    + labelSmoothing);
        }
        if (!(l1 >= 0) || !(l2 >= 0)) {
            throw new UsageException("--l1 and --l2 must be >= 0, got " + l1 + " and " + l2);
        }
        clipNorm = o.real("clip-norm", 0f);
        clipValue = o.real("clip-value", 0f);
        if (clipNorm < 0 || clipValue < 0) {
            throw new UsageException("--clip-norm and --clip-value must be > 0");
        }
        try {
            schedule = dev.simdnn.optim.LearningRateSchedule.parse(o.string("schedule", "none"), epochs);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--schedule: " + e.getMessage());
        }
        if (validationFraction < 0 || validationFraction >= 1) {
            throw new UsageException("--validation-fraction must be in [0, 1), got " + validationFraction);
        }
        if (patience > 0 && validationFraction == 0) {
            throw new UsageException("--patience (early stopping) needs --validation-fraction");
        }
        String delimiter = o.string("delimiter", ",");
        int threads = o.integer("threads", 0, 1);
        if (threads > 0) {
            // read by the SIMD backend when it is first used, which is later
            System.setProperty("simdnn.threads", Integer.toString(threads));
        }
        if (delimiter.length() != 1) {
            throw new UsageException("--delimiter must be one character, got '" + delimiter + "'");
        }
        DataOption.delimiter = delimiter.charAt(0);
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new UsageException("--test-fraction must be in (0, 1), got " + testFraction);
        }
    }

    /** Loads and splits the data, fits the scaling on the training part, scales both parts. */
    void loadData() {
        loadSplit();
        if (regression) {
            binary = false;
        }
    }

    private void loadSplit() {
        Split split = DataOption.split(dataName, label, testFraction, seed, regression);
        all = split.train();
        Dataset trainPart = split.train();
        Dataset valPart = null;
        if (validationFraction > 0) {
            // the validation rows come out of the training part; the test part stays untouched
            Split v = Split.stratified(split.train(), validationFraction, seed + 1);
            trainPart = v.train();
            valPart = v.test();
        }
        scaler = scaling.equals("minmax") ? Standardizer.fitMinMax(trainPart.features())
                : Standardizer.fit(trainPart.features());
        train = scaler.transform(trainPart);
        validation = valPart == null ? null : scaler.transform(valPart);
        test = scaler.transform(split.test());
        binary = all.numClasses() == 2;
    }

    /** The network, initialised from {@code seed}: the same weights on every backend. */
    Sequential model(Kernels kernels) {
        Mlp.Builder mb = Mlp.builder().input(all.featureCount()).seed(seed).kernels(kernels);
        for (String w : layersSpec.split(",")) {
            if (w.isBlank()) {
                continue;
            }
            try {
                int width = Integer.parseInt(w.trim());
                switch (norm) {
                    case "batch" -> mb.dense(width).batchNorm().activation(act);
                    case "layer" -> mb.dense(width).layerNorm().activation(act);
                    default -> mb.dense(width, act);
                }
                if (dropout > 0) {
                    mb.dropout(dropout);
                }
            } catch (NumberFormatException e) {
                throw new UsageException("--layers needs comma-separated widths like 128,64, got '" + layersSpec + "'");
            } catch (IllegalArgumentException e) {
                throw new UsageException("--layers: " + e.getMessage());
            }
        }
        return mb.dense(regression || binary ? 1 : all.numClasses()).build();
    }

    /**
     * The loss: from the task (softmax cross-entropy for classes, sigmoid binary cross-entropy for
     * two, MSE for regression) unless {@code --loss} names one that fits the task.
     */
    Loss loss() {
        String name = lossName != null ? lossName : regression ? "mse" : binary ? "bce" : "ce";
        if (labelSmoothing > 0 && !name.equals("ce")) {
            throw new UsageException("--label-smoothing applies to the softmax cross-entropy (ce), not " + name);
        }
        boolean ok = switch (name) {
            case "mse", "mae", "huber" -> regression;
            case "bce", "hinge" -> binary;
            case "ce" -> !regression && !binary;
            default -> throw new UsageException("unknown loss '" + name + "'; known: mse, mae, huber, bce, hinge, ce");
        };
        if (!ok) {
            throw new UsageException("--loss " + name + " does not fit this task (" + (regression ? "regression"
                    : binary ? "two classes" : all.numClasses() + " classes") + ")");
        }
        return switch (name) {
            case "mse" -> new dev.simdnn.loss.MeanSquaredError();
            case "mae" -> new dev.simdnn.loss.MeanAbsoluteError();
            case "huber" -> new dev.simdnn.loss.Huber(1f);
            case "bce" -> new BinaryCrossEntropy();
            case "hinge" -> new dev.simdnn.loss.Hinge();
            default -> new SoftmaxCrossEntropy(labelSmoothing);
        };
    }

    /** The training options beyond the optimizer: early stopping, clipping, penalties. */
    Trainer.Builder configure(Trainer.Builder tb) {
        if (patience > 0) {
            tb.earlyStopping(patience, minDelta);
        }
        if (clipNorm > 0) {
            tb.clipGradientNorm(clipNorm);
        }
        if (clipValue > 0) {
            tb.clipGradientValue(clipValue);
        }
        if (norm.equals("batch")) {
            tb.dropLast(); // batch statistics of a last batch of 1 row do not exist
        }
        if (l1 > 0 || l2 > 0) {
            tb.penalty(dev.simdnn.optim.Penalty.elasticNet(l1, l2));
        }
        return tb;
    }

    Optimizer optimizer(Sequential model) {
        try {
            return switch (optName) {
                case "sgd" -> new Sgd(model.parameters(), lr).weightDecay(weightDecay);
                case "momentum" -> new Momentum(model.parameters(), lr, momentum).nesterov(nesterov).weightDecay(weightDecay);
                case "adam" -> new Adam(model.parameters(), lr).betas(beta1, beta2).epsilon(epsilon).weightDecay(weightDecay);
                case "adamw" -> new Adam(model.parameters(), lr).betas(beta1, beta2).epsilon(epsilon).decoupled()
                        .weightDecay(weightDecay);
                case "adagrad" -> new dev.simdnn.optim.AdaGrad(model.parameters(), lr).weightDecay(weightDecay);
                case "rmsprop" -> new dev.simdnn.optim.RmsProp(model.parameters(), lr).weightDecay(weightDecay);
                default -> throw new UsageException("unknown optimizer '" + optName
                        + "'; known: sgd, momentum, adam, adamw, adagrad, rmsprop");
            };
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static Activation parseActivation(String name) {
        try {
            return Activation.parse(name);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
