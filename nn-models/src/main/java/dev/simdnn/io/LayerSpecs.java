package dev.simdnn.io;

import dev.simdnn.init.Initializer;
import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.nn.ActivationLayer;
import dev.simdnn.kernel.Window2d;
import dev.simdnn.nn.BatchNorm;
import dev.simdnn.nn.BatchNorm2d;
import dev.simdnn.nn.Conv2d;
import dev.simdnn.nn.Flatten;
import dev.simdnn.nn.LastStep;
import dev.simdnn.nn.BidirectionalRecurrent;
import dev.simdnn.nn.Recurrent;
import dev.simdnn.nn.StackedRecurrent;
import dev.simdnn.nn.ImageShape;
import dev.simdnn.nn.Pool2d;
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
 * (momentum, epsilon), {@code layer_norm} (epsilon), {@code conv2d} (in_channels, height, width,
 * out_channels, kernel, stride, padding, dilation as [h, w] pairs, bias), {@code max_pool2d} and
 * {@code avg_pool2d} (channels, height, width, kernel, stride, padding), {@code global_avg_pool2d},
 * {@code flatten}, {@code batch_norm2d} (channels, height, width, momentum, epsilon), {@code lstm},
 * {@code gru}, {@code rnn_tanh}, {@code rnn_relu} (steps, features, hidden), {@code last_step} (steps),
 * {@code residual} (body: a list of layers, or
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
            case Conv2d c -> {
                Window2d w = c.window();
                m.put("type", "conv2d");
                m.put("in_channels", w.channels());
                m.put("height", w.height());
                m.put("width", w.width());
                m.put("out_channels", c.outChannels());
                m.put("kernel", List.of(w.kh(), w.kw()));
                m.put("stride", List.of(w.strideH(), w.strideW()));
                m.put("padding", List.of(w.padH(), w.padW()));
                m.put("dilation", List.of(w.dilationH(), w.dilationW()));
                m.put("bias", c.bias() != null);
            }
            case Pool2d p -> {
                Window2d w = p.window();
                m.put("type", switch (p.kind()) {
                    case MAX -> "max_pool2d";
                    case AVG -> "avg_pool2d";
                    case GLOBAL_AVG -> "global_avg_pool2d";
                });
                m.put("channels", w.channels());
                m.put("height", w.height());
                m.put("width", w.width());
                if (p.kind() != Pool2d.Kind.GLOBAL_AVG) {
                    m.put("kernel", w.kh());
                    m.put("stride", w.strideH());
                    m.put("padding", w.padH());
                }
            }
            case Flatten f -> m.put("type", "flatten");
            case Recurrent r -> {
                m.put("type", r.cell().name().toLowerCase(java.util.Locale.ROOT)); // lstm, gru, rnn_tanh, rnn_relu
                m.put("steps", r.steps());
                m.put("features", r.inputFeatures());
                m.put("hidden", r.hiddenUnits());
            }
            case StackedRecurrent r -> {
                m.put("type", r.cell().name().toLowerCase(java.util.Locale.ROOT));
                m.put("steps", r.steps());
                m.put("features", r.inputFeatures());
                m.put("hidden", r.hiddenUnits());
                m.put("layers", r.layers());
                if (r.bidirectional()) {
                    m.put("bidirectional", true);
                }
            }
            case BidirectionalRecurrent r -> {
                m.put("type", r.cell().name().toLowerCase(java.util.Locale.ROOT));
                m.put("steps", r.steps());
                m.put("features", r.inputFeatures());
                m.put("hidden", r.hiddenUnits());
                m.put("bidirectional", true);
            }
            case LastStep l -> {
                m.put("type", "last_step");
                m.put("steps", l.steps());
            }
            case BatchNorm2d b -> {
                m.put("type", "batch_norm2d");
                m.put("channels", b.inputImage().channels());
                m.put("height", b.inputImage().height());
                m.put("width", b.inputImage().width());
                m.put("momentum", (double) b.perChannel().momentum());
                m.put("epsilon", (double) b.perChannel().epsilon());
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
                case "conv2d" -> {
                    ImageShape img = image(file, m, width, where, "in_channels");
                    int out = whole(file, m.get("out_channels"), where + " out_channels");
                    int[] k = pair(file, m.get("kernel"), where + " kernel", 1);
                    int[] st = pair(file, m.get("stride"), where + " stride", 1);
                    int[] pad = pair(file, m.get("padding"), where + " padding", 0);
                    int[] dil = pair(file, m.get("dilation"), where + " dilation", 1);
                    boolean bias = Boolean.TRUE.equals(m.get("bias"));
                    Window2d w = new Window2d(img.channels(), img.height(), img.width(), k[0], k[1], st[0], st[1], pad[0], pad[1],
                            dil[0], dil[1]);
                    budget.take((long) out * w.patch() + (bias ? out : 0), where + " (conv2d " + img + " -> " + out + ")");
                    yield new Conv2d(w, out, bias, Initializer.zeros(), new SplittableRandom(0));
                }
                case "max_pool2d", "avg_pool2d" -> {
                    ImageShape img = image(file, m, width, where, "channels");
                    int k = whole(file, m.get("kernel"), where + " kernel");
                    int st = whole(file, m.get("stride"), where + " stride");
                    int pad = wholeOrZero(file, m.get("padding"), where + " padding");
                    yield type.equals("max_pool2d") ? Pool2d.max(img, k, st, pad) : Pool2d.avg(img, k, st, pad);
                }
                case "global_avg_pool2d" -> Pool2d.globalAvg(image(file, m, width, where, "channels"));
                case "flatten" -> new Flatten(width);
                case "lstm", "gru", "rnn_tanh", "rnn_relu" -> {
                    int steps = whole(file, m.get("steps"), where + " steps");
                    int features = whole(file, m.get("features"), where + " features");
                    int hidden = whole(file, m.get("hidden"), where + " hidden");
                    if ((long) steps * features != width) {
                        throw new ModelFormatException(file, where + " reads " + steps + " steps of " + features
                                + " features but receives " + width + " values per row");
                    }
                    int layers = m.get("layers") == null ? 1 : whole(file, m.get("layers"), where + " layers");
                    Object biValue = m.get("bidirectional");
                    if (biValue != null && !(biValue instanceof Boolean)) {
                        throw new ModelFormatException(file, where + " bidirectional must be true or false, got " + biValue);
                    }
                    boolean bi = Boolean.TRUE.equals(biValue);
                    Recurrent.Cell cell = Recurrent.Cell.valueOf(type.toUpperCase(java.util.Locale.ROOT));
                    double directions = bi ? 2 : 1;
                    // in double: widths near 2^31 would overflow a long, and the budget refuses them anyway
                    budget.take((long) Math.min(9e18, directions * cell.gates() * hidden * (features + hidden + 2.0)
                            + (layers - 1.0) * directions * cell.gates() * hidden * (directions * hidden + hidden + 2.0)),
                            where + " (" + type + ")");
                    SplittableRandom none = new SplittableRandom(0);
                    yield layers > 1 ? new StackedRecurrent(cell, features, hidden, steps, layers, bi, none)
                            : bi ? new BidirectionalRecurrent(cell, features, hidden, steps, none)
                            : new Recurrent(cell, features, hidden, steps, none);
                }
                case "last_step" -> {
                    int steps = whole(file, m.get("steps"), where + " steps");
                    if (width % steps != 0) {
                        throw new ModelFormatException(file, where + " takes the last of " + steps + " steps, but "
                                + width + " values per row are not a whole number of steps");
                    }
                    yield new LastStep(steps, width / steps);
                }
                case "batch_norm2d" -> {
                    ImageShape img = image(file, m, width, where, "channels");
                    budget.take(4L * img.channels(), where + " (batch norm 2d)");
                    yield new BatchNorm2d(img, (float) number(file, m.get("momentum"), where + " momentum"),
                            (float) number(file, m.get("epsilon"), where + " epsilon"));
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

    /** The image shape a layer spec declares, checked against the width it receives. */
    private static ImageShape image(Path file, Map<?, ?> m, int width, String where, String channelsKey)
            throws ModelFormatException {
        int c = whole(file, m.get(channelsKey), where + " " + channelsKey);
        int h = whole(file, m.get("height"), where + " height");
        int w = whole(file, m.get("width"), where + " width");
        if ((long) c * h * w != width) {
            throw new ModelFormatException(file, where + " takes " + c + "x" + h + "x" + w + " images (" + (long) c * h * w
                    + " features) but receives " + width + " features");
        }
        return new ImageShape(c, h, w);
    }

    /** Two whole numbers {@code >= min} ({@code [h, w]}). */
    private static int[] pair(Path file, Object v, String what, int min) throws ModelFormatException {
        if (!(v instanceof List<?> l) || l.size() != 2) {
            throw new ModelFormatException(file, what + " is not a pair [h, w]: " + v);
        }
        int[] out = new int[2];
        for (int i = 0; i < 2; i++) {
            out[i] = min == 0 ? wholeOrZero(file, l.get(i), what) : whole(file, l.get(i), what);
        }
        return out;
    }

    private static int wholeOrZero(Path file, Object v, String what) throws ModelFormatException {
        double d = number(file, v, what);
        if (d != Math.rint(d) || d < 0 || d > Integer.MAX_VALUE) {
            throw new ModelFormatException(file, what + " is not a whole number >= 0: " + v);
        }
        return (int) d;
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
