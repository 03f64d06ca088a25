package dev.simdnn.io;

import dev.simdnn.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads any safetensors file — a PyTorch {@code state_dict} saved with {@code safetensors}, say —
 * as named float tensors, with the reference reader's rules: an 8-byte little-endian header length
 * of at most 100,000,000 bytes, a strict UTF-8 JSON header (no duplicate keys), string-to-string
 * {@code __metadata__}, whole-number shapes and offsets, and data ranges that tile the data from
 * byte 0 to its end. Tensors of dtype {@code F32} are read as they are; {@code F16}, {@code BF16}
 * and {@code F64} are converted to float on load (F64 rounded to nearest), and so are the integer
 * types {@code I64} and {@code I32} (exact up to 2^24 in magnitude; torch's batch norm stores its
 * {@code num_batches_tracked} as an I64); any other dtype is refused by name. A 0-dimensional
 * tensor (shape {@code []}) is read as one element of shape {@code [1]}. Everything is checked before the tensors are allocated, and their total is
 * bounded by the file's size.
 *
 * <p>A state dict has no architecture: build the matching model and give it the tensors with
 * {@code Sequential.loadStateDict}.
 */
public final class Safetensors {
    /** The reference reader's limit on the header. */
    public static final long MAX_HEADER = 100_000_000L;

    private Safetensors() {
    }

    /**
     * The tensors of {@code file} by name, in the file's order (the {@code __metadata__} entry is not
     * a tensor).
     *
     * @throws ModelFormatException naming the file, the tensor and the problem
     * @throws IOException          for I/O (a missing file: {@link NoSuchFileException})
     */
    public static Map<String, Tensor> read(Path file) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            SafetensorsHeader.Parsed header = SafetensorsHeader.read(file, ch, size, MAX_HEADER, "safetensors file");
            List<Entry> entries = entries(file, header.json(), header.dataLen());
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Entry e : entries) {
                ByteBuffer raw = ByteBuffer.allocate(Math.toIntExact(e.end - e.begin)).order(ByteOrder.LITTLE_ENDIAN);
                SafetensorsHeader.readFully(ch, raw, header.dataStart() + e.begin);
                raw.flip();
                try {
                    out.put(e.name, Tensor.of(e.dtype.decode(raw, (int) e.count), e.shape.length == 0 ? new int[] {1} : e.shape));
                } catch (IllegalArgumentException ex) { // e.g. a dimension of 0
                    throw new ModelFormatException(file, "tensor '" + e.name + "': " + ex.getMessage());
                }
            }
            return out;
        }
    }

    /** The element types read, with their size and conversion to float. */
    private enum DType {
        F32(4), F16(2), BF16(2), F64(8), I64(8), I32(4);

        final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        float[] decode(ByteBuffer b, int count) {
            float[] v = new float[count];
            for (int i = 0; i < count; i++) {
                v[i] = switch (this) {
                    case F32 -> b.getFloat();
                    case F16 -> Float.float16ToFloat(b.getShort());
                    case BF16 -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
                    case F64 -> (float) b.getDouble();
                    case I64 -> (float) b.getLong();
                    case I32 -> (float) b.getInt();
                };
            }
            return v;
        }
    }

    private record Entry(String name, DType dtype, int[] shape, long count, long begin, long end) {
    }

    /** Every tensor entry, checked: dtype, shape, offsets, and that the ranges tile the data. */
    private static List<Entry> entries(Path file, Map<?, ?> header, long dataLen) throws ModelFormatException {
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> h : header.entrySet()) {
            String name = String.valueOf(h.getKey());
            if (name.equals("__metadata__")) { // checked with the header
                continue;
            }
            if (!(h.getValue() instanceof Map<?, ?> t)) {
                throw new ModelFormatException(file, "tensor '" + name + "' is not an object");
            }
            DType dtype;
            try {
                dtype = DType.valueOf(String.valueOf(t.get("dtype")));
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(file, "tensor '" + name + "' has dtype " + t.get("dtype")
                        + ", which is not read (F32, F16, BF16, F64, I64 and I32 are)");
            }
            if (!(t.get("shape") instanceof List<?> dims)) {
                throw new ModelFormatException(file, "tensor '" + name + "' has no shape");
            }
            int[] shape = new int[dims.size()];
            double count = 1;
            for (int d = 0; d < shape.length; d++) {
                shape[d] = whole(file, dims.get(d), "tensor '" + name + "' shape[" + d + "]");
                count *= shape[d];
            }
            if (!(t.get("data_offsets") instanceof List<?> off) || off.size() != 2) {
                throw new ModelFormatException(file, "tensor '" + name + "' has no [begin, end] data_offsets");
            }
            long begin = whole(file, off.get(0), "tensor '" + name + "' data_offsets[0]");
            long end = whole(file, off.get(1), "tensor '" + name + "' data_offsets[1]");
            if (count * dtype.bytes != end - begin || end > dataLen || count > Integer.MAX_VALUE) {
                throw new ModelFormatException(file, "tensor '" + name + "' of shape " + Arrays.toString(shape) + " " + dtype
                        + " needs " + (long) (count * dtype.bytes) + " bytes but spans [" + begin + ", " + end
                        + ") of " + dataLen + " bytes of data");
            }
            entries.add(new Entry(name, dtype, shape, (long) count, begin, end));
        }
        long[][] ranges = new long[entries.size()][];
        for (int i = 0; i < ranges.length; i++) {
            ranges[i] = new long[] {entries.get(i).begin, entries.get(i).end};
        }
        SafetensorsHeader.requireTiling(file, ranges, dataLen);
        return entries;
    }

    private static int whole(Path file, Object v, String what) throws ModelFormatException {
        if (!(v instanceof Number num) || num.doubleValue() != Math.rint(num.doubleValue()) || num.doubleValue() < 0
                || num.doubleValue() > Integer.MAX_VALUE) {
            throw new ModelFormatException(file, what + " is not a whole number in [0, 2^31): " + v);
        }
        return num.intValue();
    }
}
