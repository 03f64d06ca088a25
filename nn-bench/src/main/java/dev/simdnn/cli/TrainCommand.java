package dev.simdnn.cli;

import dev.simdnn.data.Dataset;
import dev.simdnn.data.Split;
import dev.simdnn.data.Standardizer;
import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.kernel.KernelsProvider;
import dev.simdnn.loss.BinaryCrossEntropy;
import dev.simdnn.loss.Loss;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Adam;
import dev.simdnn.optim.Momentum;
import dev.simdnn.optim.Optimizer;
import dev.simdnn.optim.Sgd;
import dev.simdnn.train.EpochStats;
import dev.simdnn.train.Evaluation;
import dev.simdnn.train.Trainer;
import dev.simdnn.train.TrainingListener;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;

/** {@code simdnn train}: trains an MLP on a bundled data set and reports per-epoch and test figures. */
final class TrainCommand {
    static final String HELP = """
            Usage: simdnn train [options]
            Trains an MLP on a data set, printing loss and accuracy per epoch and the test accuracy.

              --data NAME            digits (default), breast-cancer, iris, fashion-mnist[=DIR]
                                     (official split; apt-get install -y dataset-fashion-mnist), or FILE.csv
              --label COLUMN         label column of a CSV: name or index (default: the last)
              --layers N,N,...       hidden layer widths (default 128,64)
              --activation NAME      hidden activation: relu (default), tanh, sigmoid, leaky_relu,
                                     elu, selu, gelu, swish, softplus
              --optimizer NAME       adam (default), momentum, sgd
              --lr X                 learning rate (default 0.001 for adam, 0.05 otherwise)
              --epochs N             passes over the training set (default 40)
              --batch-size N         examples per step (default 32)
              --test-fraction X      held-out test share, stratified (default 0.2; not for fashion-mnist)
              --seed N               seed of the split, the weights and the shuffling (default 42)
              --backend NAME         scalar or simd (default: the best available)
              --out FILE             save the trained model (with its scaling and labels)
              --threads N            GEMM threads of the SIMD backend (default: all cores)
              --delimiter C          CSV cell separator (default ,)
              --help                 this text
            """;

    private TrainCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Options o = new Options(args, 1, Set.of("help"));
        if (o.flag("help")) {
            out.print(HELP);
            return 0;
        }
        String dataName = o.string("data", "digits");
        String layersSpec = o.string("layers", "128,64");
        Activation act = parseActivation(o.string("activation", "relu"));
        String optName = o.string("optimizer", "adam").toLowerCase(Locale.ROOT);
        float lr = o.real("lr", optName.equals("adam") ? 0.001f : 0.05f);
        int epochs = o.integer("epochs", 40, 1);
        int batch = o.integer("batch-size", 32, 1);
        float testFraction = o.real("test-fraction", 0.2f);
        long seed = o.longValue("seed", 42);
        String backend = o.string("backend", null);
        String label = o.string("label", null);
        String delimiter = o.string("delimiter", ",");
        int threads = o.integer("threads", 0, 1);
        String outFile = o.string("out", null);
        o.rejectUnknown("train");

        if (threads > 0) {
            // read by the SIMD backend when it is first used, which is below
            System.setProperty("simdnn.threads", Integer.toString(threads));
        }
        if (delimiter.length() != 1) {
            throw new UsageException("--delimiter must be one character, got '" + delimiter + "'");
        }
        DataOption.delimiter = delimiter.charAt(0);
        Kernels kernels;
        try {
            kernels = backend == null ? KernelsProvider.best() : KernelsProvider.byName(backend);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UsageException(e.getMessage());
        }
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new UsageException("--test-fraction must be in (0, 1), got " + testFraction);
        }
        Split split = DataOption.split(dataName, label, testFraction, seed);
        Dataset all = split.train();
        Standardizer scaler = Standardizer.fit(split.train().features());
        Dataset train = scaler.transform(split.train());
        Dataset test = scaler.transform(split.test());

        boolean binary = all.numClasses() == 2;
        Mlp.Builder mb = Mlp.builder().input(all.featureCount()).seed(seed).kernels(kernels);
        for (String w : layersSpec.split(",")) {
            if (w.isBlank()) {
                continue;
            }
            try {
                mb.dense(Integer.parseInt(w.trim()), act);
            } catch (NumberFormatException e) {
                throw new UsageException("--layers needs comma-separated widths like 128,64, got '" + layersSpec + "'");
            } catch (IllegalArgumentException e) {
                throw new UsageException("--layers: " + e.getMessage());
            }
        }
        Sequential model = mb.dense(binary ? 1 : all.numClasses()).build();
        Loss loss = binary ? new BinaryCrossEntropy() : new SoftmaxCrossEntropy();
        Optimizer opt;
        try {
            opt = switch (optName) {
                case "sgd" -> new Sgd(model.parameters(), lr);
                case "momentum" -> new Momentum(model.parameters(), lr, 0.9f);
                case "adam" -> new Adam(model.parameters(), lr);
                default -> throw new UsageException("unknown optimizer '" + optName + "'; known: sgd, momentum, adam");
            };
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }

        out.printf(Locale.ROOT, "data: %s, %d train / %d test examples, %d features, %d classes%n",
                dataName, train.size(), test.size(), all.featureCount(), Math.max(all.numClasses(), test.numClasses()));
        out.printf(Locale.ROOT, "model: %s (%d parameters), loss %s, optimizer %s%n",
                model, model.parameterCount(), loss, opt);
        out.printf(Locale.ROOT, "backend: %s%n", backend == null ? KernelsProvider.bestReason()
                : kernels.name() + " (chosen with --backend)");

        Progress progress = new Progress(err, epochs);
        Trainer trainer = Trainer.builder(model, loss, opt).epochs(epochs).batchSize(batch).seed(seed)
                .listener(progress).build();
        long start = System.nanoTime();
        trainer.fit(train);
        double seconds = (System.nanoTime() - start) / 1e9;
        Evaluation e = trainer.evaluate(test);
        out.printf(Locale.ROOT, "test: loss %.4f  accuracy %.4f (%d examples)  trained in %.2f s on the %s backend%n",
                e.loss(), e.accuracy(), e.examples(), seconds, kernels.name());
        out.print(ConfusionMatrix.of(model, test, binary).format(all.classNames()));
        if (outFile != null) {
            java.util.Map<String, String> meta = new java.util.LinkedHashMap<>();
            meta.put("data", dataName);
            meta.put("epochs", Integer.toString(epochs));
            meta.put("optimizer", opt.toString());
            meta.put("seed", Long.toString(seed));
            meta.put("test_accuracy", String.format(Locale.ROOT, "%.4f", e.accuracy()));
            try {
                dev.simdnn.io.ModelFile.save(new dev.simdnn.io.SavedModel(model, scaler, all.classNames(), meta),
                        java.nio.file.Path.of(outFile));
            } catch (java.io.IOException ex) {
                throw new UsageException("cannot write " + outFile + ": " + ex.getMessage());
            }
            out.println("saved " + outFile);
        }
        return 0;
    }

    private static Activation parseActivation(String name) {
        try {
            return Activation.parse(name);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }
}
