package dev.simdnn.cli;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.data.Dataset;
import dev.simdnn.data.Split;
import dev.simdnn.data.Standardizer;
import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.loss.Loss;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.loss.Task;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Normalization;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.LearningRateSchedule;
import dev.simdnn.optim.Optimizer;
import dev.simdnn.optim.OptimizerConfig;
import dev.simdnn.optim.Penalty;
import dev.simdnn.train.Trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The options {@code train} and {@code compare} share (data, network, optimizer, schedule, seed),
 * read into the library's own values ({@link Activation#parse}, {@link Normalization#parse},
 * {@link Loss#parse}, {@link OptimizerConfig}, {@link LearningRateSchedule#parse}), and what they
 * build from them: the scaled split, the network, its loss and optimizer. No state outside it.
 */
final class TrainSetup {
    static final String OPTIONS_HELP = """
              --data NAME            digits (default), breast-cancer, iris, fashion-mnist[=DIR]
                                     (official split; apt-get install -y dataset-fashion-mnist), or FILE.csv
              --label COLUMN         label (or target) column of a CSV: name or index (default: the last)
              --task NAME            classification (default) or regression (a CSV's numeric target)
              --loss NAME            override the task's loss: ce, bce, hinge (classes); mse, mae,
                                     huber[:DELTA] (regression); names as Loss.parse takes them
              --delimiter C          CSV cell separator (default ,)
              --layers N,N,...       hidden layer widths (default 128,64)
              --arch SPEC            the whole layer stack instead, final layer included, e.g.
                                     "conv2d(32,3,pad=1),relu,maxpool(2),flatten,dense(10)" or
                                     "lstm(128),last,dense(10)" (see Mlp.Builder.layers)
              --image C,H,W          with --arch: the rows are C×H×W images (fashion-mnist: 1,28,28
                                     and digits: 1,8,8 without saying)
              --sequence rows        with --arch: read each image row by row, H steps of C·W values
              --activation NAME      hidden activation: relu (default), tanh, sigmoid, leaky_relu,
                                     elu, selu, gelu (tanh form), gelu_erf, swish, softplus
              --norm NAME            normalise each hidden layer before its activation: none
                                     (default), batch (BatchNorm; skips a short last batch per
                                     epoch) or layer (LayerNorm)
              --dropout P            inverted dropout after each hidden layer (default 0)
              --l1 X --l2 X          L1 / L2 penalty on the weights, added to the loss (default 0)
              --label-smoothing X    smooth the cross-entropy targets by X in [0, 1) (default 0)
              --optimizer NAME       adam (default), adamw, momentum, sgd, adagrad, rmsprop, or a
                                     spec as OptimizerConfig.parse takes it (adam:lr=3e-4,wd=0.01)
              --lr X                 learning rate (default 0.001 for adam/adamw, 0.05 otherwise)
              --momentum X           momentum μ (default 0.9); --nesterov for Nesterov's form
              --beta1 X --beta2 X    Adam's moment decays (default 0.9, 0.999); --epsilon X (the
                                     optimizer's own: 1e-8, AdaGrad 1e-10)
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
    final String arch;
    final String imageSpec;
    final String sequence;
    final Activation act;
    final Normalization norm;
    final float dropout;
    final OptimizerConfig optimizer;
    final int epochs;
    final int batch;
    final float testFraction;
    final long seed;
    final String label;
    final String scaling;
    final float validationFraction;
    final int patience;
    final float minDelta;
    final LearningRateSchedule schedule;
    final boolean regression;
    final String lossName;
    final float clipNorm;
    final float clipValue;
    final float l1;
    final float l2;
    final float labelSmoothing;
    final char delimiter;
    /** GEMM threads asked for with {@code --threads}; 0: the backend's default. */
    final int threads;

    Dataset all;
    Standardizer scaler;
    Dataset train;
    Dataset test;
    Dataset validation;
    /** What the model's outputs mean, from the data: regression, two classes, or more. */
    Task task;

    TrainSetup(Options o) {
        dataName = o.string("data", "digits");
        layersSpec = o.string("layers", "128,64");
        arch = o.string("arch", null);
        imageSpec = o.string("image", null);
        sequence = o.string("sequence", null);
        if (arch != null && (o.has("layers") || o.has("norm") || o.has("dropout") || o.has("activation"))) {
            throw new UsageException("--arch gives the whole layer stack: it does not go with --layers, --activation, --norm or "
                    + "--dropout");
        }
        if (arch == null && (imageSpec != null || sequence != null)) {
            throw new UsageException("--image and --sequence go with --arch");
        }
        if (sequence != null && !sequence.equals("rows")) {
            throw new UsageException("--sequence takes rows (each image row is one step), got '" + sequence + "'");
        }
        act = usage(() -> Activation.parse(o.string("activation", "relu")));
        norm = usage(() -> Normalization.parse(o.string("norm", "none")));
        optimizer = optimizerConfig(o);
        epochs = o.integer("epochs", 40, 1);
        batch = o.integer("batch-size", 32, 1);
        testFraction = o.real("test-fraction", 0.2f);
        seed = o.longValue("seed", 42);
        label = o.string("label", null);
        scaling = o.string("scaling", "standard").toLowerCase(Locale.ROOT);
        if (!scaling.equals("standard") && !scaling.equals("minmax")) {
            throw new UsageException("--scaling must be standard or minmax, got '" + scaling + "'");
        }
        validationFraction = o.real("validation-fraction", 0f);
        patience = o.integer("patience", 0, 0);
        minDelta = o.real("min-delta", 0f);
        String taskName = o.string("task", "classification").toLowerCase(Locale.ROOT);
        if (!taskName.equals("classification") && !taskName.equals("regression")) {
            throw new UsageException("--task must be classification or regression, got '" + taskName + "'");
        }
        regression = taskName.equals("regression");
        lossName = o.string("loss", null) == null ? null : o.string("loss", null).toLowerCase(Locale.ROOT);
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
            schedule = LearningRateSchedule.parse(o.string("schedule", "none"), epochs);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--schedule: " + e.getMessage());
        }
        if (validationFraction < 0 || validationFraction >= 1) {
            throw new UsageException("--validation-fraction must be in [0, 1), got " + validationFraction);
        }
        if (patience > 0 && validationFraction == 0) {
            throw new UsageException("--patience (early stopping) needs --validation-fraction");
        }
        String sep = o.string("delimiter", ",");
        if (sep.length() != 1) {
            throw new UsageException("--delimiter must be one character, got '" + sep + "'");
        }
        delimiter = sep.charAt(0);
        threads = o.integer("threads", 0, 1);
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new UsageException("--test-fraction must be in (0, 1), got " + testFraction);
        }
    }

    /** {@code --optimizer} (a name or a spec) with the hyperparameter options given on top of its defaults. */
    private static OptimizerConfig optimizerConfig(Options o) {
        return usage(() -> {
            OptimizerConfig c = OptimizerConfig.parse(o.string("optimizer", "adam"));
            c = c.withLearningRate(o.real("lr", c.learningRate()))
                    .withMomentum(o.real("momentum", c.momentum()))
                    .withBetas(o.real("beta1", c.beta1()), o.real("beta2", c.beta2()))
                    .withEpsilon(o.real("epsilon", c.epsilon()))
                    .withWeightDecay(o.real("weight-decay", c.weightDecay()));
            return o.flag("nesterov") ? c.withNesterov(true) : c;
        });
    }

    /** The backend named by {@code --backend} (or the best one), on {@code --threads} threads. */
    Kernels kernels(String backend) {
        return usage(() -> backend == null ? (threads == 0 ? KernelsProvider.best() : KernelsProvider.best(threads))
                : KernelsProvider.byName(backend, threads));
    }

    /** Loads and splits the data, fits the scaling on the training part, scales all parts. */
    void loadData() {
        Split split = DataOption.split(dataName, label, testFraction, seed, regression, delimiter);
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
        task = regression ? Task.REGRESSION : usage(() -> Task.classifier(all.numClasses()));
    }

    /**
     * Refuses a network that cannot fit: weights, gradients and up to two optimizer moments per
     * parameter (Adam), plus a batch of activations and their gradients per layer, in floats,
     * against the heap this JVM may use. Checked before anything is built.
     */
    void checkMemory() {
        long params = 0;
        long activations = 0;
        int width = all.featureCount();
        List<Integer> widths = new ArrayList<>();
        for (String w : layersSpec.split(",")) {
            if (!w.isBlank()) {
                try {
                    widths.add(Integer.parseInt(w.trim()));
                } catch (NumberFormatException e) {
                    return; // the builder names a bad width
                }
            }
        }
        widths.add(task.outputsFor(all.numClasses()));
        for (int next : widths) {
            params += (long) width * next + next;
            activations += 4L * batch * next; // pre-activation, output and their gradients
            width = next;
        }
        long bytes = 4 * (params * 4 + activations);
        long max = Runtime.getRuntime().maxMemory();
        if (bytes > max * 3 / 4) {
            throw new UsageException(String.format(Locale.ROOT, "--layers %s: the network needs about %.1f GiB (%d "
                    + "parameters with their gradients and optimizer state, and a batch of activations), more than "
                    + "this JVM's %.1f GiB can hold; use smaller layers or give java more memory "
                    + "(SIMDNN_JAVA_OPTS=-Xmx...)", layersSpec, bytes / 1073741824.0, params, max / 1073741824.0));
        }
    }

    /** The network, initialised from {@code seed}: the same weights on every backend. */
    Sequential model(Kernels kernels) {
        if (arch != null) {
            return archModel(kernels);
        }
        checkMemory();
        return usage(() -> Mlp.builder().input(all.featureCount()).seed(seed).kernels(kernels)
                .hidden(layersSpec, act, norm, dropout)
                .dense(task.outputsFor(all.numClasses())).build(), "--layers: ");
    }

    /** {@code --arch}: the stack as given, on images, sequences of image rows, or plain rows. */
    private Sequential archModel(Kernels kernels) {
        Mlp.Builder b = Mlp.builder().seed(seed).kernels(kernels);
        int[] image = imageShape();
        if (image != null && image[0] * image[1] * image[2] != all.featureCount()) {
            throw new UsageException("--image " + image[0] + "," + image[1] + "," + image[2] + " is " + image[0] * image[1] * image[2]
                    + " values per row, but " + dataName + " has " + all.featureCount() + " features");
        }
        if (sequence != null) {
            if (image == null) {
                throw new UsageException("--sequence rows reads images row by row: give --image C,H,W");
            }
            if (image[0] != 1) {
                throw new UsageException("--sequence rows reads one-channel images, got " + image[0] + " channels");
            }
            b.inputSequence(image[1], image[2]);
        } else if (image != null) {
            b.input(image[0], image[1], image[2]);
        } else {
            b.input(all.featureCount());
        }
        Sequential m;
        try {
            m = b.layers(arch).build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UsageException("--arch: " + e.getMessage() + (image == null && e.getMessage().contains("needs images")
                    ? " (on the command line: --image C,H,W)" : ""));
        }
        int want = task.outputsFor(all.numClasses());
        if (m.outputFeatures() != want) {
            throw new UsageException("--arch: the stack ends with " + m.outputFeatures() + " outputs, but " + dataName + " needs "
                    + want + " (end it with dense(" + want + "))");
        }
        return m;
    }

    /** {@code --image C,H,W}, or the shape of a bundled image data set, or null. */
    private int[] imageShape() {
        if (imageSpec != null) {
            String[] p = imageSpec.split(",");
            try {
                if (p.length == 3) {
                    return new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()), Integer.parseInt(p[2].trim())};
                }
            } catch (NumberFormatException e) {
                // named below
            }
            throw new UsageException("--image takes C,H,W (three whole numbers), got '" + imageSpec + "'");
        }
        String d = dataName.toLowerCase(Locale.ROOT);
        if (d.startsWith("fashion-mnist")) {
            return new int[] {1, 28, 28};
        }
        if (d.equals("digits")) {
            return new int[] {1, 8, 8};
        }
        return null;
    }

    /**
     * The loss: the task's (softmax cross-entropy for classes, sigmoid binary cross-entropy for
     * two, MSE for regression) unless {@code --loss} names one for the same task.
     */
    Loss loss() {
        String name = lossName != null ? lossName : regression ? "mse" : task == Task.BINARY ? "bce" : "ce";
        Loss loss = lossName == null ? task.defaultLoss() : usage(() -> Loss.parse(lossName));
        if (labelSmoothing > 0) {
            if (!(loss instanceof SoftmaxCrossEntropy)) {
                throw new UsageException("--label-smoothing applies to the softmax cross-entropy (ce), not " + name);
            }
            loss = new SoftmaxCrossEntropy(labelSmoothing);
        }
        if (loss.task() != task) {
            throw new UsageException("--loss " + name + " does not fit this task (" + (regression ? "regression"
                    : task == Task.BINARY ? "two classes" : all.numClasses() + " classes") + ")");
        }
        return loss;
    }

    /** The training options beyond the optimizer: early stopping, clipping, penalties, short batches. */
    Trainer.Builder configure(Trainer.Builder tb, Sequential model) {
        if (patience > 0) {
            tb.earlyStopping(patience, minDelta);
        }
        if (clipNorm > 0) {
            tb.clipGradientNorm(clipNorm);
        }
        if (clipValue > 0) {
            tb.clipGradientValue(clipValue);
        }
        if (model.usesBatchStatistics()) {
            tb.dropLast(); // batch statistics of a last batch of 1 row do not exist
        }
        if (l1 > 0 || l2 > 0) {
            tb.penalty(Penalty.elasticNet(l1, l2));
        }
        return tb;
    }

    Optimizer optimizer(Sequential model) {
        return usage(() -> optimizer.build(model.parameters()));
    }

    /** A library call whose IllegalArgumentException (or IllegalStateException) is the user's mistake. */
    private static <T> T usage(Supplier<T> call) {
        return usage(call, "");
    }

    private static <T> T usage(Supplier<T> call, String prefix) {
        try {
            return call.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UsageException(prefix + e.getMessage());
        }
    }
}
