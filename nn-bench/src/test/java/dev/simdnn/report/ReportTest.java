package dev.simdnn.report;

import dev.simdnn.cli.Main;
import dev.simdnn.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code simdnn report --from}: well-formed XHTML whose every chart has data points; results.json complete. */
class ReportTest {
    private static final String SVG = "http://www.w3.org/2000/svg";

    /** A JMH result entry as JMH writes it (-rf json), with one secondary metric. */
    private static String entry(String bench, String params, String mode, double score, String secondary, double sec) {
        return String.format(Locale.ROOT, """
                {"jmhVersion":"1.37","benchmark":"dev.simdnn.bench.%s","mode":"%s","threads":1,"forks":1,
                 "params":{%s},
                 "primaryMetric":{"score":%s,"scoreError":%s,"scoreUnit":"ops/s","rawData":[[1.0]]},
                 "secondaryMetrics":{"%s":{"score":%s,"scoreError":%s,"scoreUnit":"ops/s"}}}""",
                bench, mode, params, score, score * 0.05, secondary, sec, sec * 0.05);
    }

    private static String fixture() {
        StringBuilder b = new StringBuilder("[");
        String[] backends = {"simd", "scalar", "ejml"};
        double[] speed = {130e9, 4.5e9, 6e9};
        for (int i = 0; i < 3; i++) {
            for (int n : new int[] {64, 256, 512}) {
                b.append(entry("GemmBench.gemm", "\"backend\":\"" + backends[i] + "\",\"shape\":\"" + n + "x" + n + "x" + n
                        + ":NN\",\"threads\":\"1\"", "thrpt", speed[i] / (2.0 * n * n * n), "flops", speed[i])).append(',');
            }
        }
        b.append(entry("TrainStepBench.step", "\"backend\":\"simd\",\"batch\":\"128\",\"optimizer\":\"momentum\",\"threads\":\"1\"",
                "thrpt", 720, "samples", 92_000)).append(',');
        b.append(entry("TrainStepBench.step", "\"backend\":\"scalar\",\"batch\":\"128\",\"optimizer\":\"momentum\",\"threads\":\"1\"",
                "thrpt", 30, "samples", 3_900)).append(',');
        b.append(entry("ActivationBench.forward", "\"activation\":\"tanh\",\"backend\":\"simd\"", "thrpt", 33_000,
                "elements", 1.1e9)).append(',');
        b.append(entry("ActivationBench.forward", "\"activation\":\"tanh\",\"backend\":\"scalar\"", "thrpt", 3_100,
                "elements", 1.0e8));
        return b.append("]").toString();
    }

    private static int run(String... args) {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return Main.run(args, quiet, quiet);
    }

    @Test
    void reportFromJmhJson(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("jmh.json");
        Files.writeString(json, fixture());
        Path out = dir.resolve("report");
        assertEquals(0, run("report", "--from", json.toString(), "--out", out.toString(), "--quick"));

        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document doc = f.newDocumentBuilder().parse(out.resolve("report.html").toFile()); // throws unless well-formed
        NodeList svgs = doc.getElementsByTagNameNS(SVG, "svg");
        assertEquals(5, svgs.getLength(), "GEMM, training, speed-up, training-curve and profile charts");
        for (int i = 0; i < svgs.getLength(); i++) {
            Element svg = (Element) svgs.item(i);
            String title = svg.getElementsByTagNameNS(SVG, "text").item(0).getTextContent();
            int points = 0;
            for (String tag : List.of("circle", "rect")) {
                NodeList els = svg.getElementsByTagNameNS(SVG, tag);
                for (int k = 0; k < els.getLength(); k++) {
                    String cls = ((Element) els.item(k)).getAttribute("class");
                    points += cls.equals("point") || cls.equals("bar") || cls.equals("segment") ? 1 : 0;
                }
            }
            assertTrue(points > 0, "chart '" + title + "' has no data points");
            assertTrue(svg.getElementsByTagNameNS(SVG, "script").getLength() == 0, "no scripts");
        }
        String html = Files.readString(out.resolve("report.html"));
        assertFalse(html.replace("http://www.w3.org/", "").contains("http"), "no external resources (scripts, fonts)");

        Object results = Json.parse(Files.readString(out.resolve("results.json")));
        Map<?, ?> root = (Map<?, ?>) results;
        Map<?, ?> env = (Map<?, ?>) root.get("environment");
        for (String key : List.of("jdk", "cpu", "vectorBits", "threads", "fmaPeakGflops", "backend")) {
            assertTrue(env.containsKey(key), "environment records " + key);
        }
        assertEquals(2 * 13, ((List<?>) root.get("figures")).size(), "every primary and secondary figure");
        assertEquals(5, ((List<?>) root.get("trainingCurve")).size(), "--quick trains 5 epochs");
        assertTrue(Files.readString(out.resolve("report.md")).contains("| GemmBench.gemm |"));
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("## Where the time goes (") && md.contains("| forward 0: Dense(784 -> 256, relu) |"), md);
        String profile = Files.readString(out.resolve("profile.svg"));
        assertTrue(profile.contains("training step at the FMA peak") && profile.contains("optimizer: momentum"), profile);
        for (String chart : List.of("gemm.svg", "train.svg", "speedup.svg", "curve.svg", "profile.svg")) {
            assertTrue(Files.size(out.resolve(chart)) > 500, chart);
        }
    }

    @Test
    void speedUpsPairSimdWithScalarOnEqualParameters(@TempDir Path dir) throws Exception {
        List<Figure> figs = Figure.fromJmhJson(fixture());
        Report r = new Report(figs, Map.of("fmaPeakGflops", 200.0), List.of(), "curve");
        List<Svg.Bar> bars = r.speedups();
        // GEMM 64/256/512 (130/4.5), the training step (92000/3900), tanh forward (1.1e9/1e8)
        assertEquals(5, bars.size(), bars.toString());
        assertEquals(130 / 4.5, bars.get(0).value(), 1e-9);
        assertTrue(bars.stream().anyMatch(b -> Math.abs(b.value() - 92_000 / 3_900.0) < 1e-9));
        assertTrue(bars.stream().anyMatch(b -> Math.abs(b.value() - 11.0) < 1e-9));
    }

    @Test
    void badInputIsAClearError(@TempDir Path dir) throws Exception {
        assertEquals(2, run("report", "--from", dir.resolve("missing.json").toString(), "--out", dir.toString()));
        Path notJmh = dir.resolve("x.json");
        Files.writeString(notJmh, "{\"a\": 1}");
        assertEquals(2, run("report", "--from", notJmh.toString(), "--out", dir.toString()));
        assertEquals(2, run("report", "--quick"));
    }

    @Test
    void jsonRoundTrips() {
        String text = "{\"a\": [1, 2.5, -3e-2, true, null, \"x\\\"y\\u0041\"], \"b\": {}}";
        Object v = Json.parse(text);
        assertEquals(v, Json.parse(Json.write(v)));
        assertEquals("x\"yA", ((List<?>) ((Map<?, ?>) v).get("a")).get(5));
    }

    @Test
    void peersFromSharedPerfAreDrawnBesideOurs(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("jmh.json");
        Files.writeString(json, fixture());
        Path peers = Files.createDirectories(dir.resolve("peers-out"));
        Files.writeString(peers.resolve("sgemm_t1.json"), """
                {"config": "OpenBLAS 0.3.21", "threads": 1, "rows": [
                 {"name": "square 64", "M": 64, "K": 64, "N": 64, "med": 193.3, "min": 191.3, "max": 200.4},
                 {"name": "square 512", "M": 512, "K": 512, "N": 512, "med": 250.2, "min": 240.6, "max": 251.0},
                 {"name": "fwd L1 X·W1 (B=128)", "M": 128, "K": 784, "N": 256, "med": 218.3, "min": 216.4, "max": 219.0}]}
                """);
        Files.writeString(peers.resolve("torch_sgd_ob1.txt"), "epoch 1 ...\nRESULT ...\nJSON {\"steady_train_samples_per_s_median\": "
                + "131076.3, \"infer_b128_samples_per_s\": 391634.0, \"infer_b1_latency_us_median\": 19.9}\n");
        Path out = dir.resolve("report");
        assertEquals(0, run("report", "--from", json.toString(), "--out", out.toString(), "--quick", "--peers", peers.toString()));
        String gemm = Files.readString(out.resolve("gemm.svg"));
        assertTrue(gemm.contains("OpenBLAS (peer)") && gemm.contains("OpenBLAS (peer): 512 = 250.2"), gemm);
        assertTrue(Files.readString(out.resolve("train.svg")).contains("PyTorch 1T b128 momentum"));
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.contains("| OpenBLAS | SGEMM n = 64 | 193.3 GFLOP/s |") && md.contains("| PyTorch | train momentum, batch 128 | 131076 samples/s |")
                && md.contains("| PyTorch | batch-1 latency | 19.9 µs |"), md);
        Files.writeString(peers.resolve("torch_adam_ob1.txt"), "no json here\n");
        assertEquals(2, run("report", "--from", json.toString(), "--out", out.toString(), "--quick", "--peers", peers.toString()));
    }
}
