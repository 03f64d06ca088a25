package dev.simdnn.io;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.data.Standardizer;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.nn.Sequential;
import dev.simdnn.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * simdnn model files: one <a href="https://github.com/huggingface/safetensors">safetensors</a> file.
 *
 * <pre>
 *   8 bytes   header length N, unsigned little-endian
 *   N bytes   JSON header: "__metadata__" (string → string) and, per tensor,
 *             {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}
 *   …         tensor data, little-endian float32, offsets relative to here
 * </pre>
 *
 * Tensors are named as PyTorch's {@code state_dict} names the equivalent {@code nn.Sequential}
 * ({@code 0.weight}, {@code 0.bias}, {@code 2.weight}, … for {@code Linear, ReLU, Linear}; weights
 * {@code [out, in]}; batch norm {@code weight}, {@code bias}, {@code running_mean},
 * {@code running_var} and {@code num_batches_tracked}, the last an {@code I64} scalar as in torch),
 * so {@code safetensors.torch.load_file} and {@code load_state_dict(strict=True)} take them as they
 * are. Files of version 1 (simdnn's own numbering, {@code gamma}/{@code beta}/{@code slope}) are
 * read and renamed on load ({@link LegacyNames}). {@code __metadata__} carries {@code format = simdnn}, the file
 * {@code version}, the {@code architecture} (JSON), {@code labels}, {@code scaling}, {@code training}
 * metadata and a CRC-32 of the tensor data. Why one safetensors file rather than a zip of two: it
 * stays a file every safetensors reader opens as it is, is written and renamed atomically as a
 * unit, and the metadata is small.
 *
 * <p>Loading validates everything before allocating or building anything: header length within
 * the file and at most 64 MiB, JSON, format and version, the architecture, every tensor's dtype,
 * shape and offsets (inside the data, no overlap, nothing missing or extra), and the checksum. A
 * truncated or corrupted file gives a {@link ModelFormatException} naming the file and the
 * problem, never an {@code OutOfMemoryError} or a half-built model.
 */
public final class ModelFile {
    /** The file format version this code writes (and the newest it reads). */
    public static final int VERSION = 2;
    /** The buffer stored as torch stores it, a 0-dimensional int64. */
    private static final String COUNTER = "num_batches_tracked";
    private static final long MAX_HEADER = 64L << 20;

    private ModelFile() {
    }

    /** Writes {@code saved} to {@code file} atomically (temp file, fsync, rename). */
    public static void save(SavedModel saved, Path file) throws IOException {
        Sequential model = saved.model();
        Map<String, Object> arch = new LinkedHashMap<>();
        arch.put("input", model.inputFeatures());
        List<Object> layers = LayerSpecs.encodeAll(model.layers(), model.inputFeatures());
        arch.put("layers", layers);

        Map<String, Tensor> params = state(model);
        long total = 0;
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            total += isCounter(e.getKey()) ? 8 : 4L * e.getValue().size();
        }
        ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(total)).order(ByteOrder.LITTLE_ENDIAN);
        Map<String, Object> header = new LinkedHashMap<>();
        Map<String, Object> meta = new LinkedHashMap<>();
        header.put("__metadata__", meta);
        long offset = 0;
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            Map<String, Object> t = new LinkedHashMap<>();
            List<Object> shape = new ArrayList<>();
            long bytes;
            if (isCounter(e.getKey())) {
                data.putLong((long) e.getValue().getFlat(0));
                t.put("dtype", "I64");
                bytes = 8;
            } else {
                float[] v = e.getValue().toArray();
                for (float f : v) {
                    data.putFloat(f);
                }
                t.put("dtype", "F32");
                for (int d : e.getValue().shape().dims()) {
                    shape.add(d);
                }
                bytes = 4L * v.length;
            }
            t.put("shape", shape);
            t.put("data_offsets", List.of(offset, offset + bytes));
            offset += bytes;
            header.put(e.getKey(), t);
        }
        data.flip();
        meta.put("format", "simdnn");
        meta.put("version", Integer.toString(VERSION));
        meta.put("architecture", compact(arch));
        meta.put("task", saved.task().id());
        meta.put("labels", compact(saved.labels()));
        if (saved.scaling() != null) {
            Map<String, Object> sc = new LinkedHashMap<>();
            sc.put("mean", floats(saved.scaling().mean()));
            sc.put("scale", floats(saved.scaling().scale()));
            meta.put("scaling", compact(sc));
        }
        meta.put("training", compact(new TreeMap<>(saved.training())));
        meta.put("crc32", checksum(meta, data));

        byte[] json = compact(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // keep the tensor data 8-byte aligned, as safetensors does
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        AtomicFiles.write(file, head, data);
    }

    /**
     * Reads and validates {@code file}; the model is bound to {@link KernelsProvider#best()} (switch
     * it with {@code model().useKernels(…)}, or load with {@link #load(Path, Kernels)}).
     */
    public static SavedModel load(Path file) throws IOException {
        return load(file, KernelsProvider.best());
    }

    /** Reads and validates {@code file}; the model is bound to {@code kernels}. */
    public static SavedModel load(Path file, Kernels kernels) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such model file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            SafetensorsHeader.Parsed header = SafetensorsHeader.read(file, ch, size, MAX_HEADER, "model file");
            long dataLen = header.dataLen();
            if (dataLen > Integer.MAX_VALUE) {
                throw new ModelFormatException(file, "tensor data of " + dataLen + " bytes is larger than supported");
            }
            try {
                return fromHeader(file, header.json(), ch, header.dataStart(), (int) dataLen, kernels);
            } catch (IllegalArgumentException | ArithmeticException | IllegalStateException e) {
                // the contract: a bad file is a ModelFormatException, whatever part of it refused a value
                throw new ModelFormatException(file, "invalid model: " + e.getMessage());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static SavedModel fromHeader(Path file, Map<?, ?> header, FileChannel ch, long dataStart, int dataLen,
                                         Kernels kernels) throws IOException {
        if (!(header.get("__metadata__") instanceof Map<?, ?> meta)) {
            throw new ModelFormatException(file, "no __metadata__: a safetensors file, but not a simdnn model");
        }
        if (!"simdnn".equals(meta.get("format"))) {
            throw new ModelFormatException(file, "__metadata__.format is " + meta.get("format") + ", expected simdnn");
        }
        int version = HeaderValues.intOf(file, meta.get("version"), "__metadata__.version");
        if (version < 1) {
            throw new ModelFormatException(file, "__metadata__.version must be >= 1, got " + version);
        }
        if (version > VERSION) {
            throw new ModelFormatException(file, "written by a newer simdnn (file version " + version
                    + ", this one reads up to " + VERSION + ")");
        }
        // architecture → expected tensors
        Map<String, Object> arch = HeaderValues.jsonObject(file, meta.get("architecture"), "architecture");
        int input = HeaderValues.intOf(file, arch.get("input"), "architecture.input");
        if (input < 1) {
            throw new ModelFormatException(file, "architecture.input must be >= 1, got " + input);
        }
        LayerSpecs.Budget budget = new LayerSpecs.Budget(file, dataLen / 4);
        Sequential model = new Sequential(input,
                LayerSpecs.decodeAll(file, arch.get("layers"), input, "architecture", kernels, budget), kernels);
        Map<String, Tensor> state = state(model);
        // today's name → the name in the file (version 1 numbered and named some tensors differently)
        Map<String, String> stored = new LinkedHashMap<>();
        if (version == 1) {
            stored.putAll(LegacyNames.v1(model));
        } else {
            state.keySet().forEach(name -> stored.put(name, name));
        }
        Map<String, int[]> expected = new LinkedHashMap<>();
        stored.forEach((name, inFile) -> expected.put(inFile, isCounter(name) ? new int[0] : state.get(name).shape().dims()));
        // tensors: exactly the expected ones, F32 (the batch counters I64), right shapes, inside the data, no overlap
        long[][] ranges = new long[expected.size()][];
        int r = 0;
        for (Map.Entry<?, ?> e : header.entrySet()) {
            String name = String.valueOf(e.getKey());
            if (!name.equals("__metadata__") && !expected.containsKey(name)) {
                throw new ModelFormatException(file, "unexpected tensor '" + name + "' for this architecture"
                        + (version == 1 ? " (a version-1 file)" : ""));
            }
        }
        Map<String, long[]> offsets = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            if (!(header.get(e.getKey()) instanceof Map<?, ?> t)) {
                throw new ModelFormatException(file, "tensor '" + e.getKey() + "' is missing");
            }
            boolean counter = isCounter(e.getKey());
            String dtype = counter ? "I64" : "F32";
            if (!dtype.equals(t.get("dtype"))) {
                throw new ModelFormatException(file, "tensor '" + e.getKey() + "' has dtype " + t.get("dtype")
                        + ", expected " + dtype);
            }
            List<Object> shape = (List<Object>) (t.get("shape") instanceof List<?> l ? l : List.of());
            int[] want = e.getValue();
            boolean ok = shape.size() == want.length;
            for (int d = 0; ok && d < want.length; d++) {
                ok = shape.get(d) instanceof Number num && num.doubleValue() == want[d];
            }
            if (!ok) {
                List<String> got = new ArrayList<>();
                shape.forEach(d -> got.add(d instanceof Number num && num.doubleValue() == Math.rint(num.doubleValue())
                        ? Long.toString(num.longValue()) : String.valueOf(d)));
                throw new ModelFormatException(file, "tensor '" + e.getKey() + "' has shape " + got + " but the architecture needs "
                        + Arrays.toString(want));
            }
            if (!(t.get("data_offsets") instanceof List<?> off) || off.size() != 2
                    || !(off.get(0) instanceof Number b0) || !(off.get(1) instanceof Number b1)) {
                throw new ModelFormatException(file, "tensor '" + e.getKey() + "' has no valid data_offsets");
            }
            if (b0.doubleValue() != Math.rint(b0.doubleValue()) || b1.doubleValue() != Math.rint(b1.doubleValue())) {
                throw new ModelFormatException(file, "tensor '" + e.getKey() + "' has data_offsets that are not whole numbers: "
                        + off);
            }
            long begin = b0.longValue();
            long end = b1.longValue();
            long count = 1;
            for (int d : want) {
                count *= d;
            }
            long bytes = counter ? 8 : 4 * count;
            if (begin < 0 || end > dataLen || end - begin != bytes) {
                throw new ModelFormatException(file, "tensor '" + e.getKey() + "' spans bytes [" + begin + ", " + end
                        + ") but needs " + bytes + " bytes inside the " + dataLen + " bytes of data (truncated?)");
            }
            ranges[r++] = new long[] {begin, end};
            offsets.put(e.getKey(), new long[] {begin, end});
        }
        SafetensorsHeader.requireTiling(file, ranges, dataLen); // as safetensors' own reader
        // data and checksum
        ByteBuffer data = ByteBuffer.allocate(dataLen).order(ByteOrder.LITTLE_ENDIAN);
        SafetensorsHeader.readFully(ch, data, dataStart);
        data.flip();
        String want = String.valueOf(meta.get("crc32"));
        String got = checksum((Map<String, Object>) meta, data);
        if (!got.equals(want)) {
            throw new ModelFormatException(file, "checksum mismatch (stored " + want + ", computed " + got
                    + "): the file is corrupt");
        }
        for (Map.Entry<String, String> e : stored.entrySet()) {
            Tensor p = state.get(e.getKey());
            data.position((int) offsets.get(e.getValue())[0]);
            if (isCounter(e.getKey())) {
                long n = data.getLong();
                if (n < 0) {
                    throw new ModelFormatException(file, "tensor '" + e.getValue() + "' holds " + n + ", a count must be >= 0");
                }
                p.setFlat(0, n);
                continue;
            }
            float[] v = new float[p.size()];
            data.asFloatBuffer().get(v);
            for (float f : v) {
                if (!Float.isFinite(f)) {
                    throw new ModelFormatException(file, "tensor '" + e.getValue() + "' holds " + f);
                }
            }
            p.copyFrom(v);
        }
        List<String> labels = new ArrayList<>();
        if (meta.get("labels") != null) {
            Object l = HeaderValues.parseJson(file, meta.get("labels"), "labels");
            if (l instanceof List<?> list) {
                list.forEach(x -> labels.add(String.valueOf(x)));
            }
        }
        Standardizer scaling = null;
        if (meta.get("scaling") != null) {
            Map<String, Object> sc = HeaderValues.jsonObject(file, meta.get("scaling"), "scaling");
            float[] mean = HeaderValues.floatsOf(file, sc.get("mean"), "scaling.mean");
            float[] scale = HeaderValues.floatsOf(file, sc.get("scale"), "scaling.scale");
            if (mean.length != input || scale.length != input) {
                throw new ModelFormatException(file, "scaling has " + mean.length + " means and " + scale.length
                        + " scales for " + input + " inputs");
            }
            scaling = Standardizer.of(mean, scale);
        }
        Map<String, String> training = new LinkedHashMap<>();
        if (meta.get("training") != null) {
            HeaderValues.jsonObject(file, meta.get("training"), "training").forEach((k, v) -> training.put(k, String.valueOf(v)));
        }
        return new SavedModel(model, SavedModel.taskIn(file, meta, training, model), scaling, labels, training);
    }

    /**
     * CRC-32 over every metadata entry but the checksum itself (keys and values, in key order) and
     * the tensor data: a flipped bit anywhere that still parses is caught here.
     */
    static String checksum(Map<?, ?> meta, ByteBuffer data) { // package-private: tests craft files with valid checksums
        CRC32 crc = new CRC32();
        new TreeMap<>(meta).forEach((k, v) -> {
            if (!"crc32".equals(k)) {
                crc.update((k + "=" + v + "\n").getBytes(StandardCharsets.UTF_8));
            }
        });
        crc.update(data.duplicate());
        return Long.toHexString(crc.getValue());
    }

    private static String compact(Object v) {
        return Json.write(v).replaceAll("\\n\\s*", "");
    }

    private static List<Object> floats(float[] v) {
        List<Object> l = new ArrayList<>(v.length);
        for (float f : v) {
            l.add((double) f);
        }
        return l;
    }

    private static boolean isCounter(String name) {
        return name.equals(COUNTER) || name.endsWith("." + COUNTER);
    }

    /** What a file stores: the parameters ({@code 0.weight}, …) then the buffers ({@code 1.running_mean}, …). */
    private static Map<String, Tensor> state(Sequential model) {
        Map<String, Tensor> all = new LinkedHashMap<>();
        model.namedParameters().forEach((k, v) -> all.put(k, v.value()));
        all.putAll(model.buffers());
        return all;
    }

}
