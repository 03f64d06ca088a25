package dev.simdnn.io;

import dev.simdnn.layer.Layer;
import dev.simdnn.nn.BatchNorm;
import dev.simdnn.nn.LayerNorm;
import dev.simdnn.nn.PRelu;
import dev.simdnn.nn.Residual;
import dev.simdnn.nn.Sequential;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensor names of model files of version 1, for reading them into today's models. Version 1
 * numbered the layers of a sequential model 0, 1, 2, … (a dense layer with its fused activation was
 * one number, where torch counts two modules) and named normalisation scales and shifts
 * {@code gamma}/{@code beta} and PReLU slopes {@code slope}; it had no {@code num_batches_tracked}.
 */
final class LegacyNames {
    private LegacyNames() {
    }

    /**
     * Today's name of every parameter and buffer of {@code model} → its name in a version-1 file;
     * a tensor version 1 did not store ({@code num_batches_tracked}) is left out.
     */
    static Map<String, String> v1(Sequential model) {
        Map<String, String> names = new LinkedHashMap<>();
        container(model, "", "", names);
        return names;
    }

    private static void container(Sequential s, String prefix, String oldPrefix, Map<String, String> names) {
        int module = 0;
        for (int i = 0; i < s.layers().size(); i++) {
            Layer l = s.layers().get(i);
            layer(l, prefix + module + ".", oldPrefix + i + ".", names);
            module += l.torchModules();
        }
    }

    private static void layer(Layer l, String prefix, String oldPrefix, Map<String, String> names) {
        switch (l) {
            case Sequential s -> container(s, prefix, oldPrefix, names);
            case Residual r -> {
                layer(r.body(), prefix + "body.", oldPrefix + "body.", names);
                if (r.projection() != null) {
                    layer(r.projection(), prefix + "projection.", oldPrefix + "projection.", names);
                }
            }
            default -> {
                for (String local : l.namedParameters().keySet()) {
                    names.put(prefix + local, oldPrefix + v1Local(l, local));
                }
                for (String local : l.buffers().keySet()) {
                    if (!local.equals("num_batches_tracked")) {
                        names.put(prefix + local, oldPrefix + local);
                    }
                }
            }
        }
    }

    private static String v1Local(Layer l, String local) {
        if (l instanceof BatchNorm || l instanceof LayerNorm) {
            return switch (local) {
                case "weight" -> "gamma";
                case "bias" -> "beta";
                default -> local;
            };
        }
        return l instanceof PRelu && local.equals("weight") ? "slope" : local;
    }
}
