package dev.simdnn.cli;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.data.Dataset;
import dev.simdnn.data.Standardizer;
import dev.simdnn.io.AtomicFiles;
import dev.simdnn.io.Json;
import dev.simdnn.io.ModelFile;
import dev.simdnn.io.SavedModel;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Parameter;
import dev.simdnn.loss.Loss;
import dev.simdnn.metrics.LayerStatistics;
import dev.simdnn.metrics.RegressionMetrics;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Optimizer;
import dev.simdnn.predict.Evaluation;
import dev.simdnn.predict.Predictor;
import dev.simdnn.train.EpochStats;
import dev.simdnn.train.Trainer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code simdnn train}: trains an MLP on a bundled data set and reports per-epoch and test figures. */
final class TrainCommand {
    static final String HELP = """
            Usage: simdnn train [options]
            Trains an MLP on a data set; progress on stderr, then the test metrics and a confusion matrix.

            """ + TrainSetup.OPTIONS_HELP + """
              --backend NAME         scalar or simd (default: the best available)
              --out FILE             save the trained model (with its scaling and labels)
              --json                 results as JSON on stdout (progress stays on stderr)
              --stats                per-layer activation and gradient statistics (mean, std,
                                     saturated, zero, histogram) on a training batch, before and after
              --help                 this text
            """;

    private TrainCommand() {
    }

    /** One forward and backward on the first (up to) 256 training rows, layer by layer. */
    private static void printStats(PrintStream text, String when, Sequential model, Dataset train, Loss loss) {
        int rows = Math.min(256, train.size());
        text.printf(Locale.ROOT, "layer statistics %s (%d training rows; act = outputs, grad = dL/doutputs, |dθ| = "
                + "parameter gradient norm):%n", when, rows);
        for (LayerStatistics s : LayerStatistics.measure(model, train.features().rows(0, rows),
                train.targets().rows(0, rows), loss)) {
            text.println("  " + s);
        }
        model.parameters().forEach(Parameter::zeroGrad);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Options o = new Options(args, 1, Set.of("help", "json", "nesterov", "stats"));
        if (o.flag("help")) {
            out.print(HELP);
            return 0;
        }
        TrainSetup setup = new TrainSetup(o);
        String backend = o.string("backend", null);
        String outFile = o.string("out", null);
        boolean json = o.flag("json");
        boolean stats = o.flag("stats");
        o.rejectUnknown("train");
        PrintStream text = json ? new PrintStream(OutputStream.nullOutputStream()) : out;
        Kernels kernels = setup.kernels(backend);
        if (outFile != null) {
            try {
                AtomicFiles.checkWritable(Path.of(outFile)); // before training, not after it
            } catch (IOException e) {
                throw new UsageException(e.getMessage());
            }
        }
        setup.loadData();
        Dataset all = setup.all;
        Dataset train = setup.train;
        Dataset test = setup.test;
        Standardizer scaler = setup.scaler;
        String dataName = setup.dataName;
        int epochs = setup.epochs;
        int batch = setup.batch;
        long seed = setup.seed;
        Sequential model = setup.model(kernels);
        Loss loss = setup.loss();
        Optimizer opt = setup.optimizer(model);

        text.printf(Locale.ROOT, "data: %s, %d train / %d test examples, %d features, %d classes%n",
                dataName, train.size(), test.size(), all.featureCount(), all.numClasses());
        text.printf(Locale.ROOT, "model: %s (%d parameters), loss %s, optimizer %s%n",
                model, model.parameterCount(), loss, opt);
        text.printf(Locale.ROOT, "backend: %s%n", backend == null ? KernelsProvider.bestReason()
                : kernels.name() + " (chosen with --backend)");

        Progress progress = new Progress(err, epochs, batch);
        Trainer.Builder tb = Trainer.builder(model, loss, opt).epochs(epochs).batchSize(batch).seed(seed)
                .schedule(setup.schedule).listener(progress);
        setup.configure(tb, model);
        Trainer trainer = tb.build();
        if (stats) {
            printStats(text, "before training", model, train, loss);
        }
        long start = System.nanoTime();
        List<EpochStats> history = trainer.fit(train, setup.validation);
        if (setup.patience > 0) {
            text.printf(Locale.ROOT, "early stopping: ran %d epochs, restored the weights of epoch %d%n", history.size(),
                    trainer.bestEpoch());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (stats) {
            printStats(text, "after training", model, train, loss);
        }
        Evaluation e = trainer.evaluate(test);
        if (setup.regression) {
            RegressionMetrics rm = RegressionMetrics.of(test.targets().toArray(),
                    model.predict(test.features()).toArray());
            text.printf(Locale.ROOT, "test: loss %.4f (%s, %d examples)  MSE %.4g  MAE %.4g  R² %.4f  trained in %.2f s on the %s backend%n",
                    e.loss(), loss, e.examples(), rm.mse(), rm.mae(), rm.r2(), seconds, kernels.name());
        } else {
            text.printf(Locale.ROOT, "test: loss %.4f  accuracy %.4f (%d examples)  trained in %.2f s on the %s backend%n",
                    e.loss(), e.accuracy(), e.examples(), seconds, kernels.name());
        }
        if (!setup.regression) {
            text.print(ConfusionMatrix.of(new Predictor(model, setup.task), test).format(all.classNames()));
        }
        if (outFile != null) {
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("data", dataName);
            meta.put("task", setup.regression ? "regression" : "classification");
            meta.put("loss", loss.toString());
            meta.put("epochs", Integer.toString(epochs));
            meta.put("optimizer", opt.toString());
            meta.put("seed", Long.toString(seed));
            meta.put("test_accuracy", String.format(Locale.ROOT, "%.4f", e.accuracy()));
            try {
                ModelFile.save(new SavedModel(model, setup.task, scaler, setup.regression ? List.of() : all.classNames(),
                        meta), Path.of(outFile));
            } catch (IOException ex) {
                throw new UsageException(ex.getMessage());
            }
            text.println("saved " + outFile);
        }
        if (json) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("data", dataName);
            r.put("model", model.toString());
            r.put("parameters", model.parameterCount());
            r.put("backend", kernels.name());
            List<Object> curve = new ArrayList<>();
            for (EpochStats st : history) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("epoch", st.epoch());
                m.put("loss", (double) st.loss());
                m.put("accuracy", (double) st.accuracy());
                m.put("samplesPerSecond", st.samplesPerSecond());
                curve.add(m);
            }
            r.put("epochs", curve);
            r.put("testLoss", (double) e.loss());
            r.put("testAccuracy", (double) e.accuracy());
            r.put("testExamples", e.examples());
            r.put("seconds", seconds);
            if (outFile != null) {
                r.put("savedTo", outFile);
            }
            out.print(Json.write(r));
        }
        return 0;
    }
}
