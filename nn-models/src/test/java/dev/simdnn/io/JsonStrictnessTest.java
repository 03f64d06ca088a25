package dev.simdnn.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 11, cases 2 and 15: deeply nested JSON overflowed the stack (a 1,025-line trace), and the
 * reader accepted what a strict JSON or safetensors reader refuses: duplicate keys, numbers such
 * as {@code 01} or {@code .5}, raw control characters, unknown escapes, invalid UTF-8.
 */
class JsonStrictnessTest {

    private static String message(String text) {
        return assertThrows(IllegalArgumentException.class, () -> Json.parse(text)).getMessage();
    }

    @Test
    void nestingIsBoundedWithAMessageNotAStackOverflow() {
        String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertEquals(List.of(), unwrap(Json.parse(ok), Json.MAX_DEPTH - 1));
        assertTrue(message("[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1))
                .contains("nested deeper than 64 levels"));
        // the attack from the issue: ~3,500 levels, in arrays and in objects
        assertTrue(message("[".repeat(3500) + "]".repeat(3500)).contains("nested deeper than 64 levels"));
        assertTrue(message("{\"a\":".repeat(3500) + "1" + "}".repeat(3500)).contains("nested deeper than 64 levels"));
    }

    private static Object unwrap(Object v, int levels) {
        for (int i = 0; i < levels; i++) {
            v = ((List<?>) v).get(0);
        }
        return v;
    }

    @Test
    void duplicateKeysAreRefusedAtTheirOffset() {
        assertEquals("JSON: duplicate key \"a\" at offset 9", message("{\"a\": 1, \"a\": 2}"));
        assertTrue(message("{\"x\": {\"b\": 1, \"b\": 1}}").contains("duplicate key \"b\""));
        assertEquals(Map.of("a", 1.0, "b", 2.0), Json.parse("{\"a\": 1, \"b\": 2}"));
    }

    @Test
    void numbersFollowTheJsonGrammar() {
        for (String bad : new String[] {"01", "1.", ".5", "+1", "1e", "1e+", "-", "NaN", "Infinity", "0x10", "1.5.2", "--1"}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
        assertEquals(-0.5, Json.parse("-0.5"));
        assertEquals(1.5e-7, Json.parse("1.5E-7"));
        assertEquals(120.0, Json.parse("12e1"));
        assertEquals(0.0, Json.parse("0"));
    }

    @Test
    void stringsHoldNoRawControlCharactersAndOnlyDefinedEscapes() {
        assertTrue(message("\"a\u0001b\"").contains("control character U+0001"));
        assertTrue(message("\"tab\there\"").contains("control character U+0009"));
        assertTrue(message("\"\\q\"").contains("bad escape \\q"));
        assertTrue(message("\"\\u12\"").contains("bad \\u escape"));
        assertEquals("a\"\\/\n\u00e9", Json.parse("\"a\\\"\\\\\\/\\n\\u00e9\""));
    }

    @Test
    void everyTruncationIsAnErrorWithAnOffset() {
        String doc = "{\"a\": [1, 2.5, {\"b\": \"x\\u0041\"}], \"c\": true, \"d\": null}";
        assertEquals(3, ((Map<?, ?>) Json.parse(doc)).size());
        for (int cut = 0; cut < doc.length(); cut++) {
            String part = doc.substring(0, cut);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(part), part);
            assertTrue(e.getMessage().startsWith("JSON: ") && e.getMessage().contains(" at offset "), e.getMessage());
        }
    }

    @Test
    void aModelFileHeaderOfInvalidUtf8OrDeepNestingIsAFormatError(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.simdnn");
        byte[] json = "{\"__metadata__\": {\"format\": \"simdnn\", \"x\": \"\u00ff\"}}".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(bad, withLength(json));
        ModelFormatException utf8 = assertThrows(ModelFormatException.class, () -> ModelFile.load(bad));
        assertTrue(utf8.getMessage().contains("header is not valid UTF-8"), utf8.getMessage());
        byte[] deep = ("{\"__metadata__\": " + "[".repeat(3000) + "]".repeat(3000) + "}").getBytes(StandardCharsets.UTF_8);
        Files.write(bad, withLength(deep));
        ModelFormatException nested = assertThrows(ModelFormatException.class, () -> ModelFile.load(bad));
        assertTrue(nested.getMessage().contains("nested deeper than 64 levels"), nested.getMessage());
    }

    private static byte[] withLength(byte[] json) {
        ByteBuffer b = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        return b.array();
    }
}
