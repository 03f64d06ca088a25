package dev.simdnn.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void trainPrintsEpochsTestAccuracyAndBackend() {
        CliRun r = run("train", "--data", "iris", "--epochs", "30", "--layers", "16", "--lr", "0.01");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("epoch  30/30"), "progress goes to stderr, one line per epoch: " + r.err());
        assertEquals(30, r.err().lines().count(), r.err());
        assertTrue(r.out().contains("backend: "), r.out());
        assertTrue(r.out().matches("(?s).*test: loss [0-9.]+  accuracy 0\\.9[0-9]+.*"), r.out());
        // confusion matrix: rows sum to the 10 test examples of each iris class
        assertTrue(r.out().contains("confusion matrix"), r.out());
        String setosaRow = r.out().lines().filter(l -> l.startsWith("setosa")).findFirst().orElseThrow();
        assertEquals(10, java.util.Arrays.stream(setosaRow.substring(12).trim().split("\\s+")).mapToInt(Integer::parseInt).sum());
    }

    @Test
    void optimizerAndScalingOptions() {
        CliRun r = run("train", "--data", "iris", "--epochs", "2", "--layers", "8", "--optimizer", "momentum",
                "--momentum", "0.5", "--nesterov", "--weight-decay", "0.001", "--scaling", "minmax");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("nesterov(lr=0.05, momentum=0.5, weight_decay=0.001)"), r.out());
        CliRun w = run("train", "--data", "iris", "--epochs", "2", "--layers", "8", "--optimizer", "adamw",
                "--weight-decay", "0.01", "--beta2", "0.99");
        assertTrue(w.out().contains("adamw(lr=0.001, betas=(0.9, 0.99)"), w.out());
        assertEquals(2, run("train", "--optimizer", "adam", "--beta1", "1.5").code());
        assertEquals(2, run("train", "--scaling", "log").code());
        assertEquals(2, run("train", "--schedule", "zigzag").code());
        CliRun sched = run("train", "--data", "iris", "--epochs", "4", "--layers", "8", "--schedule", "step:2:0.5", "--json");
        assertEquals(0, sched.code(), sched.err());
        assertTrue(sched.err().contains("epoch   4/4"), sched.err());
        assertEquals(2, run("train", "--patience", "3").code(), "early stopping needs a validation split");
        CliRun es = run("train", "--data", "digits", "--epochs", "200", "--layers", "64", "--validation-fraction", "0.2",
                "--patience", "3", "--lr", "0.01");
        assertEquals(0, es.code(), es.err());
        assertTrue(es.out().contains("early stopping: ran") && es.err().contains("val loss"), es.out() + es.err());
        int ran = Integer.parseInt(es.out().replaceAll("(?s).*early stopping: ran (\\d+) epochs.*", "$1"));
        assertTrue(ran < 200, "stopped after " + ran);
    }

    @Test
    void normalisationDropoutPenaltiesSmoothingAndStats(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String model = dir.resolve("bn.simdnn").toString();
        CliRun r = run("train", "--data", "iris", "--epochs", "20", "--layers", "16,8", "--norm", "batch", "--dropout", "0.1",
                "--l1", "1e-5", "--l2", "1e-4", "--label-smoothing", "0.05", "--lr", "0.01", "--stats", "--out", model);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("BatchNorm(16)") && r.out().contains("Activation(relu)") && r.out().contains("Dropout(0.1)"),
                r.out());
        assertTrue(r.out().contains("softmax_cross_entropy(label_smoothing=0.05)"), r.out());
        assertTrue(r.out().contains("layer statistics before training") && r.out().contains("layer statistics after training"),
                r.out());
        assertEquals(2 * 9, r.out().lines().filter(l -> l.matches("\\s+\\d+ .*grad std.*")).count(),
                "a statistics line per layer, twice: " + r.out());
        // the model file keeps the normalisation layers and their running statistics
        CliRun eval = run("eval", "--model", model, "--data", "iris");
        assertEquals(0, eval.code(), eval.err());
        CliRun ln = run("train", "--data", "iris", "--epochs", "2", "--layers", "8", "--norm", "layer");
        assertTrue(ln.out().contains("LayerNorm(8)"), ln.out());
        assertEquals(2, run("train", "--norm", "group").code());
        assertEquals(2, run("train", "--dropout", "1").code());
        assertEquals(2, run("train", "--l2", "-1").code());
        assertTrue(run("train", "--data", "breast-cancer", "--label-smoothing", "0.1").err()
                .contains("--label-smoothing applies to the softmax cross-entropy (ce), not bce"));
    }

    @Test
    void binaryDataUsesOneSigmoidOutput() {
        CliRun r = run("train", "--data", "breast-cancer", "--epochs", "5", "--layers", "8", "--backend", "scalar");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Dense(8 -> 1, identity)") && r.out().contains("binary_cross_entropy"), r.out());
        assertTrue(r.out().contains("on the scalar backend"), r.out());
    }

    @Test
    void badInputExitsWithCode2AndOneLine() {
        String[][] bad = {
                {"train", "--data", "mnist-nope"},
                {"train", "--epochs", "zero"},
                {"train", "--epochs", "0"},
                {"train", "--lr", "-1"},
                {"train", "--frobnicate", "3"},
                {"train", "--activation", "relu7"},
                {"train", "--backend", "gpu"},
                {"train", "--layers", "12,x"},
                {"train", "--epochs"},
                {"fly"},
        };
        for (String[] args : bad) {
            CliRun r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + " -> " + r.err());
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
            assertTrue(!r.err().contains("accuracy"), "no progress before the error: " + r.err());
            assertTrue(r.err().startsWith("simdnn: "), r.err());
        }
        assertTrue(run("train", "--lr", "-1").err().contains("learning rate must be > 0, got -1.0"));
    }

    @Test
    void trainSaveInfoEvalPredict(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String model = dir.resolve("iris.simdnn").toString();
        CliRun t = run("train", "--data", "iris", "--epochs", "30", "--layers", "16", "--lr", "0.01", "--out", model);
        assertEquals(0, t.code(), t.err());
        CliRun info = run("info", "--model", model);
        assertEquals(0, info.code(), info.err());
        assertTrue(info.out().contains("labels: setosa, versicolor, virginica") && info.out().contains("parameters: 131"),
                info.out());
        CliRun eval = run("eval", "--model", model, "--data", "iris");
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().matches("(?s).*accuracy 0\\.9[0-9]+ \\(150 examples\\).*"), eval.out());
        java.nio.file.Path in = dir.resolve("in.csv");
        java.nio.file.Files.writeString(in, "sepal_l,sepal_w,petal_l,petal_w\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n");
        CliRun p = run("predict", "--model", model, "--input", in.toString());
        assertEquals(0, p.code(), p.err());
        assertEquals(java.util.List.of("setosa", "virginica"), p.out().lines().map(l -> l.split(" ")[0]).toList());
        java.util.Map<?, ?> ij = (java.util.Map<?, ?>) dev.simdnn.io.Json.parse(run("info", "--model", model, "--json").out());
        assertEquals(131.0, ((Number) ij.get("parameters")).doubleValue());
        java.util.Map<?, ?> ej = (java.util.Map<?, ?>) dev.simdnn.io.Json.parse(run("eval", "--model", model, "--data", "iris",
                "--json").out());
        assertEquals(150.0, ((Number) ej.get("examples")).doubleValue());
        java.util.List<?> pj = (java.util.List<?>) dev.simdnn.io.Json.parse(run("predict", "--model", model, "--input",
                in.toString(), "--json").out());
        assertEquals("virginica", ((java.util.Map<?, ?>) pj.get(1)).get("class"));
        CliRun tj = run("train", "--data", "iris", "--epochs", "3", "--layers", "4", "--json");
        java.util.Map<?, ?> trainJson = (java.util.Map<?, ?>) dev.simdnn.io.Json.parse(tj.out());
        assertEquals(3, ((java.util.List<?>) trainJson.get("epochs")).size());
        assertEquals(30.0, ((Number) trainJson.get("testExamples")).doubleValue());
        // one CSV, the same answers as eval would give: train on a CSV file with a named label column
        java.nio.file.Path csv = dir.resolve("xor.csv");
        java.nio.file.Files.writeString(csv, "a,b,label\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n0,0,0\n1,1,0\n");
        assertEquals(0, run("train", "--data", csv.toString(), "--label", "label", "--epochs", "2", "--layers", "4",
                "--test-fraction", "0.4").code());
    }

    @Test
    void badFilesExitWithCode2AndNameTheProblem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        String model = dir.resolve("m.simdnn").toString();
        assertEquals(0, run("train", "--data", "iris", "--epochs", "1", "--layers", "4", "--out", model).code());
        java.nio.file.Path corrupt = dir.resolve("corrupt.simdnn");
        byte[] bytes = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(model));
        java.nio.file.Files.write(corrupt, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        java.nio.file.Path notNumber = dir.resolve("bad.csv");
        java.nio.file.Files.writeString(notNumber, "1,2,3,4,0\n1,2,x3,4,1\n");
        java.nio.file.Path ragged = dir.resolve("ragged.csv");
        java.nio.file.Files.writeString(ragged, "1,2,3,4,0\n1,2,3,1\n");
        java.nio.file.Path badLabel = dir.resolve("label.csv");
        java.nio.file.Files.writeString(badLabel, "1,2,3,4,0\n1,2,3,4,1.5\n");
        java.nio.file.Path wide = dir.resolve("wide.csv");
        java.nio.file.Files.writeString(wide, "1,2,3,4,5\n");
        Object[][] cases = {
                {new String[] {"info", "--model", dir.resolve("missing.simdnn").toString()}, "no such model file"},
                {new String[] {"info", "--model", corrupt.toString()}, "corrupt.simdnn"},
                {new String[] {"train", "--data", notNumber.toString()}, "bad.csv:2:3: 'x3' is not a finite number"},
                {new String[] {"train", "--data", ragged.toString()}, "ragged.csv:2: 4 cells, but the first row has 5"},
                {new String[] {"train", "--data", badLabel.toString()}, "label 1.5 is not a class index"},
                {new String[] {"train", "--data", dir.resolve("none.csv").toString()}, "no such file"},
                {new String[] {"predict", "--model", model, "--input", wide.toString()}, "expects 4 features but"},
                {new String[] {"eval", "--model", model, "--data", "digits"}, "expects 4 features but digits has 64"},
        };
        for (Object[] c : cases) {
            CliRun r = run((String[]) c[0]);
            assertEquals(2, r.code(), String.join(" ", (String[]) c[0]) + " -> " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().contains((String) c[1]), "'" + r.err().strip() + "' should contain '" + c[1] + "'");
        }
    }

    @Test
    void fashionMnistFromADirectoryOrAClearHint(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        CliRun missing = run("train", "--data", "fashion-mnist=" + dir.resolve("none"));
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("apt-get install -y dataset-fashion-mnist"), missing.err());
        // a tiny stand-in with the real file names and formats (gzip IDX)
        for (String part : java.util.List.of("train", "t10k")) {
            java.io.ByteArrayOutputStream im = new java.io.ByteArrayOutputStream();
            java.io.DataOutputStream d = new java.io.DataOutputStream(im);
            d.writeInt(0x803);
            d.writeInt(40);
            d.writeInt(2);
            d.writeInt(2);
            for (int i = 0; i < 160; i++) {
                d.writeByte((i / 4) % 10 * 20 + i % 4);
            }
            java.io.ByteArrayOutputStream lb = new java.io.ByteArrayOutputStream();
            java.io.DataOutputStream l = new java.io.DataOutputStream(lb);
            l.writeInt(0x801);
            l.writeInt(40);
            for (int i = 0; i < 40; i++) {
                l.writeByte(i % 10);
            }
            for (var e : java.util.Map.of(part + "-images-idx3-ubyte.gz", im, part + "-labels-idx1-ubyte.gz", lb).entrySet()) {
                try (var out = new java.util.zip.GZIPOutputStream(java.nio.file.Files.newOutputStream(dir.resolve(e.getKey())))) {
                    out.write(e.getValue().toByteArray());
                }
            }
        }
        CliRun r = run("train", "--data", "fashion-mnist=" + dir, "--epochs", "2", "--layers", "8");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("40 train / 40 test examples, 4 features, 10 classes"), r.out());
        // a wrong magic number, then a truncated file: exit 2, one line naming the file
        java.nio.file.Path labels = dir.resolve("t10k-labels-idx1-ubyte.gz");
        byte[] good = java.nio.file.Files.readAllBytes(labels);
        java.nio.file.Files.copy(dir.resolve("t10k-images-idx3-ubyte.gz"), labels, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        CliRun magic = run("train", "--data", "fashion-mnist=" + dir, "--epochs", "1");
        assertEquals(2, magic.code());
        assertTrue(magic.err().contains("t10k-labels-idx1-ubyte.gz: magic number 0x00000803"), magic.err());
        java.nio.file.Files.write(labels, good);
        java.nio.file.Path images = dir.resolve("train-images-idx3-ubyte.gz");
        byte[] raw;
        try (var in = new java.util.zip.GZIPInputStream(java.nio.file.Files.newInputStream(images))) {
            raw = in.readAllBytes();
        }
        java.nio.file.Files.write(images, java.util.Arrays.copyOf(raw, raw.length - 10)); // raw IDX, cut short
        CliRun cut = run("train", "--data", "fashion-mnist=" + dir, "--epochs", "1");
        assertEquals(2, cut.code());
        assertEquals(1, cut.err().lines().count(), cut.err());
        assertTrue(cut.err().contains("train-images-idx3-ubyte.gz: truncated"), cut.err());
    }

    @Test
    void compareTrainsTheSameNetworkOnBothBackends() {
        CliRun r = run("compare", "--data", "iris", "--epochs", "5", "--layers", "8", "--json");
        assertEquals(0, r.code(), r.err());
        java.util.Map<?, ?> m = (java.util.Map<?, ?>) dev.simdnn.io.Json.parse(r.out());
        java.util.Map<?, ?> scalar = (java.util.Map<?, ?>) m.get("scalar");
        java.util.Map<?, ?> simd = (java.util.Map<?, ?>) m.get("simd");
        double diff = ((Number) m.get("maxWeightDifference")).doubleValue();
        // same seed, same data: the backends differ only by float rounding, which 5 epochs of Adam
        // on 131 weights cannot blow up past 1e-3
        assertTrue(diff > 0 || diff == 0);
        assertTrue(diff < 1e-3, "weights differ by " + diff + " at " + m.get("maxWeightDifferenceAt"));
        assertEquals(((Number) scalar.get("testAccuracy")).doubleValue(), ((Number) simd.get("testAccuracy")).doubleValue(),
                0.034, "at most one of 30 test examples may flip");
        assertTrue(((Number) m.get("speedup")).doubleValue() > 0);
        CliRun text = run("compare", "--data", "iris", "--epochs", "2", "--layers", "8");
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("largest weight difference") && text.out().contains("speed-up"), text.out());
    }

    @Test
    void regressionFromACsvWithMseOrAnotherLoss(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // y = 3·a - 2·b + 1, exactly: a linear model learns it
        StringBuilder csv = new StringBuilder("a,b,y\n");
        java.util.SplittableRandom rng = new java.util.SplittableRandom(4);
        for (int i = 0; i < 200; i++) {
            double a = rng.nextDouble(-1, 1), b = rng.nextDouble(-1, 1);
            csv.append(a).append(',').append(b).append(',').append(3 * a - 2 * b + 1).append('\n');
        }
        java.nio.file.Path file = dir.resolve("lin.csv");
        java.nio.file.Files.writeString(file, csv.toString());
        String model = dir.resolve("lin.simdnn").toString();
        CliRun r = run("train", "--data", file.toString(), "--task", "regression", "--layers", "", "--epochs", "200",
                "--lr", "0.05", "--out", model, "--json");
        assertEquals(0, r.code(), r.err());
        java.util.Map<?, ?> j = (java.util.Map<?, ?>) dev.simdnn.io.Json.parse(r.out());
        assertTrue(((Number) j.get("testLoss")).doubleValue() < 1e-3, "test MSE " + j.get("testLoss"));
        assertEquals(0, run("eval", "--model", model, "--data", file.toString()).code());
        java.nio.file.Path in = dir.resolve("in.csv");
        java.nio.file.Files.writeString(in, "0.5,0.25\n");
        CliRun p = run("predict", "--model", model, "--input", in.toString());
        assertEquals(2.0, Double.parseDouble(p.out().strip()), 0.05, "3·0.5 - 2·0.25 + 1");
        assertEquals(0, run("train", "--data", file.toString(), "--task", "regression", "--loss", "huber", "--epochs", "2",
                "--layers", "4").code());
        assertEquals(2, run("train", "--data", file.toString(), "--task", "regression", "--loss", "ce").code());
        assertEquals(2, run("train", "--data", "iris", "--loss", "mse").code());
        assertEquals(0, run("train", "--data", "breast-cancer", "--loss", "hinge", "--epochs", "2", "--layers", "4").code());
    }

    @Test
    void helpExitsZero() {
        CliRun r = run("train", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--batch-size"));
        assertEquals(0, run("--help").code());
    }
}
