package dev.simdnn.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void trainPrintsEpochsTestAccuracyAndBackend() {
        Result r = run("train", "--data", "iris", "--epochs", "30", "--layers", "16", "--lr", "0.01");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("epoch  30/30"), r.out());
        assertTrue(r.out().contains("backend: "), r.out());
        assertTrue(r.out().matches("(?s).*test: loss [0-9.]+  accuracy 0\\.9[0-9]+.*"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void binaryDataUsesOneSigmoidOutput() {
        Result r = run("train", "--data", "breast-cancer", "--epochs", "5", "--layers", "8", "--backend", "scalar");
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
            Result r = run(args);
            assertEquals(2, r.code(), String.join(" ", args) + " -> " + r.err());
            assertEquals(1, r.err().lines().count(), "one line: " + r.err());
            assertTrue(r.err().startsWith("simdnn: "), r.err());
        }
        assertTrue(run("train", "--lr", "-1").err().contains("learning rate must be > 0, got -1.0"));
    }

    @Test
    void helpExitsZero() {
        Result r = run("train", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--batch-size"));
        assertEquals(0, run("--help").code());
    }
}
