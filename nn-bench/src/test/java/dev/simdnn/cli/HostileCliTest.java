package dev.simdnn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 11, cases 6, 7 and 16 on the command line: refused up front, in one line, with the reason. */
class HostileCliTest {

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void anUnwritableOutputIsRefusedBeforeTraining(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        CliRun r = run("train", "--data", "iris", "--epochs", "50", "--out", file.resolve("m.simdnn").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().strip().endsWith(file + " is a file, not a directory"), r.err());
        assertTrue(!r.err().contains("epoch"), "refused before the first epoch: " + r.err());
    }

    @Test
    void aNetworkThatCannotFitIsRefusedWithItsSize() {
        CliRun r = run("train", "--data", "iris", "--layers", "46000,46000");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("simdnn: --layers 46000,46000: the network needs about ")
                && r.err().contains("GiB") && r.err().contains("-Xmx"), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }

    @Test
    void aConfusionMatrixOfManyClassesIsSummarised(@TempDir Path dir) throws IOException {
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            csv.append(i % 40).append(',').append(i % 7).append(',').append(i % 40).append('\n');
        }
        Path f = Files.writeString(dir.resolve("many.csv"), csv);
        CliRun r = run("train", "--data", f.toString(), "--epochs", "1", "--layers", "8");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("confusion matrix of 40 classes not printed (more than 30)"), r.out());
        assertTrue(r.out().length() < 4000, r.out().length() + " characters");
    }
}
