package dev.simdnn.cli;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.bench.BenchEnvironment;
import dev.simdnn.bench.StepProfile;
import dev.simdnn.io.Json;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.report.FmaPeak;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** {@code simdnn profile}: where one training step and one inference pass of the benchmark MLP spend their time. */
final class ProfileCommand {
    static final String HELP = """
            Usage: simdnn profile [options]
            The MLP 784-256-128-10 of the speed targets: the median time of each phase of a training
            step (zeroGrad, forward and backward per layer, loss, optimizer) and of an inference pass,
            its share, and the step's GFLOP/s beside this core's measured FMA peak. A profile, not a
            benchmark: quote JMH (simdnn bench TrainStepBench / InferenceBench) for speed.
              --backend NAME    scalar or simd (default: the best available)
              --threads N       GEMM threads (default: the backend's)
              --batch-size N    rows per step (default 128)
              --optimizer NAME  momentum (default) or adam
              --steps N         measured steps (default 300)
              --warmup N        unmeasured steps before them (default 3000: below ~1,000 calls the
                                small kernels, such as the loss, still run before C2 has compiled them,
                                several times slower than in steady state)
              --json            as JSON
            """;

    private ProfileCommand() {
    }

    static int run(String[] args, PrintStream out) {
        Options o = new Options(args, 1, Set.of("help", "json"));
        if (o.flag("help")) {
            out.print(HELP);
            return 0;
        }
        String backend = o.string("backend", null);
        int threads = o.integer("threads", 0, 1);
        int batch = o.integer("batch-size", 128, 1);
        String optimizer = o.string("optimizer", "momentum");
        int steps = o.integer("steps", 300, 1);
        int warmup = o.integer("warmup", StepProfile.DEFAULT_WARMUP, 0);
        boolean json = o.flag("json");
        o.rejectUnknown("profile");
        Kernels k;
        StepProfile.Result r;
        try {
            k = backend == null ? (threads == 0 ? KernelsProvider.best() : KernelsProvider.best(threads))
                    : KernelsProvider.byName(backend, threads);
            r = StepProfile.measure(k, batch, optimizer, warmup, steps);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UsageException(e.getMessage());
        }
        double peak = FmaPeak.measureGflops();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("setting", r.setting());
            m.put("environment", BenchEnvironment.describe());
            m.put("fmaPeakGflops", peak);
            m.put("trainStepMicros", r.trainStepNanos() / 1e3);
            m.put("trainGflops", r.trainGflops());
            m.put("inferenceMicros", r.inferenceNanos() / 1e3);
            m.put("training", phases(r.training()));
            m.put("inference", phases(r.inference()));
            out.print(Json.write(m));
            return 0;
        }
        out.printf(Locale.ROOT, "profile: %s; %s%n", r.setting(), BenchEnvironment.describe());
        out.printf(Locale.ROOT, "training step: %.1f µs median, %.1f GFLOP/s = %.0f%% of the FMA peak (%.0f GFLOP/s, one core)%n",
                r.trainStepNanos() / 1e3, r.trainGflops(), 100 * r.trainGflops() / peak, peak);
        print(out, r.training(), r.trainStepNanos());
        out.printf(Locale.ROOT, "inference pass: %.1f µs median%n", r.inferenceNanos() / 1e3);
        print(out, r.inference(), r.inferenceNanos());
        return 0;
    }

    private static void print(PrintStream out, List<StepProfile.Phase> phases, double total) {
        double gemm = 0;
        for (StepProfile.Phase p : phases) {
            out.printf(Locale.ROOT, "  %-52s %9.1f µs %5.1f%%%s%n", p.name(), p.medianNanos() / 1e3,
                    100 * p.medianNanos() / total, p.gemm() ? "  GEMM" : "");
            gemm += p.gemm() ? p.medianNanos() : 0;
        }
        out.printf(Locale.ROOT, "  GEMM-bound phases %.1f%%, the rest %.1f%% (medians per phase; their sum need not equal the median total)%n",
                100 * gemm / total, 100 * (total - gemm) / total);
    }

    private static List<Object> phases(List<StepProfile.Phase> phases) {
        List<Object> l = new ArrayList<>();
        for (StepProfile.Phase p : phases) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("phase", p.name());
            m.put("micros", p.medianNanos() / 1e3);
            m.put("gemm", p.gemm());
            l.add(m);
        }
        return l;
    }
}
