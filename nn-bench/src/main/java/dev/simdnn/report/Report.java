package dev.simdnn.report;

import dev.simdnn.bench.StepProfile;
import dev.simdnn.io.AtomicFiles;
import dev.simdnn.io.Json;
import dev.simdnn.train.EpochStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns benchmark figures, the environment and a training curve into {@code report.md},
 * {@code report.html} (XHTML with inline SVG), one {@code .svg} per chart, and
 * {@code results.json}. Every file is written atomically (temp file, fsync, rename).
 */
public final class Report {
    private final List<Figure> figures;
    private final Map<String, Object> environment;
    private final List<EpochStats> curve;
    private final String curveTitle;
    private StepProfile.Result profile;
    private Peers peers;

    public Report(List<Figure> figures, Map<String, Object> environment, List<EpochStats> curve, String curveTitle) {
        this.figures = List.copyOf(figures);
        this.environment = new LinkedHashMap<>(environment);
        this.curve = List.copyOf(curve);
        this.curveTitle = curveTitle;
    }

    /** Adds the per-phase profile of a training step and an inference pass (a stacked-bar chart and a table). */
    public Report withProfile(StepProfile.Result profile) {
        this.profile = profile;
        return this;
    }

    /** Adds the peers' figures from this machine (OpenBLAS in the GEMM chart, PyTorch in the training chart and a table). */
    public Report withPeers(Peers peers) {
        this.peers = peers;
        return this;
    }

    /** Writes every file into {@code dir} (created if needed); returns the chart titles written. */
    public List<String> write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, String> charts = new LinkedHashMap<>();
        charts.put("gemm.svg", gemmChart());
        charts.put("train.svg", trainChart());
        charts.put("speedup.svg", speedupChart());
        charts.put("curve.svg", curveChart());
        if (profile != null) {
            charts.put("profile.svg", profileChart());
        }
        for (Map.Entry<String, String> c : charts.entrySet()) {
            AtomicFiles.write(dir.resolve(c.getKey()), c.getValue());
        }
        AtomicFiles.write(dir.resolve("report.md"), markdown(charts));
        AtomicFiles.write(dir.resolve("report.html"), html(charts));
        AtomicFiles.write(dir.resolve("results.json"), Json.write(resultsJson()));
        return new ArrayList<>(charts.keySet());
    }

    // ------------------------------------------------------------------ charts

    private String gemmChart() {
        Map<String, List<double[]>> byBackend = new TreeMap<>();
        for (Figure f : figures) {
            if (f.shortName().equals("GemmBench.gemm") && f.metric().equals("flops") && f.param("threads").equals("1")) {
                String[] s = f.param("shape").split("[x:]");
                if (s.length == 4 && s[0].equals(s[1]) && s[1].equals(s[2])) {
                    byBackend.computeIfAbsent(f.param("backend"), k -> new ArrayList<>())
                            .add(new double[] {Double.parseDouble(s[0]), f.score() / 1e9, f.error() / 1e9});
                }
            }
        }
        List<Svg.Series> series = new ArrayList<>();
        byBackend.forEach((k, v) -> {
            v.sort(Comparator.comparingDouble(p -> p[0]));
            series.add(new Svg.Series(k, v));
        });
        if (peers != null && !peers.sgemmSquare().isEmpty()) {
            List<double[]> ob = new ArrayList<>();
            peers.sgemmSquare().forEach((n, g) -> ob.add(new double[] {n, g, Double.NaN}));
            series.add(new Svg.Series("OpenBLAS (peer)", ob));
        }
        double peak = environment.get("fmaPeakGflops") instanceof Number n ? n.doubleValue() : 0;
        return Svg.lineChart("SGEMM, one thread (n × n × n)", "n", "GFLOP/s", series, true, true, peak,
                String.format(Locale.ROOT, "FMA peak %.0f", peak));
    }

    private String trainChart() {
        List<Svg.Bar> bars = new ArrayList<>();
        for (Figure f : figures) {
            if (f.shortName().equals("TrainStepBench.step") && f.metric().equals("samples")) {
                bars.add(new Svg.Bar(f.param("backend") + " " + f.param("threads") + "T b" + f.param("batch") + " "
                        + f.param("optimizer"), f.score(), f.error(), f.param("backend").equals("simd") ? 0 : 1));
            }
        }
        bars.sort(Comparator.comparing(Svg.Bar::label));
        if (peers != null) {
            peers.torchTrain().forEach((opt, v) -> bars.add(new Svg.Bar("PyTorch 1T b128 " + opt, v, Double.NaN, 2)));
        }
        return Svg.barChart("Training step, MLP 784-256-128-10", "samples/s", bars, "T = threads, b = batch");
    }

    /** SIMD over scalar for every benchmark that ran on both with otherwise equal parameters. */
    List<Svg.Bar> speedups() {
        Map<String, Figure> simd = new LinkedHashMap<>();
        Map<String, Figure> scalar = new LinkedHashMap<>();
        for (Figure f : figures) {
            String backend = f.param("backend");
            if (!backend.equals("simd") && !backend.equals("scalar")) {
                continue;
            }
            if (!f.metric().equals("flops") && !f.metric().equals("samples") && !f.metric().equals("elements")
                    && !f.shortName().equals("InferenceBench.latency")) {
                continue;
            }
            if (f.shortName().equals("InferenceBench.latency") && !f.metric().equals("avgt")) {
                continue;
            }
            Map<String, String> key = new TreeMap<>(f.params());
            key.remove("backend");
            String k = f.shortName() + ":" + f.metric() + key;
            (backend.equals("simd") ? simd : scalar).put(k, f);
        }
        List<Svg.Bar> bars = new ArrayList<>();
        for (Map.Entry<String, Figure> e : simd.entrySet()) {
            Figure s = e.getValue();
            Figure r = scalar.get(e.getKey());
            if (r == null || r.score() <= 0) {
                continue;
            }
            boolean lowerIsBetter = s.metric().equals("avgt");
            double ratio = lowerIsBetter ? r.score() / s.score() : s.score() / r.score();
            Map<String, String> p = new TreeMap<>(s.params());
            p.remove("backend");
            p.remove("threads");
            String kernel = s.shortName().replace("Bench", "").replace(".gemm", "").replace(".step", "")
                    .replace(":NN", "");
            bars.add(new Svg.Bar(kernel + " " + String.join(" ", p.values()).replace(":NN", ""), ratio, Double.NaN, 2));
        }
        return bars;
    }

    /** The step and the pass as stacked phases (µs), with the time the step would take at the FMA peak. */
    String profileChart() {
        List<Svg.Stack> stacks = new ArrayList<>();
        stacks.add(new Svg.Stack("training step", segments(profile.training())));
        stacks.add(new Svg.Stack("inference pass", segments(profile.inference())));
        double peak = environment.get("fmaPeakGflops") instanceof Number n ? n.doubleValue() : 0;
        double floor = peak > 0 ? profile.flopsPerTrainingStep() / peak / 1e3 : 0; // µs
        return Svg.stackedBarChart("Where the time goes: " + profile.setting(), "µs (median per phase)", stacks,
                "GEMM-bound (dense)", "other", floor, String.format(Locale.ROOT, "training step at the FMA peak: %.0f µs", floor));
    }

    /** "forward 0: Dense(…)" → "fwd 0", "optimizer: adam" → "adam": what fits on a segment. */
    static String shortLabel(String phase) {
        String head = phase.contains(":") ? phase.substring(0, phase.indexOf(':')) : phase;
        String tail = phase.contains(":") ? phase.substring(phase.indexOf(':') + 1).trim() : "";
        return switch (head.split(" ")[0]) {
            case "forward" -> "fwd " + head.split(" ")[1];
            case "backward" -> "bwd " + head.split(" ")[1];
            case "inference" -> "layer " + head.split(" ")[1];
            case "optimizer" -> tail;
            case "loss" -> "loss";
            default -> head;
        };
    }

    private static List<Svg.Segment> segments(List<StepProfile.Phase> phases) {
        List<Svg.Segment> s = new ArrayList<>();
        for (StepProfile.Phase p : phases) {
            s.add(new Svg.Segment(p.name(), shortLabel(p.name()), p.medianNanos() / 1e3, p.gemm()));
        }
        return s;
    }

    private String speedupChart() {
        return Svg.barChart("SIMD / scalar speed-up per kernel", "× faster", speedups(), "same run, same parameters");
    }

    private String curveChart() {
        List<double[]> loss = new ArrayList<>();
        List<double[]> acc = new ArrayList<>();
        for (EpochStats s : curve) {
            loss.add(new double[] {s.epoch(), s.loss(), Double.NaN});
            acc.add(new double[] {s.epoch(), s.accuracy(), Double.NaN});
        }
        return Svg.lineChart(curveTitle, "epoch", "loss / accuracy",
                List.of(new Svg.Series("training loss", loss), new Svg.Series("training accuracy", acc)), false, 0, "");
    }

    // ------------------------------------------------------------------ documents

    private String markdown(Map<String, String> charts) {
        StringBuilder b = new StringBuilder("# simdnn benchmark report\n\n");
        b.append("| environment | |\n|---|---|\n");
        environment.forEach((k, v) -> b.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        b.append('\n');
        for (String file : charts.keySet()) {
            b.append("![").append(file).append("](").append(file).append(")\n\n");
        }
        b.append("## Every figure\n\n| benchmark | parameters | metric | score | ± error | unit |\n|---|---|---|---|---|---|\n");
        for (Figure f : figures) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %.4g | %.2g | %s |%n", f.shortName(), f.params(),
                    f.metric(), f.score(), f.error(), f.unit()));
        }
        b.append("\nErrors are JMH's 99.9% confidence half-widths; GFLOP/s = `flops` / 1e9.\n");
        if (peers != null) {
            b.append("\n## Peers on this machine (shared/perf/peers.sh, one thread)\n\n| peer | figure | value |\n|---|---|---|\n");
            peers.sgemmSquare().forEach((n, g) -> b.append(String.format(Locale.ROOT, "| OpenBLAS | SGEMM n = %d | %.1f GFLOP/s |%n", n, g)));
            peers.torchTrain().forEach((o, v) -> b.append(String.format(Locale.ROOT, "| PyTorch | train %s, batch 128 | %.0f samples/s |%n", o, v)));
            if (!Double.isNaN(peers.torchInfer128())) {
                b.append(String.format(Locale.ROOT, "| PyTorch | inference batch 128 | %.0f samples/s |%n", peers.torchInfer128()));
                b.append(String.format(Locale.ROOT, "| PyTorch | batch-1 latency | %.1f µs |%n", peers.torchLatencyMicros()));
            }
        }
        if (profile != null) {
            b.append("\n## Where the time goes (").append(profile.setting()).append(")\n\n")
                    .append("Medians per phase of `simdnn profile` (a profile, not a benchmark; quote JMH for speed).\n\n")
                    .append("| phase | µs | share | GEMM-bound |\n|---|---|---|---|\n");
            for (List<StepProfile.Phase> part : List.of(profile.training(), profile.inference())) {
                double total = part == profile.training() ? profile.trainStepNanos() : profile.inferenceNanos();
                for (StepProfile.Phase p : part) {
                    b.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f%% | %s |%n", p.name(), p.medianNanos() / 1e3,
                            100 * p.medianNanos() / total, p.gemm() ? "yes" : ""));
                }
            }
            b.append(String.format(Locale.ROOT, "%nTraining step: %.1f µs median, %.1f GFLOP/s.%n",
                    profile.trainStepNanos() / 1e3, profile.trainGflops()));
        }
        return b.toString();
    }

    private String html(Map<String, String> charts) {
        StringBuilder b = new StringBuilder();
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n");
        b.append("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"UTF-8\"/>");
        b.append("<title>simdnn benchmark report</title><style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;}"
                + "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}"
                + "td:first-child,th:first-child{text-align:left}</style></head><body>\n");
        b.append("<h1>simdnn benchmark report</h1>\n<table>");
        environment.forEach((k, v) -> b.append("<tr><th>").append(Svg.esc(k)).append("</th><td>")
                .append(Svg.esc(String.valueOf(v))).append("</td></tr>"));
        b.append("</table>\n");
        for (String svg : charts.values()) {
            b.append("<div class=\"chart\">\n").append(svg).append("</div>\n");
        }
        b.append("<h2>Every figure</h2>\n<table><tr><th>benchmark</th><th>parameters</th><th>metric</th><th>score</th>"
                + "<th>± error</th><th>unit</th></tr>\n");
        for (Figure f : figures) {
            b.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%.4g</td><td>%.2g</td><td>%s</td></tr>%n",
                    Svg.esc(f.shortName()), Svg.esc(f.params().toString()), Svg.esc(f.metric()), f.score(), f.error(),
                    Svg.esc(f.unit())));
        }
        b.append("</table>\n<p>Errors are JMH's 99.9% confidence half-widths; GFLOP/s = flops / 1e9.</p>\n</body></html>\n");
        return b.toString();
    }

    private Map<String, Object> resultsJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("environment", environment);
        List<Object> figs = new ArrayList<>();
        for (Figure f : figures) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("benchmark", f.benchmark());
            m.put("params", f.params());
            m.put("metric", f.metric());
            m.put("score", f.score());
            m.put("error", f.error());
            m.put("unit", f.unit());
            figs.add(m);
        }
        root.put("figures", figs);
        List<Object> c = new ArrayList<>();
        for (EpochStats s : curve) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", s.epoch());
            m.put("loss", (double) s.loss());
            m.put("accuracy", (double) s.accuracy());
            c.add(m);
        }
        root.put("trainingCurve", c);
        return root;
    }
}
