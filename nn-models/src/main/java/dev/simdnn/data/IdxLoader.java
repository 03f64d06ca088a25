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
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST: a big-endian header (magic {@code 0x00000803}
 * for unsigned-byte images of rank 3, {@code 0x00000801} for unsigned-byte labels of rank 1, then
 * the dimensions) followed by the bytes. Files may be gzip-compressed (detected by their magic).
 * A wrong magic number, a truncated file or images and labels of different counts give an
 * {@link IllegalArgumentException} naming the file.
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
            if (count < 1 || rows < 1 || cols < 1 || (long) count * rows * cols > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException(images.getFileName() + ": implausible dimensions " + count + " x "
                        + rows + " x " + cols);
            }
            pixels = rows * cols;
            byte[] raw = new byte[count * pixels];
            readFully(in, raw, images);
            x = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                x[i] = raw[i] & 0xff;
            }
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
            byte[] raw = new byte[n];
            readFully(in, raw, labels);
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
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        InputStream in = b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16) : raw;
        return new DataInputStream(in);
    }

    private static void readFully(DataInputStream in, byte[] buf, Path file) throws IOException {
        try {
            in.readFully(buf);
        } catch (EOFException e) {
            throw new IllegalArgumentException(file.getFileName() + ": truncated: the header promises " + buf.length
                    + " bytes of data");
        }
    }
}
