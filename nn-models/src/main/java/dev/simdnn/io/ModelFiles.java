package dev.simdnn.io;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.loss.Task;
import dev.simdnn.nn.Sequential;
import dev.simdnn.onnx.OnnxModels;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Any model file simdnn reads, told apart by its content (never by its name): a simdnn model file,
 * a bare PyTorch {@code state_dict} as safetensors (with its torch module list, see
 * {@link TorchModules}), or an ONNX model ({@link OnnxModels}). A file that is none of these gets a
 * message saying what it looks like (a zip or pickle checkpoint of torch, gzip, text, …) and its
 * first bytes.
 */
public final class ModelFiles {
    private ModelFiles() {
    }

    /** What a file holds, as far as its first bytes tell. */
    public enum Kind {
        /** A simdnn model file (safetensors with simdnn metadata). */
        SIMDNN,
        /** Another safetensors file: a state dict, which needs its architecture. */
        SAFETENSORS,
        /** An ONNX model (a protobuf {@code ModelProto}). */
        ONNX,
        /** None of these. */
        UNKNOWN
    }

    /** The kind of {@code file}, from its content. */
    public static Kind kind(Path file) throws IOException {
        byte[] head = head(file, 4096);
        long size = Files.size(file);
        if (safetensors(head, size)) {
            String json = new String(head, 8, head.length - 8, StandardCharsets.UTF_8);
            return json.contains("\"format\":\"simdnn\"") || json.contains("\"format\": \"simdnn\"") ? Kind.SIMDNN : Kind.SAFETENSORS;
        }
        return onnx(head) && !text(head) ? Kind.ONNX : Kind.UNKNOWN;
    }

    /**
     * The model in {@code file}: a simdnn model file as it is; an ONNX model or a state dict (which
     * needs {@code torchModules}) with {@code task}, or by default a classifier (binary for one output).
     *
     * @param torchModules the torch module list of a bare state dict ({@code "linear,relu,linear"}),
     *                     or null; refused for the other kinds, which know their layers
     * @param task         the task of an ONNX model or a state dict, or null; refused for a simdnn file
     * @throws ModelFormatException saying what the file is or looks like, and what is wrong
     * @throws IllegalArgumentException for an architecture that does not fit the tensors
     */
    public static SavedModel open(Path file, String torchModules, Task task, Kernels kernels) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such model file");
        }
        Kind kind = kind(file);
        if (kind != Kind.SAFETENSORS && torchModules != null) {
            throw new ModelFormatException(file, (kind == Kind.UNKNOWN ? describe(file) : article(name(kind)))
                    + ", not a bare state dict: it needs no torch module list (--arch)");
        }
        if (kind == Kind.SIMDNN && task != null) {
            throw new ModelFormatException(file, "a simdnn model file knows its task; give a task only for an ONNX model "
                    + "or a state dict");
        }
        switch (kind) {
            case SIMDNN -> {
                return ModelFile.load(file, kernels);
            }
            case ONNX -> {
                Sequential m = OnnxModels.load(file, kernels);
                return new SavedModel(m, taskOf(m, task), null, List.of(), Map.of("source", "ONNX " + file.getFileName()));
            }
            case SAFETENSORS -> {
                if (torchModules == null) {
                    throw new ModelFormatException(file, "a safetensors file without simdnn metadata: a bare state dict? "
                            + "give the torch.nn.Sequential modules it belongs to (--arch linear,relu,linear)");
                }
                Sequential m = TorchModules.model(torchModules, Safetensors.read(file), kernels);
                return new SavedModel(m, taskOf(m, task), null, List.of(),
                        Map.of("source", "PyTorch state_dict " + file.getFileName(), "arch", torchModules));
            }
            default -> throw new ModelFormatException(file, describe(file));
        }
    }

    private static Task taskOf(Sequential m, Task task) {
        return task != null ? task : m.outputFeatures() == 1 ? Task.BINARY : Task.MULTICLASS;
    }

    private static String article(String noun) {
        return (noun.startsWith("ONNX") ? "an " : "a ") + noun;
    }

    private static String name(Kind kind) {
        return switch (kind) {
            case SIMDNN -> "simdnn model file";
            case SAFETENSORS -> "safetensors file";
            case ONNX -> "ONNX model";
            case UNKNOWN -> "file of unknown kind";
        };
    }

    /**
     * A sentence on what {@code file} looks like when it is no model simdnn reads: {@code "not a
     * simdnn model, safetensors or ONNX file: it looks like a zip archive (torch.save writes one) —
     * first bytes 50 4b 03 04 …"}.
     */
    public static String describe(Path file) throws IOException {
        byte[] head = head(file, 16);
        if (head.length == 0) {
            return "an empty file, not a model";
        }
        Kind kind = kind(file);
        if (kind != Kind.UNKNOWN) {
            return article(name(kind));
        }
        String looks;
        if (head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            looks = "a zip archive (torch.save writes one: load it in torch and save its state_dict as safetensors, or "
                    + "export it to ONNX)";
        } else if ((head[0] & 0xff) == 0x80 && head.length > 1 && head[1] >= 2 && head[1] <= 5) {
            looks = "a Python pickle (an old torch.save or a pickled model: save its state_dict as safetensors, or export it "
                    + "to ONNX)";
        } else if ((head[0] & 0xff) == 0x1f && head.length > 1 && (head[1] & 0xff) == 0x8b) {
            looks = "a gzip file (decompress it first)";
        } else if (head[0] == 0x89 && head.length > 3 && head[1] == 'H' && head[2] == 'D' && head[3] == 'F') {
            looks = "an HDF5 file (a Keras .h5 model?)";
        } else if (text(head)) {
            looks = "text (\"" + new String(head, StandardCharsets.US_ASCII).strip() + "…\")";
        } else if (head.length >= 8) {
            long n = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            looks = "no format simdnn knows (as safetensors its header length would be " + Long.toUnsignedString(n)
                    + " bytes, for a file of " + Files.size(file) + ")";
        } else {
            looks = "no format simdnn knows";
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(8, head.length); i++) {
            hex.append(String.format(Locale.ROOT, "%02x ", head[i] & 0xff));
        }
        return "not a simdnn model, a safetensors file or an ONNX model: it looks like " + looks + "; first bytes "
                + hex.toString().strip();
    }

    private static boolean text(byte[] head) {
        for (byte b : head) {
            if (b < 0x09 || b > 0x7e || (b > 0x0d && b < 0x20)) {
                return false;
            }
        }
        return true;
    }

    private static byte[] head(Path file, int n) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(n);
        }
    }

    /** An 8-byte little-endian header length that fits the file, then a JSON object. */
    private static boolean safetensors(byte[] head, long size) {
        if (head.length < 10) {
            return false;
        }
        long n = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return n >= 2 && n <= size - 8 && head[8] == '{';
    }

    /**
     * A protobuf {@code ModelProto} starts with one of its fields: ir_version (1, varint), opset_import
     * (8), producer_name (2), producer_version (3), domain (4), model_version (5), doc_string (6) or
     * graph (7); and a well-formed first field. The loader's full parse decides.
     */
    private static boolean onnx(byte[] head) {
        if (head.length < 2) {
            return false;
        }
        int tag = head[0] & 0xff;
        return switch (tag) {
            case 0x08, 0x28 -> (head[1] & 0xff) < 0x80 && head[1] > 0 && head[1] < 32; // ir_version / model_version: small varint
            case 0x12, 0x1a, 0x22, 0x32, 0x3a, 0x42 -> true; // a length-delimited field
            default -> false;
        };
    }
}
