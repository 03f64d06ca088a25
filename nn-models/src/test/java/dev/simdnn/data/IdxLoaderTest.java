package dev.simdnn.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** IDX files written here, gzip and raw, good and broken (tests never need the real Fashion-MNIST). */
class IdxLoaderTest {

    static byte[] images(int count, int rows, int cols, int magic) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(magic);
        d.writeInt(count);
        d.writeInt(rows);
        d.writeInt(cols);
        for (int i = 0; i < count * rows * cols; i++) {
            d.writeByte(i * 7 % 256);
        }
        return b.toByteArray();
    }

    static byte[] labels(int count, int magic) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(magic);
        d.writeInt(count);
        for (int i = 0; i < count; i++) {
            d.writeByte(i % 10);
        }
        return b.toByteArray();
    }

    static void write(Path p, byte[] bytes, boolean gzip) throws IOException {
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
            out.write(bytes);
        }
    }

    /** Writes a Fashion-MNIST-shaped directory with {@code n} train and {@code n} test images of 3x4 pixels. */
    static void fakeFashionMnist(Path dir, int n) throws IOException {
        for (String part : List.of("train", "t10k")) {
            write(dir.resolve(part + "-images-idx3-ubyte.gz"), images(n, 3, 4, 0x803), true);
            write(dir.resolve(part + "-labels-idx1-ubyte.gz"), labels(n, 0x801), true);
        }
    }

    @Test
    void readsRawAndGzip(@TempDir Path dir) throws IOException {
        for (boolean gzip : new boolean[] {false, true}) {
            Path im = dir.resolve("im" + gzip);
            Path lb = dir.resolve("lb" + gzip);
            write(im, images(5, 3, 4, 0x803), gzip);
            write(lb, labels(5, 0x801), gzip);
            Dataset d = IdxLoader.read(im, lb, 10, null);
            assertEquals(5, d.size());
            assertEquals(12, d.featureCount());
            assertArrayEquals(new float[] {84, 91, 98, 105, 112, 119, 126, 133, 140, 147, 154, 161}, d.features().row(1),
                    "pixel i is i·7 mod 256, unsigned");
            assertEquals(4, d.label(4));
            float[] last = d.features().row(4);
            assertEquals((59 * 7) % 256, last[11], 0f);
        }
        fakeFashionMnist(dir, 20);
        Split s = IdxLoader.fashionMnist(dir);
        assertEquals(20, s.train().size());
        assertEquals("Ankle boot", s.test().classNames().get(9));
    }

    @Test
    void brokenFilesAreNamed(@TempDir Path dir) throws IOException {
        Path im = dir.resolve("images.idx");
        Path lb = dir.resolve("labels.idx");
        write(lb, labels(5, 0x801), false);
        write(im, images(5, 3, 4, 0x801), false);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IdxLoader.read(im, lb, 10, null))
                .getMessage().contains("images.idx: magic number 0x00000801, expected 0x00000803"));
        byte[] good = images(5, 3, 4, 0x803);
        write(im, Arrays.copyOf(good, good.length - 7), true);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IdxLoader.read(im, lb, 10, null))
                .getMessage().contains("images.idx: truncated"));
        write(im, good, false);
        write(lb, labels(4, 0x801), false);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IdxLoader.read(im, lb, 10, null))
                .getMessage().contains("holds 4 labels but images.idx holds 5 images"));
        write(lb, labels(5, 0x801), false);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IdxLoader.read(im, lb, 3, null))
                .getMessage().contains("label 3 at index 3 is outside [0, 3)"));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> IdxLoader.fashionMnist(dir.resolve("nowhere")));
    }

    /** Issue 11, case 5: a 16-byte header promising 2.1 GB allocated it before reading anything. */
    @Test
    void aLyingHeaderAllocatesNothingItPromises(@TempDir Path dir) throws IOException {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Path lb = dir.resolve("labels.idx");
        write(lb, labels(5, 0x801), false);
        // magic, then 21,000,000 images of 10 x 10: 2.1 G pixels promised, none present
        byte[] header = java.nio.ByteBuffer.allocate(16).putInt(0x803).putInt(21_000_000).putInt(10).putInt(10).array();
        for (boolean gzip : new boolean[] {false, true}) {
            Path im = dir.resolve("liar" + gzip);
            write(im, header, gzip);
            long before = threads.getCurrentThreadAllocatedBytes();
            String m = assertThrows(IllegalArgumentException.class, () -> IdxLoader.read(im, lb, 10, null)).getMessage();
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(m.contains("liar" + gzip + ": ") && (m.contains("truncated") || m.contains("this JVM may use")), m);
            assertTrue(allocated < 4 << 20, allocated + " bytes allocated for a file of 16 bytes (gzip " + gzip + ")");
        }
    }

    /** Issue 11, case 13: the gzip CRC was never checked, so damaged files trained. */
    @Test
    void aCorruptGzipTrailerOrTrailingBytesAreRefused(@TempDir Path dir) throws IOException {
        Path im = dir.resolve("images.gz");
        Path lb = dir.resolve("labels.idx");
        write(lb, labels(5, 0x801), false);
        write(im, images(5, 3, 4, 0x803), true);
        byte[] gz = Files.readAllBytes(im);
        gz[gz.length - 8] ^= 1; // the CRC-32 of the uncompressed data
        Files.write(im, gz);
        String crc = assertThrows(IllegalArgumentException.class, () -> IdxLoader.read(im, lb, 10, null)).getMessage();
        assertTrue(crc.contains("images.gz: corrupt gzip"), crc);
        byte[] raw = images(5, 3, 4, 0x803);
        write(im, Arrays.copyOf(raw, raw.length + 3), false);
        String extra = assertThrows(IllegalArgumentException.class, () -> IdxLoader.read(im, lb, 10, null)).getMessage();
        assertTrue(extra.contains("bytes after the data"), extra);
    }

    /** Found by MutationFuzzTest: 2^30 x 2^30 x 16 overflowed the long product to 0 and passed the check. */
    @Test
    void dimensionsWhoseProductOverflowsALongAreImplausible(@TempDir Path dir) throws IOException {
        Path lb = dir.resolve("labels.idx");
        write(lb, labels(5, 0x801), false);
        Path im = dir.resolve("images.idx");
        write(im, java.nio.ByteBuffer.allocate(16).putInt(0x803).putInt(1 << 30).putInt(1 << 30).putInt(16).array(), false);
        String m = assertThrows(IllegalArgumentException.class, () -> IdxLoader.read(im, lb, 10, null)).getMessage();
        assertTrue(m.contains("implausible dimensions 1073741824 x 1073741824 x 16"), m);
    }
}
