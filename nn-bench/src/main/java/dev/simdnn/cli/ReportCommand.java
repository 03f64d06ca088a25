package dev.simdnn.cli;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.bench.BenchEnvironment;
import dev.simdnn.bench.StepProfile;
import dev.simdnn.data.BundledData;
import dev.simdnn.data.Split;
import dev.simdnn.data.Standardizer;
import dev.simdnn.kernel.Activation;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Adam;
import dev.simdnn.report.Figure;
import dev.simdnn.report.FmaPeak;
import dev.simdnn.report.Peers;
import dev.simdnn.report.Report;
import dev.simdnn.simd.SimdConfig;
import dev.simdnn.train.EpochStats;
import dev.simdnn.train.Trainer;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code simdnn report}: benchmark sweep (or existing JMH JSON) → report.md, report.html, charts, results.json. */
final class ReportCommand {
    static final String HELP = """
            Usage: simdnn report --out DIR [--quick] [--from FILE.json] [--peers DIR]
            Runs a bounded JMH sweep (GEMM n = 64…1024 on simd/ejml/scalar, the MLP training step,
            activations, inference; under 5 minutes on 2 cores, --quick under 1) or reads JMH JSON
            results, measures this machine's FMA peak, trains the digits MLP for a training curve,
            and writes DIR/report.md, DIR/report.html (offline SVG charts), DIR/*.svg, DIR/results.json.

              --out DIR          where to write (created if missing)
              --quick            a smaller, shorter sweep
              --from FILE.json   use these JMH results (jmh -rf json) instead of running a sweep
              --peers DIR        draw the peers measured on this machine beside simdnn: the output
                                 directory of shared/perf/peers.sh (OpenBLAS SGEMM, PyTorch's MLP)
            """;

    private ReportCommand() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Options o = new Options(args, 1, Set.of("help", "quick"));
        if (o.flag("help")) {
            out.print(HELP);
            return 0;
        }
        String outDir = o.string("out", null);
        boolean quick = o.flag("quick");
        String from = o.string("from", null);
        String peersDir = o.string("peers", null);
        o.rejectUnknown("report");
        if (outDir == null) {
            throw new UsageException("report needs --out DIR");
        }
        Path dir = Path.of(outDir);
        Peers peers = null;
        if (peersDir != null) { // read before the sweep: a bad directory is said at once
            try {
                peers = Peers.read(Path.of(peersDir));
            } catch (IllegalArgumentException | IOException e) {
                throw new UsageException("--peers: " + e.getMessage());
            }
        }
        try {
            Files.createDirectories(dir);
            List<Figure> figures;
            String source;
            if (from != null) {
                Path file = Path.of(from);
                String json;
                try {
                    json = Files.readString(file);
                } catch (NoSuchFileException e) {
                    throw new UsageException("no such file: " + from);
                }
                try {
                    figures = Figure.fromJmhJson(json);
                } catch (RuntimeException e) {
                    throw new UsageException(from + " is not a JMH JSON result file: " + e.getMessage());
                }
                source = "JMH results from " + file.getFileName();
            } else {
                figures = sweep(dir, quick, out);
                source = "JMH sweep" + (quick ? " (--quick)" : "");
            }
            Map<String, Object> env = environment(source);
            out.printf(Locale.ROOT, "FMA peak: %.0f GFLOP/s on one core%n", (Double) env.get("fmaPeakGflops"));
            int epochs = quick ? 5 : 20;
            List<EpochStats> curve = trainingCurve(epochs);
            // enough warm-up for C2 to compile the step: fewer steps measured with --quick, not less warm-up
            StepProfile.Result profile = StepProfile.measure(KernelsProvider.best(1), 128, "momentum",
                    quick ? 1000 : StepProfile.DEFAULT_WARMUP, quick ? 100 : 300);
            Report report = new Report(figures, env, curve, "MLP 64-128-10 on UCI digits, Adam, batch 32 ("
                    + KernelsProvider.best().name() + ")").withProfile(profile);
            if (peers != null) {
                report.withPeers(peers);
            }
            List<String> charts = report.write(dir);
            out.println("wrote " + dir.resolve("report.html") + ", report.md, results.json and " + charts.size() + " SVG charts");
            return 0;
        } catch (IOException e) {
            throw new UsageException("cannot write the report to " + outDir + ": " + e.getMessage());
        } catch (RunnerException e) {
            throw new IllegalStateException("the benchmark sweep failed: " + e.getMessage(), e);
        }
    }

    static Map<String, Object> environment(String source) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("source", source);
        env.put("jdk", Runtime.version().toString() + " (" + System.getProperty("java.vm.name") + ")");
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        env.put("cpu", BenchEnvironment.describe().replaceFirst(".*, CPU ", ""));
        env.put("cores", Runtime.getRuntime().availableProcessors());
        env.put("backend", KernelsProvider.bestReason());
        env.put("vectorBits", SimdConfig.SPECIES.vectorBitSize());
        env.put("threads", SimdConfig.THREADS);
        env.put("fmaPeakGflops", FmaPeak.measureGflops());
        return env;
    }

    /** A real training run: loss and accuracy per epoch. */
    static List<EpochStats> trainingCurve(int epochs) {
        Split raw = Split.stratified(BundledData.digits(), 0.2, 42);
        Standardizer s = Standardizer.fit(raw.train().features());
        Sequential model = Mlp.builder().input(64).dense(128, Activation.RELU).dense(10).seed(42).build();
        return Trainer.builder(model, new SoftmaxCrossEntropy(), new Adam(model.parameters(), 1e-3f))
                .epochs(epochs).batchSize(32).seed(42).build().fit(s.transform(raw.train()));
    }

    private static List<Figure> sweep(Path dir, boolean quick, PrintStream out) throws RunnerException, IOException {
        List<Figure> all = new ArrayList<>();
        // Vector code needs C2: warm-up is at least one second per trial (200 ms measured the
        // interpreter: 3.9k instead of 92k training samples/s).
        String squares = quick ? "64x64x64:NN,256x256x256:NN,512x512x512:NN"
                : "64x64x64:NN,128x128x128:NN,256x256x256:NN,512x512x512:NN,1024x1024x1024:NN";
        String scalarSquares = quick ? "256x256x256:NN" : "64x64x64:NN,128x128x128:NN,256x256x256:NN,512x512x512:NN";
        run(all, dir, "gemm-simd-ejml", quick, base("dev.simdnn.bench.GemmBench.gemm")
                .param("backend", "simd", "ejml").param("threads", "1").param("shape", squares.split(",")), out);
        run(all, dir, "gemm-scalar", quick, base("dev.simdnn.bench.GemmBench.gemm")
                .param("backend", "scalar").param("threads", "1").param("shape", scalarSquares.split(",")), out);
        run(all, dir, "train", quick, base("dev.simdnn.bench.TrainStepBench.step")
                .param("backend", "simd", "scalar").param("threads", quick ? new String[] {"1"} : new String[] {"1", "2"})
                .param("batch", "128").param("optimizer", quick ? new String[] {"momentum"} : new String[] {"momentum", "adam"}), out);
        run(all, dir, "activations", quick, base("dev.simdnn.bench.ActivationBench" + (quick ? ".forward" : ""))
                .param("backend", "simd", "scalar")
                .param("activation", quick ? new String[] {"tanh"} : new String[] {"relu", "tanh", "gelu"}), out);
        run(all, dir, "inference", quick, base("dev.simdnn.bench.InferenceBench.latency$")
                .param("backend", "simd", "scalar"), out);
        return all;
    }

    private static ChainedOptionsBuilder base(String include) {
        return new OptionsBuilder().include(include).forks(1).shouldFailOnError(true);
    }

    private static void run(List<Figure> all, Path dir, String name, boolean quick, ChainedOptionsBuilder b,
                            PrintStream out) throws RunnerException, IOException {
        Path json = dir.resolve("jmh-" + name + ".json");
        out.println("benchmarks: " + name + " …");
        b.warmupIterations(quick ? 2 : 3).warmupTime(TimeValue.milliseconds(quick ? 500 : 1000))
                .measurementIterations(quick ? 2 : 3).measurementTime(TimeValue.milliseconds(quick ? 250 : 500))
                .resultFormat(ResultFormatType.JSON).result(json.toString()).verbosity(org.openjdk.jmh.runner.options.VerboseMode.SILENT);
        new Runner(b.build()).run();
        all.addAll(Figure.fromJmhJson(Files.readString(json)));
    }
}
