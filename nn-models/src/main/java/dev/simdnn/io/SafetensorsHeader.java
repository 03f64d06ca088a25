package dev.simdnn.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The rules every safetensors file obeys, shared by {@link ModelFile} and {@link Safetensors}: an
 * 8-byte little-endian header length that fits the file and a limit, a strict UTF-8 JSON object as
 * the header, {@code __metadata__} mapping strings to strings, and tensor data ranges that tile the
 * data from byte 0 to its end.
 */
final class SafetensorsHeader {
    /** A checked header: its JSON object, and where the tensor data starts and how long it is. */
    record Parsed(Map<?, ?> json, long dataStart, long dataLen) {
    }

    private SafetensorsHeader() {
    }

    /**
     * Reads and checks the header of {@code file} ({@code size} bytes, open as {@code ch}), at most
     * {@code maxHeader} bytes; {@code kind} names the file kind in errors ("model file").
     */
    static Parsed read(Path file, FileChannel ch, long size, long maxHeader, String kind) throws IOException {
        if (size < 8) {
            throw new ModelFormatException(file, "only " + size + " bytes: too short for a " + kind + " (truncated?)");
        }
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, len, 0);
        long n = len.flip().getLong();
        if (n < 2 || n > size - 8 || n > maxHeader) {
            if (ModelFiles.kind(file) == ModelFiles.Kind.ONNX) {
                throw new ModelFormatException(file, "not a " + kind + ": it looks like an ONNX model (read it with "
                        + "OnnxModels.load or ModelFiles.open)");
            }
            throw new ModelFormatException(file, "header length " + Long.toUnsignedString(n) + " does not fit a file of "
                    + size + " bytes, at most " + maxHeader + " (truncated, or not a " + kind + ")");
        }
        ByteBuffer head = ByteBuffer.allocate((int) n);
        readFully(ch, head, 8);
        String text;
        try {
            // strict: invalid UTF-8 is an error, not U+FFFD (safetensors' reader refuses it too)
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(head.flip()).toString();
        } catch (CharacterCodingException e) {
            throw new ModelFormatException(file, "header is not valid UTF-8 (" + e.getMessage() + ")");
        }
        Object parsed;
        try {
            parsed = Json.parse(text.strip());
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, "header is not valid JSON (" + e.getMessage() + ")");
        }
        if (!(parsed instanceof Map<?, ?> json)) {
            throw new ModelFormatException(file, "header is not a JSON object");
        }
        if (json.containsKey("__metadata__")) {
            if (!(json.get("__metadata__") instanceof Map<?, ?> meta)) {
                throw new ModelFormatException(file, "__metadata__ is not an object");
            }
            for (Map.Entry<?, ?> e : meta.entrySet()) {
                if (!(e.getValue() instanceof String)) {
                    throw new ModelFormatException(file, "__metadata__." + e.getKey() + " is not a string (safetensors "
                            + "metadata maps strings to strings)");
                }
            }
        }
        return new Parsed(json, 8 + n, size - 8 - n);
    }

    /** The {@code [begin, end)} byte ranges (not modified) must tile {@code [0, dataLen)}: no overlap, no gap. */
    static void requireTiling(Path file, long[][] ranges, long dataLen) throws ModelFormatException {
        long[][] sorted = ranges.clone();
        Arrays.sort(sorted, (a, b) -> Long.compare(a[0], b[0]));
        long covered = 0;
        for (long[] range : sorted) {
            if (range[0] < covered) {
                throw new ModelFormatException(file, "tensor data ranges overlap at byte " + range[0]);
            }
            if (range[0] > covered) {
                throw new ModelFormatException(file, "tensor data has a gap: bytes [" + covered + ", " + range[0]
                        + ") belong to no tensor");
            }
            covered = range[1];
        }
        if (covered != dataLen) {
            throw new ModelFormatException(file, "tensor data is " + dataLen + " bytes but the tensors end at byte " + covered);
        }
    }

    static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += r;
        }
    }
}
