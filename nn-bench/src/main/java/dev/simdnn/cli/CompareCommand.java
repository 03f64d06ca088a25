package dev.simdnn.cli;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.io.Json;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Parameter;
import dev.simdnn.loss.Loss;
import dev.simdnn.nn.Sequential;
import dev.simdnn.predict.Evaluation;
import dev.simdnn.predict.Evaluator;
import dev.simdnn.train.EpochStats;
import dev.simdnn.train.Trainer;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code simdnn compare}: the same network, seed and data trained on the scalar reference and on
 * the SIMD backend: time per epoch, speed-up, final metrics of both, and the largest difference
 * between their weights. "SIMD against scalar backprop" as one command.
 */
final class CompareCommand {
    static final String HELP = """
            Usage: simdnn compare [options]
            Trains the same MLP with the same seed on the scalar and the SIMD backend and compares
            time per epoch, test metrics and the final weights. The first epoch (JIT warm-up) is left
            out of the timing; short runs on small networks still understate the SIMD backend.

            """ + TrainSetup.OPTIONS_HELP + """
              --json                 machine-readable result on stdout
              --help                 this text
            """;

    private CompareCommand() {
    }

    private record Run(String backend, List<EpochStats> epochs, Evaluation test, Sequential model) {
        double meanEpochSeconds() {
            // the first epoch includes JIT warm-up: report the mean of the rest when there are any
            List<EpochStats> steady = epochs.size() > 1 ? epochs.subList(1, epochs.size()) : epochs;
            return steady.stream().mapToDouble(EpochStats::seconds).average().orElse(Double.NaN);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Options o = new Options(args, 1, Set.of("help", "json", "nesterov"));
        if (o.flag("help")) {
            out.print(HELP);
            return 0;
        }
        TrainSetup setup = new TrainSetup(o);
        boolean json = o.flag("json");
        o.rejectUnknown("compare");
        Kernels simd;
        try {
            simd = KernelsProvider.byName("simd", setup.threads);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UsageException("compare needs the SIMD backend: " + e.getMessage());
        }
        setup.loadData();
        List<Run> runs = new ArrayList<>();
        for (Kernels k : List.of(KernelsProvider.byName("scalar"), simd)) {
            err.println("training on " + k.name() + " …");
            Sequential model = setup.model(k);
            Loss loss = setup.loss();
            List<EpochStats> epochs = setup.configure(Trainer.builder(model, loss, setup.optimizer(model))
                    .epochs(setup.epochs).batchSize(setup.batch).seed(setup.seed).schedule(setup.schedule), model).build()
                    .fit(setup.train, setup.validation);
            Evaluation e = new Evaluator(model, loss).evaluate(setup.test);
            runs.add(new Run(k.name(), epochs, e, model));
        }
        Run scalar = runs.get(0);
        Run vector = runs.get(1);
        double maxDiff = 0;
        String where = "";
        Map<String, Parameter> a = scalar.model().namedParameters();
        Map<String, Parameter> b = vector.model().namedParameters();
        for (Map.Entry<String, Parameter> e : a.entrySet()) {
            float[] x = e.getValue().value().toArray();
            float[] y = b.get(e.getKey()).value().toArray();
            for (int i = 0; i < x.length; i++) {
                double d = Math.abs((double) x[i] - y[i]);
                if (d > maxDiff) {
                    maxDiff = d;
                    where = e.getKey() + "[" + i + "]";
                }
            }
        }
        double speedup = scalar.meanEpochSeconds() / vector.meanEpochSeconds();
        if (json) {
            Map<String, Object> root = new LinkedHashMap<>();
            root.put("data", setup.dataName);
            root.put("model", vector.model().toString());
            for (Run r : runs) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("secondsPerEpoch", r.meanEpochSeconds());
                m.put("testLoss", (double) r.test().loss());
                m.put("testAccuracy", (double) r.test().accuracy());
                root.put(r.backend(), m);
            }
            root.put("speedup", speedup);
            root.put("maxWeightDifference", maxDiff);
            root.put("maxWeightDifferenceAt", where);
            out.print(Json.write(root));
            return 0;
        }
        out.printf(Locale.ROOT, "data: %s, model: %s%n", setup.dataName, vector.model());
        out.printf(Locale.ROOT, "%-8s %14s %10s %10s%n", "backend", "s/epoch", "test loss", "accuracy");
        for (Run r : runs) {
            out.printf(Locale.ROOT, "%-8s %14.4f %10.4f %10.4f%n", r.backend(), r.meanEpochSeconds(), r.test().loss(),
                    r.test().accuracy());
        }
        out.printf(Locale.ROOT, "speed-up (simd over scalar, epochs after the first): %.1fx%n", speedup);
        out.printf(Locale.ROOT, "largest weight difference after training: %.3g at %s%n", maxDiff, where);
        return 0;
    }
}
