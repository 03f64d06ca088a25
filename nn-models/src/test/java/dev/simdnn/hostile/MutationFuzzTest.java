package dev.simdnn.hostile;

import dev.simdnn.data.CsvLoader;
import dev.simdnn.data.IdxLoader;
import dev.simdnn.data.Standardizer;
import dev.simdnn.io.ModelFile;
import dev.simdnn.io.ModelFormatException;
import dev.simdnn.io.SavedModel;
import dev.simdnn.kernel.Activation;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A bounded, seeded mutation fuzz of the three parsers (model file, CSV, IDX): a valid file with
 * bytes flipped, inserted, deleted, duplicated or cut, a few hundred times each. The contract: a
 * {@link ModelFormatException} or another IOException for model files, an
 * IllegalArgumentException or IOException for data files — never any other exception or error.
 * (A coverage-guided fuzzer would go deeper; this runs in every build, in about two seconds.)
 */
class MutationFuzzTest {
    /** Mutations per file kind; a longer bounded run: {@code -Dsimdnn.fuzz.rounds=200000} (see the README). */
    private static final int ROUNDS = Integer.getInteger("simdnn.fuzz.rounds", 3000);

    private static byte[] mutate(byte[] good, SplittableRandom rng) {
        byte[] b = good.clone();
        int edits = 1 + rng.nextInt(4);
        for (int e = 0; e < edits && b.length > 1; e++) {
            int at = rng.nextInt(b.length);
            switch (rng.nextInt(5)) {
                case 0 -> b[at] ^= (byte) (1 << rng.nextInt(8));
                case 1 -> b[at] = (byte) rng.nextInt(256);
                case 2 -> b = java.util.Arrays.copyOf(b, at + 1); // truncation
                case 3 -> { // duplicate a run
                    int len = Math.min(b.length - at, 1 + rng.nextInt(16));
                    byte[] c = new byte[b.length + len];
                    System.arraycopy(b, 0, c, 0, at + len);
                    System.arraycopy(b, at, c, at + len, b.length - at);
                    b = c;
                }
                default -> { // delete a run
                    int len = Math.min(b.length - at, 1 + rng.nextInt(16));
                    byte[] c = new byte[b.length - len];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, at + len, c, at, b.length - at - len);
                    b = c;
                }
            }
        }
        return b;
    }

    @Test
    void modelFiles(@TempDir Path dir) throws IOException {
        Sequential m = Mlp.builder().input(3).dense(4, Activation.TANH).batchNorm().dropout(0.1f).dense(2).seed(1).build();
        Path good = dir.resolve("good.simdnn");
        ModelFile.save(new SavedModel(m, Standardizer.of(new float[] {0, 1, 2}, new float[] {1, 2, 3}), List.of("a", "b"),
                Map.of("k", "v")), good);
        byte[] bytes = Files.readAllBytes(good);
        SplittableRandom rng = new SplittableRandom(11);
        Path f = dir.resolve("fuzzed.simdnn");
        for (int round = 0; round < ROUNDS; round++) {
            byte[] b = mutate(bytes, rng);
            Files.write(f, b);
            try {
                ModelFile.load(f);
            } catch (ModelFormatException e) {
                // the contract
            } catch (IOException e) {
                // I/O, also allowed
            } catch (Throwable t) {
                fail("round " + round + ": " + t, t);
            }
        }
    }

    @Test
    void csvFiles(@TempDir Path dir) throws IOException {
        byte[] bytes = "\uFEFFf1,f2,label\n1.5,2,0\n-3e2,.5,1\n7,8,2\n".getBytes(StandardCharsets.UTF_8);
        SplittableRandom rng = new SplittableRandom(12);
        Path f = dir.resolve("fuzzed.csv");
        for (int round = 0; round < ROUNDS; round++) {
            Files.write(f, mutate(bytes, rng));
            try {
                CsvLoader.comma().classification(f, null);
            } catch (IllegalArgumentException | IOException e) {
                // the contract
            } catch (Throwable t) {
                fail("round " + round + ": " + t, t);
            }
        }
    }

    @Test
    void idxFiles(@TempDir Path dir) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(raw);
        d.writeInt(0x803);
        d.writeInt(4);
        d.writeInt(2);
        d.writeInt(3);
        for (int i = 0; i < 24; i++) {
            d.writeByte(i * 11);
        }
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(raw.toByteArray());
        }
        Path labels = dir.resolve("labels.idx");
        Files.write(labels, new byte[] {0, 0, 8, 1, 0, 0, 0, 4, 0, 1, 2, 3});
        SplittableRandom rng = new SplittableRandom(13);
        Path f = dir.resolve("fuzzed.idx");
        for (byte[] bytes : new byte[][] {raw.toByteArray(), gz.toByteArray()}) {
            for (int round = 0; round < ROUNDS; round++) {
                Files.write(f, mutate(bytes, rng));
                try {
                    IdxLoader.read(f, labels, 10, null);
                } catch (IllegalArgumentException | IOException e) {
                    // the contract
                } catch (Throwable t) {
                    fail("round " + round + ": " + t, t);
                }
            }
        }
    }
}
