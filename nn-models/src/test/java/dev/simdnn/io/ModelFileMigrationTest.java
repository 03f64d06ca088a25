package dev.simdnn.io;

import dev.simdnn.kernel.scalar.ScalarKernels;
import dev.simdnn.nn.Sequential;
import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model file written by simdnn file version 1 (committed: {@code io/v1/v1_model.simdnn}, made by
 * {@code io/v1/GenV1.java.txt} with the code of commit b71dd94, scalar backend) loads into today's
 * torch-true names and predicts exactly what it predicted when it was written.
 */
class ModelFileMigrationTest {
    /** The generator's inputs, 4 rows of 5, and the outputs version 1 computed for them (printed by the generator). */
    private static final float[] INPUTS = {-0.2071738f, -0.5879731f, 0.40048742f, 0.08901381f, 0.51419693f, -0.5723773f,
            0.14594927f, 0.30802065f, -0.4201337f, -0.40731442f, -0.3833564f, -0.19984671f, -0.39470053f, 0.34789342f,
            0.6104007f, -0.3847268f, -0.6267837f, -0.43981317f, -0.02601615f, -0.9102784f};
    private static final float[] OUTPUTS = {0.092925936f, -0.41308543f, 0.077394545f, 0.08543657f, -0.41114748f,
            0.08425686f, 0.093099505f, -0.41318673f, 0.07808371f, 0.042847697f, -0.4043755f, 0.11967297f};

    private static Path fixture(Path dir) throws IOException {
        Path f = dir.resolve("v1_model.simdnn");
        try (InputStream in = ModelFileMigrationTest.class.getResourceAsStream("v1/v1_model.simdnn")) {
            Files.copy(in, f);
        }
        return f;
    }

    @Test
    void aVersionOneFileLoadsUnderTorchNamesAndPredictsAsItDid(@TempDir Path dir) throws IOException {
        Path v1 = fixture(dir);
        assertTrue(headerOf(v1).contains("\"1.gamma\"") && headerOf(v1).contains("\"5.slope\""),
                "the fixture really is in the old naming");
        SavedModel loaded = ModelFile.load(v1, ScalarKernels.INSTANCE);
        Sequential m = loaded.model();
        // Dense(relu)=0,1  BatchNorm=2  Dropout=3  Dense(tanh)=4,5  LayerNorm=6  PReLU=7
        // Residual(Dense(relu)=0,1, LayerNorm=2)=8  Maxout=9  Dense=10
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias", "6.weight", "6.bias",
                "7.weight", "8.body.0.weight", "8.body.0.bias", "8.body.2.weight", "8.body.2.bias", "9.weight", "9.bias",
                "10.weight", "10.bias"), List.copyOf(m.namedParameters().keySet()));
        assertEquals(List.of("2.running_mean", "2.running_var", "2.num_batches_tracked"), List.copyOf(m.buffers().keySet()));
        assertEquals(0f, m.buffers().get("2.num_batches_tracked").getFlat(0), 0f, "version 1 did not count batches");
        assertArrayEquals(OUTPUTS, m.predict(Tensor.of(INPUTS, 4, 5)).toArray(), "bit-identical to what version 1 computed");
        assertEquals(List.of("a", "b", "c"), loaded.labels());

        Path v2 = dir.resolve("v2.simdnn");
        ModelFile.save(loaded, v2);
        String header = headerOf(v2);
        assertTrue(header.contains("\"version\": \"2\"") && header.contains("\"2.weight\"") && !header.contains("gamma"), header);
        assertArrayEquals(OUTPUTS, ModelFile.load(v2, ScalarKernels.INSTANCE).model().predict(Tensor.of(INPUTS, 4, 5)).toArray(),
                "saved again as version 2, still the same function");
    }

    private static String headerOf(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return new String(b, 8, (int) n, StandardCharsets.UTF_8);
    }
}
