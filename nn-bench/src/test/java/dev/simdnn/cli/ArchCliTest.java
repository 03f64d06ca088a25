package dev.simdnn.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14, part 3 on the command line: a layer stack with --arch, images and sequences read from the data. */
class ArchCliTest {

    @Test
    void aCnnAndAnLstmTrainFromTheCommandLineAndTheCnnIsServed(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("cnn.simdnn");
        CliRun cnn = CliRun.of("train", "--data", "digits", "--arch", "conv2d(8,3,pad=1),relu,maxpool(2),flatten,dense(10)",
                "--epochs", "8", "--out", out.toString());
        assertEquals(0, cnn.code(), cnn.err());
        assertTrue(cnn.out().contains("test: loss") && cnn.out().contains("accuracy"), cnn.out());
        CliRun info = CliRun.of("info", "--model", out.toString());
        assertTrue(info.out().contains("Conv2d(1 -> 8, 3x3, stride 1x1, padding 1x1; 1x8x8 -> 8x8x8)"), info.out());
        Path rows = Files.writeString(dir.resolve("rows.csv"), "0".repeat(1) + ",0".repeat(63) + "\n");
        assertEquals(0, CliRun.of("predict", "--model", out.toString(), "--input", rows.toString()).code());
        CliRun lstm = CliRun.of("train", "--data", "digits", "--arch", "lstm(16),last,dense(10)", "--sequence", "rows",
                "--epochs", "3", "--lr", "0.01");
        assertEquals(0, lstm.code(), lstm.err());
    }

    @Test
    void mistakesAreNamed() {
        assertEquals("simdnn: --arch gives the whole layer stack: it does not go with --layers, --activation, --norm or --dropout",
                CliRun.of("train", "--arch", "dense(10)", "--layers", "32").err().strip());
        assertEquals("simdnn: --arch: layer 0: conv2d needs images: give the input as input(channels, height, width), and no "
                + "flatten() or dense layer before it (on the command line: --image C,H,W)",
                CliRun.of("train", "--data", "iris", "--arch", "conv2d(4,3),flatten,dense(3)").err().strip());
        assertEquals("simdnn: --image 1,4,4 is 16 values per row, but iris has 4 features",
                CliRun.of("train", "--data", "iris", "--arch", "conv2d(4,3),flatten,dense(3)", "--image", "1,4,4").err().strip());
        assertEquals("simdnn: --arch: the stack ends with 5 outputs, but digits needs 10 (end it with dense(10))",
                CliRun.of("train", "--data", "digits", "--arch", "flatten,dense(5)").err().strip());
        assertEquals("simdnn: --arch: layer 'pool(2)' is not a layer simdnn knows (dense, conv2d, maxpool, avgpool, globalavgpool, "
                + "flatten, batchnorm, layernorm, dropout, prelu, softmax, lstm, gru, rnn, last, or an activation)",
                CliRun.of("train", "--data", "digits", "--arch", "pool(2),dense(10)").err().strip());
    }
}
