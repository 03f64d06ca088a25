package dev.simdnn.onnx;

import com.google.protobuf.ByteString;
import dev.simdnn.kernel.Activation;
import dev.simdnn.layer.Layer;
import dev.simdnn.nn.ActivationLayer;
import dev.simdnn.nn.BidirectionalRecurrent;
import dev.simdnn.nn.LastStep;
import dev.simdnn.nn.Recurrent;
import dev.simdnn.nn.StackedRecurrent;
import dev.simdnn.nn.BatchNorm;
import dev.simdnn.nn.BatchNorm2d;
import dev.simdnn.nn.Conv2d;
import dev.simdnn.nn.Flatten;
import dev.simdnn.nn.ImageLayer;
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
import dev.simdnn.onnx.proto.Onnx;
import dev.simdnn.tensor.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Sequential} as an ONNX graph of opset {@link OnnxModels#EXPORT_OPSET}: one node
 * (or a few) per layer, named and numbered as torch's exporter names the equivalent
 * {@code nn.Sequential} ({@code /0/Gemm}, initializers {@code 0.weight}, …).
 */
final class OnnxExporter {
    private final Onnx.GraphProto.Builder graph = Onnx.GraphProto.newBuilder().setName("simdnn");
    private final List<Onnx.NodeProto.Builder> nodes = new ArrayList<>();
    private final Map<Tensor, String> names = new IdentityHashMap<>();
    private final java.util.Set<String> written = new java.util.HashSet<>();
    private int constants;

    byte[] export(Sequential model, String producerVersion) {
        model.namedParameters().forEach((k, p) -> names.put(p.value(), k));
        model.buffers().forEach((k, t) -> names.put(t, k));
        String out = sequence(model, "input", "");
        if (out.equals("input")) {
            out = node("Identity", "/Identity", out).getOutput(0);
        }
        nodes.get(nodes.size() - 1).setOutput(0, "output");
        nodes.forEach(graph::addNode);
        Layer first = model.layers().get(0);
        graph.addInput(first instanceof ImageLayer il ? imageValue("input", il.inputImage()) : value("input", model.inputFeatures()));
        graph.addOutput(value("output", model.outputFeatures()));
        return Onnx.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("simdnn")
                .setProducerVersion(producerVersion)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxModels.EXPORT_OPSET))
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    private static Onnx.ValueInfoProto value(String name, int features) {
        Onnx.TensorShapeProto shape = Onnx.TensorShapeProto.newBuilder()
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(features))
                .build();
        return Onnx.ValueInfoProto.newBuilder().setName(name)
                .setType(Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder()
                        .setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
                .build();
    }

    private static Onnx.ValueInfoProto imageValue(String name, ImageShape img) {
        Onnx.TensorShapeProto shape = Onnx.TensorShapeProto.newBuilder()
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(img.channels()))
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(img.height()))
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(img.width()))
                .build();
        return Onnx.ValueInfoProto.newBuilder().setName(name)
                .setType(Onnx.TypeProto.newBuilder().setTensorType(Onnx.TypeProto.Tensor.newBuilder()
                        .setElemType(Onnx.TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
                .build();
    }

    /** The layers of {@code s} from value {@code x}, under the name prefix {@code prefix}; returns the output value. */
    private String sequence(Sequential s, String x, String prefix) {
        int module = 0;
        for (Layer l : s.layers()) {
            x = layer(l, x, prefix + module);
            module += l.torchModules();
        }
        return x;
    }

    private String layer(Layer l, String x, String at) {
        String scope = "/" + at.replace('.', '/') + "/";
        switch (l) {
            case Dense d -> {
                x = gemm(x, d, scope);
                return activation(d.activation(), x, "/" + next(at) + "/");
            }
            case ActivationLayer a -> {
                return activation(a.activation(), x, scope);
            }
            case Dropout d -> {
                return x; // the identity in inference, as torch's exporter leaves it out
            }
            case Softmax s -> {
                return node("Softmax", scope + "Softmax", x).addAttribute(intAttr("axis", 1)).getOutput(0);
            }
            case PRelu p -> {
                return node("PRelu", scope + "PRelu", x, name(p.slope().value())).getOutput(0);
            }
            case BatchNorm b -> {
                return node("BatchNormalization", scope + "BatchNormalization", x, name(b.gamma().value()),
                        name(b.beta().value()), name(b.runningMean()), name(b.runningVariance()))
                        .addAttribute(floatAttr("epsilon", b.epsilon()))
                        .addAttribute(floatAttr("momentum", 1 - b.momentum())).getOutput(0);
            }
            case LayerNorm n -> {
                return node("LayerNormalization", scope + "LayerNormalization", x, name(n.gamma().value()), name(n.beta().value()))
                        .addAttribute(intAttr("axis", -1))
                        .addAttribute(floatAttr("epsilon", n.epsilon())).getOutput(0);
            }
            case Maxout m -> {
                Map<String, dev.simdnn.layer.Parameter> p = m.namedParameters();
                String z = node("Gemm", scope + "Gemm", x, name(p.get("weight").value()), name(p.get("bias").value()))
                        .addAttribute(intAttr("transB", 1)).getOutput(0);
                String shape = constant(scope + "shape", new long[] {0, m.pieces(), m.units()});
                String r = node("Reshape", scope + "Reshape", z, shape).getOutput(0);
                return node("ReduceMax", scope + "ReduceMax", r).addAttribute(intsAttr("axes", 1))
                        .addAttribute(intAttr("keepdims", 0)).getOutput(0);
            }
            case Conv2d c -> {
                dev.simdnn.kernel.Window2d w = c.window();
                Onnx.NodeProto.Builder conv = c.bias() == null
                        ? node("Conv", scope + "Conv", x, name(c.weight().value()))
                        : node("Conv", scope + "Conv", x, name(c.weight().value()), name(c.bias().value()));
                return conv.addAttribute(intsAttr("dilations", w.dilationH(), w.dilationW())).addAttribute(intAttr("group", 1))
                        .addAttribute(intsAttr("kernel_shape", w.kh(), w.kw()))
                        .addAttribute(intsAttr("pads", w.padH(), w.padW(), w.padH(), w.padW()))
                        .addAttribute(intsAttr("strides", w.strideH(), w.strideW())).getOutput(0);
            }
            case Pool2d p -> {
                dev.simdnn.kernel.Window2d w = p.window();
                if (p.kind() == Pool2d.Kind.GLOBAL_AVG) {
                    return node("GlobalAveragePool", scope + "GlobalAveragePool", x).getOutput(0);
                }
                boolean max = p.kind() == Pool2d.Kind.MAX;
                Onnx.NodeProto.Builder pool = node(max ? "MaxPool" : "AveragePool", scope + (max ? "MaxPool" : "AveragePool"), x)
                        .addAttribute(intsAttr("kernel_shape", w.kh(), w.kw()))
                        .addAttribute(intsAttr("pads", w.padH(), w.padW(), w.padH(), w.padW()))
                        .addAttribute(intsAttr("strides", w.strideH(), w.strideW()));
                if (!max) {
                    pool.addAttribute(intAttr("count_include_pad", 1));
                }
                return pool.getOutput(0);
            }
            case Flatten f -> {
                return node("Flatten", scope + "Flatten", x).addAttribute(intAttr("axis", 1)).getOutput(0);
            }
            case BatchNorm2d b -> {
                BatchNorm in = b.perChannel();
                return node("BatchNormalization", scope + "BatchNormalization", x, name(in.gamma().value()),
                        name(in.beta().value()), name(in.runningMean()), name(in.runningVariance()))
                        .addAttribute(floatAttr("epsilon", in.epsilon()))
                        .addAttribute(floatAttr("momentum", 1 - in.momentum())).getOutput(0);
            }
            case Residual r -> {
                String body = r.body() instanceof Sequential s ? sequence(s, x, at + ".body.") : layer(r.body(), x, at + ".body");
                String skip = r.projection() == null ? x
                        : node("Gemm", scope + "projection/Gemm", x, name(r.projection().weight().value()))
                        .addAttribute(intAttr("transB", 1)).getOutput(0);
                return node("Add", scope + "Add", skip, body).getOutput(0);
            }
            case Sequential s -> {
                return sequence(s, x, at + ".");
            }
            case Recurrent r -> {
                return recurrent(x, scope, List.of(r));
            }
            case BidirectionalRecurrent b -> {
                return recurrent(x, scope, b.directions());
            }
            case StackedRecurrent s -> {
                int level = 0;
                for (Layer lv : s.levels()) {
                    x = recurrent(x, scope + "l" + level++ + "/", lv instanceof BidirectionalRecurrent b ? b.directions()
                            : List.of((Recurrent) lv));
                }
                return x;
            }
            case LastStep last -> {
                String seq = node("Reshape", scope + "Reshape", x, constant(scope + "shape",
                        new long[] {0, last.steps(), -1})).getOutput(0);
                String index = constant(scope + "index", new long[0], last.steps() - 1);
                return node("Gather", scope + "Gather", seq, index).addAttribute(intAttr("axis", 1)).getOutput(0);
            }
            default -> throw new IllegalArgumentException("layer " + at + " (" + l + ") has no ONNX form simdnn exports");
        }
    }

    /**
     * One recurrent level (one direction, or two: forward then reverse) as ONNX writes it: rows of
     * {@code T·F} reshaped to {@code [batch, T, F]}, the {@code LSTM}/{@code GRU}/{@code RNN} node with
     * {@code layout = 1} (batch first), its {@code Y [batch, T, directions, H]} reshaped back to rows of
     * {@code T·directions·H} — our layout, both directions' states side by side at each step. The
     * weights are reordered to ONNX's gate order (LSTM i, o, f, c from torch's i, f, g, o; GRU z, r, h
     * from r, z, n, with {@code linear_before_reset = 1}, torch's GRU) and stacked over directions.
     */
    private String recurrent(String x, String scope, List<Recurrent> dirs) {
        Recurrent r = dirs.get(0);
        int steps = r.steps();
        int hidden = r.hiddenUnits();
        int d = dirs.size();
        String op = switch (r.cell()) {
            case LSTM -> "LSTM";
            case GRU -> "GRU";
            default -> "RNN";
        };
        int[] order = switch (r.cell()) {
            case LSTM -> new int[] {0, 3, 1, 2}; // i, o, f, c(g) from torch's blocks i, f, g, o
            case GRU -> new int[] {1, 0, 2};     // z, r, h(n) from r, z, n
            default -> new int[] {0};
        };
        int gates = order.length;
        String w = stackedWeights(scope + op + "_W", d, gates * hidden, r.inputFeatures(), dirs, 0, order, hidden);
        String rr = stackedWeights(scope + op + "_R", d, gates * hidden, hidden, dirs, 1, order, hidden);
        // B [directions, 2·G·H]: the input biases, then the recurrent ones
        float[] b = new float[d * 2 * gates * hidden];
        for (int k = 0; k < d; k++) {
            List<dev.simdnn.layer.Parameter> p = dirs.get(k).parameters();
            float[] bi = p.get(2).value().toArray();
            float[] bh = p.get(3).value().toArray();
            for (int g = 0; g < gates; g++) {
                System.arraycopy(bi, order[g] * hidden, b, k * 2 * gates * hidden + g * hidden, hidden);
                System.arraycopy(bh, order[g] * hidden, b, k * 2 * gates * hidden + (gates + g) * hidden, hidden);
            }
        }
        String bias = scope + op + "_B";
        graph.addInitializer(floats(bias, Tensor.of(b, d, 2 * gates * hidden)));
        String seq = node("Reshape", scope + "Reshape", x, constant(scope + "shape", new long[] {0, steps, r.inputFeatures()}))
                .getOutput(0);
        Onnx.NodeProto.Builder n = node(op, scope + op, seq, w, rr, bias)
                .addAttribute(intAttr("hidden_size", hidden))
                .addAttribute(intAttr("layout", 1))
                .addAttribute(stringAttr("direction", d == 2 ? "bidirectional" : "forward"));
        if (r.cell() == Recurrent.Cell.GRU) {
            n.addAttribute(intAttr("linear_before_reset", 1));
        }
        if (op.equals("RNN")) {
            String act = r.cell() == Recurrent.Cell.RNN_RELU ? "Relu" : "Tanh";
            n.addAttribute(stringsAttr("activations", d == 2 ? new String[] {act, act} : new String[] {act}));
        }
        String y = n.getOutput(0);
        return node("Reshape", scope + "Reshape_1", y, constant(scope + "shape_1", new long[] {0, (long) steps * d * hidden}))
                .getOutput(0);
    }

    /** {@code W} or {@code R} of a recurrent node: {@code [directions, G·H, cols]}, each direction's parameter {@code which}, blocks reordered. */
    private String stackedWeights(String name, int d, int rows, int cols, List<Recurrent> dirs, int which, int[] order, int hidden) {
        float[] v = new float[d * rows * cols];
        for (int k = 0; k < d; k++) {
            float[] src = dirs.get(k).parameters().get(which).value().toArray();
            for (int g = 0; g < order.length; g++) {
                System.arraycopy(src, order[g] * hidden * cols, v, k * rows * cols + g * hidden * cols, hidden * cols);
            }
        }
        graph.addInitializer(floats(name, Tensor.of(v, d, rows, cols)));
        return name;
    }

    private static String next(String at) {
        int dot = at.lastIndexOf('.');
        return at.substring(0, dot + 1) + (Integer.parseInt(at.substring(dot + 1)) + 1);
    }

    private String gemm(String x, Dense d, String scope) {
        Onnx.NodeProto.Builder n = d.bias() == null
                ? node("Gemm", scope + "Gemm", x, name(d.weight().value()))
                : node("Gemm", scope + "Gemm", x, name(d.weight().value()), name(d.bias().value()));
        return n.addAttribute(floatAttr("alpha", 1f)).addAttribute(floatAttr("beta", 1f))
                .addAttribute(intAttr("transB", 1)).getOutput(0);
    }

    /** The nodes of {@code a} applied to {@code x}; GELU (both forms) and SiLU as the element-wise graphs torch writes. */
    private String activation(Activation a, String x, String scope) {
        return switch (a.kind()) {
            case IDENTITY -> x;
            case RELU -> node("Relu", scope + "Relu", x).getOutput(0);
            case SIGMOID -> node("Sigmoid", scope + "Sigmoid", x).getOutput(0);
            case TANH -> node("Tanh", scope + "Tanh", x).getOutput(0);
            case SOFTPLUS -> node("Softplus", scope + "Softplus", x).getOutput(0);
            case SELU -> node("Selu", scope + "Selu", x).getOutput(0);
            case LEAKY_RELU -> node("LeakyRelu", scope + "LeakyRelu", x).addAttribute(floatAttr("alpha", a.alpha())).getOutput(0);
            case ELU -> node("Elu", scope + "Elu", x).addAttribute(floatAttr("alpha", a.alpha())).getOutput(0);
            case SWISH -> node("Mul", scope + "Mul", x, node("Sigmoid", scope + "Sigmoid", x).getOutput(0)).getOutput(0);
            case GELU -> {
                // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
                String x3 = node("Mul", scope + "Mul_1", x, node("Mul", scope + "Mul", x, x).getOutput(0)).getOutput(0);
                String inner = node("Add", scope + "Add", x,
                        node("Mul", scope + "Mul_2", scalar(scope, 0.044715f), x3).getOutput(0)).getOutput(0);
                String t = node("Tanh", scope + "Tanh",
                        node("Mul", scope + "Mul_3", scalar(scope, (float) Math.sqrt(2 / Math.PI)), inner).getOutput(0)).getOutput(0);
                String onePlus = node("Add", scope + "Add_1", scalar(scope, 1f), t).getOutput(0);
                yield node("Mul", scope + "Mul_5", scalar(scope, 0.5f),
                        node("Mul", scope + "Mul_4", x, onePlus).getOutput(0)).getOutput(0);
            }
            case GELU_ERF -> {
                // x·(1 + erf(x/√2))·0.5, as torch writes nn.GELU() below opset 20
                String erf = node("Erf", scope + "Erf", node("Div", scope + "Div", x, scalar(scope, (float) Math.sqrt(2)))
                        .getOutput(0)).getOutput(0);
                String onePlus = node("Add", scope + "Add", erf, scalar(scope, 1f)).getOutput(0);
                yield node("Mul", scope + "Mul_1", node("Mul", scope + "Mul", x, onePlus).getOutput(0), scalar(scope, 0.5f))
                        .getOutput(0);
            }
            case STEP -> throw new IllegalArgumentException("the step activation has no ONNX form simdnn exports "
                    + "(it has no gradient and is for the course's perceptrons)");
        };
    }

    private String name(Tensor t) {
        String n = names.get(t);
        if (n == null) {
            throw new IllegalStateException("a parameter outside the model's named parameters");
        }
        if (written.add(n)) { // each tensor once, however many nodes read it
            graph.addInitializer(floats(n, t));
        }
        return n;
    }

    private static Onnx.TensorProto floats(String name, Tensor t) {
        float[] v = t.toArray();
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        Onnx.TensorProto.Builder p = Onnx.TensorProto.newBuilder().setName(name)
                .setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(b.array()));
        for (int d : t.shape().dims()) {
            p.addDims(d);
        }
        return p.build();
    }

    private String scalar(String scope, float value) {
        String n = scope + "Constant_" + constants++ + "_output_0";
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(value);
        graph.addInitializer(Onnx.TensorProto.newBuilder().setName(n).setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(b.array())));
        return n;
    }

    /** A 1-D int64 initializer holding {@code values}. */
    private String constant(String name, long[] values) {
        return constant(name, new long[] {values.length}, values);
    }

    /** An int64 initializer of shape {@code dims} (empty: a scalar) holding {@code values}. */
    private String constant(String name, long[] dims, long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(Onnx.TensorProto.DataType.INT64_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        for (long dim : dims) {
            t.addDims(dim);
        }
        graph.addInitializer(t);
        return name;
    }

    private static Onnx.AttributeProto stringAttr(String name, String v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(v)).build();
    }

    private static Onnx.AttributeProto stringsAttr(String name, String... v) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.STRINGS);
        for (String x : v) {
            a.addStrings(ByteString.copyFromUtf8(x));
        }
        return a.build();
    }

    private Onnx.NodeProto.Builder node(String op, String name, String... inputs) {
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName(name);
        for (String i : inputs) {
            n.addInput(i);
        }
        n.addOutput(name + "_output_0");
        nodes.add(n);
        return n;
    }

    private static Onnx.AttributeProto intAttr(String name, long v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static Onnx.AttributeProto intsAttr(String name, long... v) {
        Onnx.AttributeProto.Builder a = Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static Onnx.AttributeProto floatAttr(String name, float v) {
        return Onnx.AttributeProto.newBuilder().setName(name).setType(Onnx.AttributeProto.AttributeType.FLOAT).setF(v).build();
    }
}
