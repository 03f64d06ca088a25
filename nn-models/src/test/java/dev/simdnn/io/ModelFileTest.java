package dev.simdnn.io;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.data.Standardizer;
import dev.simdnn.kernel.Activation;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class ModelFileTest {

    private static SavedModel sample() {
        Sequential m = Mlp.builder().input(6).dense(5, Activation.TANH).dense(4, Activation.RELU, false, null).dense(3)
                .seed(7).build();
        Standardizer s = Standardizer.of(new float[] {1, 2, 3, 4, 5, 6}, new float[] {1, 0.5f, 2, 1, 1, 3});
        return new SavedModel(m, s, List.of("cat", "dog", "bird"), Map.of("epochs", "12", "data", "digits"));
    }

    @Test
    void saveLoadPredictIsBitIdentical(@TempDir Path dir) throws IOException {
        SavedModel saved = sample();
        Path file = dir.resolve("m.simdnn");
        ModelFile.save(saved, file);
        SavedModel loaded = ModelFile.load(file, KernelsProvider.best());
        SplittableRandom rng = new SplittableRandom(3);
        float[] x = new float[20 * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble(-3, 3);
        }
        Tensor batch = Tensor.of(x, 20, 6);
        assertArrayEquals(saved.model().predict(batch).toArray(), loaded.model().predict(batch).toArray());
        assertEquals(List.of("cat", "dog", "bird"), loaded.labels());
        assertEquals("12", loaded.training().get("epochs"));
        assertArrayEquals(saved.scaling().mean(), loaded.scaling().mean());
        assertArrayEquals(saved.scaling().scale(), loaded.scaling().scale());
        assertEquals(saved.model().toString(), loaded.model().toString());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temp file left behind");
        }
    }

    @Test
    void everyLayerKindRoundTripsWithItsBuffers(@TempDir Path dir) throws IOException {
        Sequential model = dev.simdnn.nn.Mlp.builder().input(6)
                .dense(12).batchNorm().activation(dev.simdnn.kernel.Activation.RELU)
                .residual(b -> b.dense(12, dev.simdnn.kernel.Activation.TANH).layerNorm())
                .residual(b -> b.dense(9, dev.simdnn.kernel.Activation.RELU))
                .prelu().maxout(5, 3).dropout(0.2f).dense(4).softmax().seed(10).build();
        SplittableRandom rng = new SplittableRandom(4);
        Tensor x = Tensor.zeros(30, 6);
        for (int i = 0; i < x.size(); i++) {
            x.setFlat(i, (float) rng.nextGaussian());
        }
        for (int i = 0; i < 3; i++) { // running statistics away from their initial 0 and 1
            model.forward(x, dev.simdnn.layer.Mode.TRAINING);
        }
        ((dev.simdnn.nn.PRelu) model.layers().get(5)).slope().value().fill(0.4f);
        Path file = dir.resolve("all.simdnn");
        ModelFile.save(new SavedModel(model, null, List.of(), Map.of()), file);
        SavedModel loaded = ModelFile.load(file, KernelsProvider.best());
        assertEquals(model.toString(), loaded.model().toString());
        assertEquals(model.namedParameters().keySet(), loaded.model().namedParameters().keySet());
        assertArrayEquals(model.buffers().get("1.running_var").toArray(), loaded.model().buffers().get("1.running_var").toArray());
        assertArrayEquals(model.predict(x).toArray(), loaded.model().predict(x).toArray(), "bit-identical predictions");
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Map<?, ?> header = (Map<?, ?>) Json.parse(new String(bytes, 8, (int) n, StandardCharsets.UTF_8).strip());
        assertTrue(header.containsKey("1.running_mean") && header.containsKey("4.projection.weight")
                && header.containsKey("3.body.2.weight"), "PyTorch-style names, buffers included: " + header.keySet());
        assertEquals(Map.of("dtype", "I64", "shape", List.of(), "data_offsets", ((Map<?, ?>) header.get("1.num_batches_tracked")).get("data_offsets")),
                header.get("1.num_batches_tracked"), "torch's batch counter: a 0-dimensional int64");
        assertEquals(3f, loaded.model().buffers().get("1.num_batches_tracked").getFlat(0), 0f, "three training batches");
    }

    @Test
    void itIsASafetensorsFileWithPyTorchNames(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.simdnn");
        ModelFile.save(sample(), file);
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header padded to 8 bytes");
        Map<?, ?> header = (Map<?, ?>) Json.parse(new String(bytes, 8, (int) n, StandardCharsets.UTF_8).strip());
        assertEquals(Map.of("dtype", "F32", "shape", List.of(5.0, 6.0), "data_offsets", List.of(0.0, 120.0)),
                header.get("0.weight"));
        // Sequential(Linear, Tanh, Linear(bias=False), ReLU, Linear), as torch numbers it
        assertEquals(List.of("__metadata__", "0.weight", "0.bias", "2.weight", "4.weight", "4.bias"), List.copyOf(header.keySet()));
        assertEquals(bytes.length - 8 - n, ((List<?>) ((Map<?, ?>) header.get("4.bias")).get("data_offsets")).get(1) instanceof Double d
                ? d.longValue() : -1, "the last tensor ends at the end of the file");
        // first weight, little-endian, at the start of the data
        float w0 = ByteBuffer.wrap(bytes, (int) (8 + n), 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
        assertEquals(sample().model().namedParameters().get("0.weight").value().getFlat(0), w0);
    }

    @Test
    void everyTruncationIsAClearError(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.simdnn");
        ModelFile.save(sample(), file);
        byte[] bytes = Files.readAllBytes(file);
        Path cut = dir.resolve("cut.simdnn");
        for (int len = 0; len < bytes.length; len++) {
            Files.write(cut, Arrays.copyOf(bytes, len));
            ModelFormatException e = assertThrows(ModelFormatException.class,
                    () -> ModelFile.load(cut, KernelsProvider.best()), "truncated to " + len + " bytes");
            assertTrue(e.getMessage().startsWith("cut.simdnn: "), e.getMessage());
        }
    }

    @Test
    void everySingleBitFlipIsDetected(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.simdnn");
        ModelFile.save(sample(), file);
        byte[] bytes = Files.readAllBytes(file);
        Path bad = dir.resolve("bad.simdnn");
        for (int i = 0; i < bytes.length; i++) {
            byte[] b = bytes.clone();
            b[i] ^= (byte) (1 << (i % 8));
            Files.write(bad, b);
            try {
                ModelFile.load(bad, KernelsProvider.best());
                fail("a flip of bit " + i % 8 + " in byte " + i + " of " + bytes.length + " went unnoticed");
            } catch (ModelFormatException expected) {
                // named, clear, and nothing half-built escapes
            }
        }
    }

    @Test
    void inconsistentHeadersAreNamed(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.simdnn");
        ModelFile.save(sample(), file);
        String header = headerOf(file);
        assertProblem(dir, file, header.replace("\"shape\": [5,6]", "\"shape\": [6,5]"), "shape [6, 5]");
        assertProblem(dir, file, header.replace("\"F32\"", "\"F16\""), "dtype F16");
        assertProblem(dir, file, header.replace("\"version\": \"2\"", "\"version\": \"3\""), "newer simdnn");
        assertProblem(dir, file, header.replace("\"format\": \"simdnn\"", "\"format\": \"other\""), "format");
        assertProblem(dir, file, "{\"0.weight\":{}}", "no __metadata__");
        assertProblem(dir, file, "[1, 2]", "not a JSON object");
    }

    private static String headerOf(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return new String(bytes, 8, (int) n, StandardCharsets.UTF_8).strip();
    }

    /** Rewrites the header (keeping the data) and expects a load error mentioning {@code part}. */
    private static void assertProblem(Path dir, Path file, String header, String part) throws IOException {
        assertTrue(!header.equals(headerOf(file)), "the edit did not change the header: " + part);
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        byte[] data = Arrays.copyOfRange(bytes, (int) (8 + n), bytes.length);
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(data);
        Path bad = dir.resolve("edited.simdnn");
        Files.write(bad, out.array());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(bad, KernelsProvider.best()));
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    @Test
    void savingReplacesAnExistingFileWhole(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.simdnn");
        Files.writeString(file, "old contents");
        ModelFile.save(sample(), file);
        assertEquals(3, ModelFile.load(file, KernelsProvider.best()).model().outputFeatures());
        assertThrows(java.nio.file.NoSuchFileException.class,
                () -> ModelFile.load(dir.resolve("missing.simdnn"), KernelsProvider.best()));
    }
}
