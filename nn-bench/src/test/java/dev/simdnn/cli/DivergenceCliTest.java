package dev.simdnn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11, cases 8 and 9: a learning rate of 1e6 used to crash the SIMD backend
 * (ArrayIndexOutOfBoundsException in argmax) and, on the scalar one, print {@code loss NaN} every
 * epoch, exit 0 and replace a good model file with a broken one.
 */
class DivergenceCliTest {

    private static int run(ByteArrayOutputStream err, String... args) {
        return Main.run(args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void aDivergingRunStopsWithWhereAndWhyAndKeepsTheOldModelFile(@TempDir Path dir) throws IOException {
        Path model = dir.resolve("good.simdnn");
        ByteArrayOutputStream first = new ByteArrayOutputStream();
        assertEquals(0, run(first, "train", "--data", "iris", "--epochs", "2", "--out", model.toString()), first.toString());
        byte[] good = Files.readAllBytes(model);
        for (String backend : new String[] {"scalar", "simd"}) {
            for (String opt : new String[] {"sgd", "momentum"}) {
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                int code = run(err, "train", "--data", "iris", "--backend", backend, "--optimizer", opt, "--lr", "1e6",
                        "--epochs", "3", "--out", model.toString());
                String e = err.toString(StandardCharsets.UTF_8);
                assertEquals(1, code, e);
                String last = e.lines().reduce((a, b) -> b).orElse("");
                assertTrue(last.startsWith("simdnn: training diverged at epoch ") && last.contains("batch")
                        && last.contains("learning rate 1000000.0 may be too high") && last.endsWith("nothing was saved"),
                        backend + " " + opt + ": " + last);
                assertTrue(!e.contains("Exception"), "no stack trace: " + e);
                assertArrayEquals(good, Files.readAllBytes(model), "the good model file is untouched");
            }
        }
    }
}
