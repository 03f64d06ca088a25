package dev.simdnn.io;

import dev.simdnn.init.Initializer;
import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.nn.ActivationLayer;
import dev.simdnn.nn.BatchNorm;
import dev.simdnn.nn.Dense;
import dev.simdnn.nn.Dropout;
import dev.simdnn.nn.LayerNorm;
import dev.simdnn.nn.Maxout;
import dev.simdnn.nn.PRelu;
import dev.simdnn.nn.Residual;
import dev.simdnn.nn.Sequential;
import dev.simdnn.nn.Softmax;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The architecture part of a model file: each layer as a small JSON object with a {@code type}
 * and its hyperparameters (widths follow from the previous layer). Decoding validates every field
 * and every width, and builds layers whose parameters the file's tensors then fill.
 *
 * <p>Types: {@code dense} (in, out, activation, bias), {@code dropout} (p), {@code activation}
 * (activation), {@code softmax}, {@code prelu}, {@code maxout} (units, pieces), {@code batch_norm}
 * (momentum, epsilon), {@code layer_norm} (epsilon), {@code residual} (body: a list of layers, or
 * one layer object; projection: whether the skip path is projected), {@code sequential} (layers).
 */
final class LayerSpecs {
    private LayerSpecs() {
    }

    static Map<String, Object> encode(Layer layer, int width) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (layer) {
            case Dense d -> {
                m.put("type", "dense");
                m.put("in", d.inputFeatures());
                m.put("out", d.outputFeatures());
                m.put("activation", d.activation().toString());
                m.put("bias", d.bias() != null);
            }
            case Dropout d -> {
                m.put("type", "dropout");
                m.put("p", (double) d.probability());
            }
            case ActivationLayer a -> {
                m.put("type", "activation");
                m.put("activation", a.activation().toString());
            }
            case Softmax s -> m.put("type", "softmax");
            case PRelu p -> m.put("type", "prelu");
            case Maxout x -> {
                m.put("type", "maxout");
                m.put("units", x.units());
                m.put("pieces", x.pieces());
            }
            case BatchNorm b -> {
                m.put("type", "batch_norm");
                m.put("momentum", (double) b.momentum());
                m.put("epsilon", (double) b.epsilon());
            }
            case LayerNorm l -> {
                m.put("type", "layer_norm");
                m.put("epsilon", (double) l.epsilon());
            }
            case Residual r -> {
                m.put("type", "residual");
                m.put("body", r.body() instanceof Sequential s ? encodeAll(s.layers(), width) : encode(r.body(), width));
                m.put("projection", r.projection() != null);
            }
            case Sequential s -> {
                m.put("type", "sequential");
                m.put("layers", encodeAll(s.layers(), width));
            }
            default -> throw new IllegalArgumentException("model files cannot store a " + layer.getClass().getName()
                    + " (" + layer + ")");
        }
        return m;
    }

    static List<Object> encodeAll(List<Layer> layers, int width) {
        List<Object> out = new ArrayList<>();
        for (Layer l : layers) {
            out.add(encode(l, width));
            width = l.outputFeatures(width);
        }
        return out;
    }

    /**
     * The floats a file's architecture may still declare: the tensor data it holds. Every layer
     * takes its parameters and buffers from it before anything is allocated, so a 300-byte file
     * that declares a 46000 × 46000 layer is refused, not built.
     */
    static final class Budget {
        private final Path file;
        private long floats;

        Budget(Path file, long floats) {
            this.file = file;
            this.floats = floats;
        }

        /** Takes {@code n} floats for {@code where}; refuses what the file cannot hold. */
        void take(long n, String where) throws ModelFormatException {
            if (n > floats) {
                throw new ModelFormatException(file, where + " declares " + n + " parameter and buffer values, but the file's "
                        + "tensor data holds only " + floats + " more");
            }
            floats -= n;
        }
    }

    /** Decodes a list of layer specs starting at {@code width}; {@code where} names the place in errors. */
    static List<Layer> decodeAll(Path file, Object specs, int width, String where, Kernels kernels, Budget budget)
            throws ModelFormatException {
        if (!(specs instanceof List<?> list) || list.isEmpty()) {
            throw new ModelFormatException(file, where + " has no layers");
        }
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            Layer l = decode(file, list.get(i), width, where + " layer " + i, kernels, budget);
            layers.add(l);
            width = l.outputFeatures(width);
        }
        return layers;
    }

    static Layer decode(Path file, Object spec, int width, String where, Kernels kernels, Budget budget)
            throws ModelFormatException {
        if (!(spec instanceof Map<?, ?> m)) {
            throw new ModelFormatException(file, where + " is not a layer object");
        }
        String type = String.valueOf(m.get("type"));
        try {
            return switch (type) {
                case "dense" -> {
                    int in = whole(file, m.get("in"), where + " in");
                    int out = whole(file, m.get("out"), where + " out");
                    if (in != width || out < 1) {
                        throw new ModelFormatException(file, where + " maps " + in + " -> " + out + " but receives "
                                + width + " features");
                    }
                    boolean bias = Boolean.TRUE.equals(m.get("bias"));
                    budget.take((long) in * out + (bias ? out : 0), where + " (dense " + in + " -> " + out + ")");
                    yield new Dense(in, out, activation(file, m, where), bias, Initializer.zeros(), new SplittableRandom(0));
                }
                case "dropout" -> new Dropout(width, (float) number(file, m.get("p"), where + " p"), 0);
                case "activation" -> new ActivationLayer(activation(file, m, where), width);
                case "softmax" -> new Softmax(width);
                case "prelu" -> {
                    budget.take(width, where + " (prelu)");
                    yield new PRelu(width);
                }
                case "maxout" -> {
                    int units = whole(file, m.get("units"), where + " units");
                    int pieces = whole(file, m.get("pieces"), where + " pieces");
                    long outputs = (long) units * pieces;
                    budget.take((width + 1L) * outputs, where + " (maxout " + units + " units x " + pieces + " pieces)");
                    yield new Maxout(width, units, pieces, Initializer.zeros(), new SplittableRandom(0));
                }
                case "batch_norm" -> {
                    budget.take(4L * width, where + " (batch norm)");
                    yield new BatchNorm(width, (float) number(file, m.get("momentum"), where + " momentum"),
                            (float) number(file, m.get("epsilon"), where + " epsilon"));
                }
                case "layer_norm" -> {
                    budget.take(2L * width, where + " (layer norm)");
                    yield new LayerNorm(width, (float) number(file, m.get("epsilon"), where + " epsilon"));
                }
                case "sequential" -> new Sequential(width, decodeAll(file, m.get("layers"), width, where, kernels, budget),
                        kernels);
                case "residual" -> {
                    Object body = m.get("body");
                    Layer f = body instanceof List<?>
                            ? new Sequential(width, decodeAll(file, body, width, where + " body", kernels, budget), kernels)
                            : decode(file, body, width, where + " body", kernels, budget);
                    boolean projected = Boolean.TRUE.equals(m.get("projection"));
                    if (projected != (f.outputFeatures(width) != width)) {
                        throw new ModelFormatException(file, where + ": projection " + projected + " but the body maps "
                                + width + " -> " + f.outputFeatures(width));
                    }
                    if (projected) {
                        budget.take((long) width * f.outputFeatures(width), where + " (projection)");
                    }
                    yield projected ? new Residual(width, f, new SplittableRandom(0)) : new Residual(width, f);
                }
                default -> throw new ModelFormatException(file, where + " has unknown type '" + type + "'");
            };
        } catch (IllegalArgumentException e) { // a constructor refused a value: name the place
            throw new ModelFormatException(file, where + " (" + type + "): " + e.getMessage());
        }
    }

    private static Activation activation(Path file, Map<?, ?> m, String where) throws ModelFormatException {
        try {
            return Activation.parse(String.valueOf(m.get("activation")));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file, where + ": " + e.getMessage());
        }
    }

    private static int whole(Path file, Object v, String what) throws ModelFormatException {
        double d = number(file, v, what);
        if (d != Math.rint(d) || d < 1 || d > Integer.MAX_VALUE) {
            throw new ModelFormatException(file, what + " is not a whole number >= 1: " + v);
        }
        return (int) d;
    }

    private static double number(Path file, Object v, String what) throws ModelFormatException {
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        throw new ModelFormatException(file, what + " is not a number: " + v);
    }
}
