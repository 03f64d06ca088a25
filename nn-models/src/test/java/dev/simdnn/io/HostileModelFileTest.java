package dev.simdnn.io;

import dev.simdnn.data.Standardizer;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crafted model files (issue 11, cases 1, 3, 4, 15 and 17): each must end in a
 * {@link ModelFormatException} naming the problem, before anything the file declares is allocated,
 * and never in an OutOfMemoryError, ArithmeticException or IllegalArgumentException.
 */
class HostileModelFileTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** A file of {@code header} (JSON text) and {@code dataBytes} zero bytes of tensor data. */
    private static Path craft(Path dir, String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = dir.resolve("crafted.simdnn");
        Files.write(f, b.array());
        return f;
    }

    private static String header(String architecture, String extraMeta, String tensors) {
        return "{\"__metadata__\": {\"format\": \"simdnn\", \"version\": \"1\", \"architecture\": "
                + Json.write(architecture).strip() + extraMeta + ", \"crc32\": \"0\"}" + tensors + "}";
    }

    private static String refused(Path file) {
        return assertThrows(ModelFormatException.class, () -> ModelFile.load(file)).getMessage();
    }

    @Test
    void aHugeDeclaredLayerIsRefusedBeforeAnythingIsAllocated(@TempDir Path dir) throws IOException {
        for (int width : new int[] {46000, 12000}) {
            Path f = craft(dir, header("{\"input\": " + width + ", \"layers\": [{\"type\": \"dense\", \"in\": " + width
                    + ", \"out\": " + width + ", \"activation\": \"identity\", \"bias\": true}]}", "", ""), 16);
            long before = THREADS.getCurrentThreadAllocatedBytes();
            String m = refused(f);
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            assertTrue(m.contains("architecture layer 0 (dense " + width + " -> " + width + ") declares")
                    && m.contains("holds only 4 more"), m);
            // 12000 x 12000 floats took 1.16 GB before; now the parse and the message, well under 1 MB
            assertTrue(allocated < 1 << 20, allocated + " bytes allocated while refusing a " + width + "-wide layer");
        }
    }

    @Test
    void maxoutUnitsTimesPiecesOverflowingIntIsAFormatError(@TempDir Path dir) throws IOException {
        Path f = craft(dir, header("{\"input\": 2, \"layers\": [{\"type\": \"maxout\", \"units\": 2000000000, "
                + "\"pieces\": 3}]}", "", ""), 0);
        String m = refused(f);
        assertTrue(m.contains("maxout 2000000000 units x 3 pieces"), m);
    }

    @Test
    void deeplyNestedSequentialLayersAreRefusedByDepth(@TempDir Path dir) throws IOException {
        String nested = "{\"type\": \"sequential\", \"layers\": [".repeat(3000) + "{\"type\": \"softmax\"}"
                + "]}".repeat(3000);
        String m = refused(craft(dir, header("{\"input\": 2, \"layers\": [" + nested + "]}", "", ""), 0));
        assertTrue(m.contains("nested deeper than 64 levels"), m);
    }

    private static final String DENSE_2_1 = "{\"input\": 2, \"layers\": [{\"type\": \"dense\", \"in\": 2, \"out\": 1, "
            + "\"activation\": \"identity\", \"bias\": true}]}";

    @Test
    void tensorRangesMustTileTheDataFromZeroToTheEndAsSafetensorsRequires(@TempDir Path dir) throws IOException {
        String w = ", \"0.weight\": {\"dtype\": \"F32\", \"shape\": [1, 2], \"data_offsets\": [%s]}";
        String b = ", \"0.bias\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [%s]}";
        String gap = header(DENSE_2_1, "", String.format(w, "4, 12") + String.format(b, "12, 16"));
        assertTrue(refused(craft(dir, gap, 16)).contains("gap: bytes [0, 4) belong to no tensor"));
        String tail = header(DENSE_2_1, "", String.format(w, "0, 8") + String.format(b, "8, 12"));
        assertTrue(refused(craft(dir, tail, 16)).contains("tensor data is 16 bytes but the tensors end at byte 12"));
        String fractional = header(DENSE_2_1, "", String.format(w, "0, 8.0000001") + String.format(b, "8, 12"));
        assertTrue(refused(craft(dir, fractional, 12)).contains("not whole numbers"));
        String duplicate = header(DENSE_2_1, "", String.format(w, "0, 8") + String.format(w, "0, 8") + String.format(b, "8, 12"));
        assertTrue(refused(craft(dir, duplicate, 12)).contains("duplicate key \"0.weight\""));
    }

    @Test
    void metadataValuesMustBeStrings(@TempDir Path dir) throws IOException {
        String m = refused(craft(dir, header(DENSE_2_1, ", \"labels\": [\"a\"]", ""), 12));
        assertTrue(m.contains("__metadata__.labels is not a string"), m);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aZeroOrSubnormalScalingIsAFormatErrorNamingTheFeature(@TempDir Path dir) throws IOException {
        Sequential m = Mlp.builder().input(2).dense(2).seed(1).build();
        Path f = dir.resolve("s.simdnn");
        ModelFile.save(new SavedModel(m, Standardizer.of(new float[] {0, 0}, new float[] {1, 1}), List.of("a", "b"),
                Map.of()), f);
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        byte[] data = Arrays.copyOfRange(bytes, (int) (8 + n), bytes.length);
        for (float bad : new float[] {0f, 1e-40f}) {
            // a crafted file with a valid checksum: the scaling itself must be refused
            Map<String, Object> header = (Map<String, Object>) Json.parse(new String(bytes, 8, (int) n, StandardCharsets.UTF_8).strip());
            Map<String, Object> meta = (Map<String, Object>) header.get("__metadata__");
            meta.put("scaling", Json.write(Map.of("mean", List.of(0, 0), "scale", List.of(1, (double) bad))).strip());
            meta.remove("crc32");
            meta.put("crc32", ModelFile.checksum(meta, ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN)));
            byte[] h = Json.write(header).getBytes(StandardCharsets.UTF_8);
            ByteBuffer out = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
            out.putLong(h.length).put(h).put(data);
            Path g = dir.resolve("edited.simdnn");
            Files.write(g, out.array());
            String msg = refused(g);
            assertTrue(msg.contains("feature 1") && msg.contains("scale " + bad), msg);
        }
    }
}
