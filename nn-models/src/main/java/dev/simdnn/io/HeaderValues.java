package dev.simdnn.io;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Typed reads of a model file's header values, each refusing a wrong type with the value's place. */
final class HeaderValues {
    private HeaderValues() {
    }

    static Object parseJson(Path file, Object text, String what) throws ModelFormatException {
        try {
            return Json.parse(String.valueOf(text));
        } catch (RuntimeException e) {
            throw new ModelFormatException(file, what + " is not valid JSON (" + e.getMessage() + ")");
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> jsonObject(Path file, Object text, String what) throws ModelFormatException {
        if (text == null) {
            throw new ModelFormatException(file, "__metadata__." + what + " is missing");
        }
        Object v = parseJson(file, text, what);
        if (!(v instanceof Map<?, ?>)) {
            throw new ModelFormatException(file, what + " is not a JSON object");
        }
        return (Map<String, Object>) v;
    }

    static int intOf(Path file, Object v, String what) throws ModelFormatException {
        try {
            double d = v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v));
            if (d != Math.rint(d) || d < 0 || d > Integer.MAX_VALUE) {
                throw new NumberFormatException();
            }
            return (int) d;
        } catch (NumberFormatException e) {
            throw new ModelFormatException(file, what + " is not a whole number: " + v);
        }
    }

    static float[] floatsOf(Path file, Object v, String what) throws ModelFormatException {
        if (!(v instanceof List<?> l)) {
            throw new ModelFormatException(file, what + " is not a list of numbers");
        }
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) {
            if (!(l.get(i) instanceof Number n)) {
                throw new ModelFormatException(file, what + "[" + i + "] is not a number");
            }
            f[i] = n.floatValue();
        }
        return f;
    }
}
