package dev.simdnn.bench;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.cli.Main;
import dev.simdnn.io.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The profile's structure (never its timings: speed is JMH's business): every phase, named, in step order. */
class StepProfileTest {

    @Test
    void everyPhaseOfTheStepAndThePassIsThereInOrder() {
        StepProfile.Result r = StepProfile.measure(KernelsProvider.best(), 8, "adam", 2, 3);
        List<String> names = r.training().stream().map(StepProfile.Phase::name).toList();
        assertEquals(List.of("zeroGrad", "forward 0: Dense(784 -> 256, relu)", "forward 1: Dense(256 -> 128, relu)",
                "forward 2: Dense(128 -> 10, identity)", "loss: softmax_cross_entropy", "backward 2: Dense(128 -> 10, identity)",
                "backward 1: Dense(256 -> 128, relu)", "backward 0: Dense(784 -> 256, relu)", "optimizer: adam"), names);
        assertEquals(6, r.training().stream().filter(StepProfile.Phase::gemm).count(), "the dense phases are GEMM-bound");
        assertEquals(3, r.inference().size());
        assertTrue(r.training().stream().allMatch(p -> p.medianNanos() > 0) && r.trainStepNanos() > 0);
        // 2 · (3 · 234,752 - 784 · 256) multiply-adds per sample: the 1.01 MFLOP
        assertEquals(1_007_104L * 8, r.flopsPerTrainingStep());
    }

    @Test
    void theCommandPrintsTheTableAndJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"profile", "--batch-size", "4", "--steps", "3", "--json"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
        assertEquals(0, code);
        Map<?, ?> m = (Map<?, ?>) Json.parse(out.toString(StandardCharsets.UTF_8));
        assertEquals(9, ((List<?>) m.get("training")).size());
        assertTrue(((Number) m.get("fmaPeakGflops")).doubleValue() > 0);
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        assertEquals(0, Main.run(new String[] {"profile", "--batch-size", "4", "--steps", "3", "--optimizer", "momentum"},
                new PrintStream(text, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream())));
        String t = text.toString(StandardCharsets.UTF_8);
        assertTrue(t.contains("of the FMA peak") && t.contains("backward 0: Dense(784 -> 256, relu)") && t.contains("GEMM-bound phases"), t);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, Main.run(new String[] {"profile", "--optimizer", "lion"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("optimizer must be momentum or adam"));
    }
}
