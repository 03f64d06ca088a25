package dev.simdnn.data;

import dev.simdnn.tensor.Tensor;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST: a big-endian header (magic {@code 0x00000803}
 * for unsigned-byte images of rank 3, {@code 0x00000801} for unsigned-byte labels of rank 1, then
 * the dimensions) followed by the bytes. Files may be gzip-compressed (detected by their magic).
 * A wrong magic number, a truncated file, a corrupt gzip stream (its CRC is checked), bytes after
 * the data, or images and labels of different counts give an {@link IllegalArgumentException}
 * naming the file. Nothing a header promises is allocated before it is checked: against the file's
 * size when it is not compressed, against the heap this JVM may use, and for gzip files the bytes
 * are kept as they arrive, so a 16-byte file promising gigabytes allocates nothing.
 */
public final class IdxLoader {
    /** The Fashion-MNIST class names, in label order. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private IdxLoader() {
    }

    /** Images (pixels 0..255 as floats, one row per image) and their labels. */
    public static Dataset read(Path images, Path labels, int numClasses, List<String> classNames) throws IOException {
        float[] x;
        int count;
        int pixels;
        try (DataInputStream in = open(images)) {
            int magic = in.readInt();
            if (magic != 0x00000803) {
                throw new IllegalArgumentException(images.getFileName() + ": magic number 0x" + String.format("%08x", magic)
                        + ", expected 0x00000803 (idx3-ubyte images)");
            }
            count = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            // in double: three ints multiplied can overflow even a long (found by MutationFuzzTest)
            if (count < 1 || rows < 1 || cols < 1 || (double) count * rows * cols > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException(images.getFileName() + ": implausible dimensions " + count + " x "
                        + rows + " x " + cols);
            }
            pixels = rows * cols;
            long total = (long) count * pixels;
            checkPromise(images, total, 16, 5); // a byte and a float per pixel
            byte[] raw = readPromised(in, (int) total, images);
            x = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                x[i] = raw[i] & 0xff;
            }
            requireEnd(in, images);
        }
        float[] y;
        try (DataInputStream in = open(labels)) {
            int magic = in.readInt();
            if (magic != 0x00000801) {
                throw new IllegalArgumentException(labels.getFileName() + ": magic number 0x" + String.format("%08x", magic)
                        + ", expected 0x00000801 (idx1-ubyte labels)");
            }
            int n = in.readInt();
            if (n != count) {
                throw new IllegalArgumentException(labels.getFileName() + " holds " + n + " labels but "
                        + images.getFileName() + " holds " + count + " images");
            }
            checkPromise(labels, n, 8, 5);
            byte[] raw = readPromised(in, n, labels);
            requireEnd(in, labels);
            y = new float[n];
            for (int i = 0; i < n; i++) {
                int label = raw[i] & 0xff;
                if (label >= numClasses) {
                    throw new IllegalArgumentException(labels.getFileName() + ": label " + label + " at index " + i
                            + " is outside [0, " + numClasses + ")");
                }
                y[i] = label;
            }
        }
        return new Dataset(Tensor.of(x, count, pixels), Tensor.of(y, count, 1), numClasses, classNames);
    }

    /** Fashion-MNIST's official train/test split from {@code dir} (gzip files as Debian installs them). */
    public static Split fashionMnist(Path dir) throws IOException {
        Dataset train = read(dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"),
                10, FASHION_MNIST_CLASSES);
        Dataset test = read(dir.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"),
                10, FASHION_MNIST_CLASSES);
        return new Split(train, test);
    }

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        boolean gzip = isGzip(file);
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw);
    }

    /**
     * Refuses a header whose promise cannot be true or cannot fit: more bytes than an uncompressed
     * file holds, or more memory ({@code bytesPerElement} per element) than the JVM may use.
     */
    private static void checkPromise(Path file, long elements, long headerBytes, int bytesPerElement) throws IOException {
        if (!isGzip(file) && Files.size(file) < headerBytes + elements) {
            throw new IllegalArgumentException(file.getFileName() + ": truncated: the header promises " + elements
                    + " bytes of data but the file has " + (Files.size(file) - headerBytes));
        }
        long need = elements * bytesPerElement;
        long max = Runtime.getRuntime().maxMemory();
        if (need > max / 2) {
            throw new IllegalArgumentException(file.getFileName() + ": the header promises " + elements + " values, "
                    + need / (1 << 20) + " MiB in memory, more than half of the " + max / (1 << 20)
                    + " MiB this JVM may use (-Xmx)");
        }
    }

    /**
     * The {@code n} bytes after the header, read in chunks as they arrive (a lying header costs
     * nothing until the data is there), then joined.
     */
    private static byte[] readPromised(DataInputStream in, int n, Path file) throws IOException {
        List<byte[]> chunks = new ArrayList<>();
        int have = 0;
        while (have < n) {
            byte[] chunk = new byte[Math.min(1 << 20, n - have)];
            try {
                in.readFully(chunk);
            } catch (EOFException e) {
                throw new IllegalArgumentException(file.getFileName() + ": truncated: the header promises " + n
                        + " bytes of data");
            } catch (ZipException e) {
                throw new IllegalArgumentException(file.getFileName() + ": corrupt gzip data (" + e.getMessage() + ")");
            }
            chunks.add(chunk);
            have += chunk.length;
        }
        if (chunks.size() == 1) {
            return chunks.get(0);
        }
        byte[] all = new byte[n];
        int at = 0;
        for (byte[] c : chunks) {
            System.arraycopy(c, 0, all, at, c.length);
            at += c.length;
        }
        return all;
    }

    /** The data must end the file; reading on to the end is also what makes gzip check its CRC. */
    private static void requireEnd(DataInputStream in, Path file) throws IOException {
        int extra;
        try {
            extra = in.read();
        } catch (ZipException | EOFException e) {
            throw new IllegalArgumentException(file.getFileName() + ": corrupt gzip stream (" + e.getMessage()
                    + "): the file is damaged");
        }
        if (extra >= 0) {
            throw new IllegalArgumentException(file.getFileName() + ": bytes after the data the header describes");
        }
    }

    /** Whether {@code file} starts with gzip's magic number (the one test of it, for reading and for size checks). */
    private static boolean isGzip(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file)) {
            return raw.read() == 0x1f && raw.read() == 0x8b;
        }
    }
}
