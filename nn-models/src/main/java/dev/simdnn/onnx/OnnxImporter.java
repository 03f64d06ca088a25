package dev.simdnn.onnx;

import dev.simdnn.init.Initializer;
import dev.simdnn.io.ModelFormatException;
import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.nn.ActivationLayer;
import dev.simdnn.kernel.Window2d;
import dev.simdnn.nn.BatchNorm;
import dev.simdnn.nn.BatchNorm2d;
import dev.simdnn.nn.Conv2d;
import dev.simdnn.nn.Flatten;
import dev.simdnn.nn.ImageShape;
import dev.simdnn.nn.Pool2d;
import dev.simdnn.nn.Dense;
import dev.simdnn.nn.LayerNorm;
import dev.simdnn.nn.Maxout;
import dev.simdnn.nn.PRelu;
import dev.simdnn.nn.Residual;
import dev.simdnn.nn.BidirectionalRecurrent;
import dev.simdnn.nn.LastStep;
import dev.simdnn.nn.Recurrent;
import dev.simdnn.nn.Sequential;
import dev.simdnn.nn.Softmax;
import dev.simdnn.onnx.proto.Onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Turns an ONNX graph into a {@link Sequential}: it walks the graph from its input to its output,
 * one node (or one recognised group of nodes) at a time, and refuses anything it cannot represent
 * exactly, naming the node, its operator and why. See {@link OnnxModels} for what is read.
 */
final class OnnxImporter {
    /** Operators computed element by element, which the importer evaluates to recognise an activation. */
    private static final Set<String> ELEMENTWISE = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Neg", "Tanh", "Sigmoid",
            "Erf", "Exp", "Log", "Sqrt", "Abs", "Relu", "Identity", "Cast");
    /** Element-wise operators that are no activation by themselves: read only as part of a recognised group. */
    private static final Set<String> ARITHMETIC = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Neg", "Erf", "Exp", "Log",
            "Sqrt", "Abs", "Cast");
    static final List<String> SUPPORTED = List.of("Gemm", "MatMul", "Add (a bias after Gemm or MatMul)", "Relu", "LeakyRelu",
            "PRelu", "Sigmoid", "Tanh", "Elu", "Selu", "Softplus", "Gelu", "Softmax", "Flatten",
            "Reshape", "Identity", "Dropout", "BatchNormalization", "LayerNormalization",
            "the element-wise forms of GELU (erf and tanh) and SiLU that exporters write", "Add of a residual connection",
            "Reshape + ReduceMax of a maxout", "Conv (group 1)", "MaxPool", "AveragePool", "GlobalAveragePool",
            "Pad (zeros, before Conv or AveragePool)");
    private static final int MAX_NESTING = 32;

    private final OnnxGraph g;
    /** The shape of the rows while they are images (NCHW), else null. */
    private ImageShape image;
    /** The steps of a [batch, T, F] input (0: none). */
    private int sequenceSteps;
    /** The steps of the [batch, T, H] value torch's recurrent export ends with (0: none). */
    private int sequenceOut;
    /** Zero padding [h, w] of a {@code Pad} node, folded into the Conv or AveragePool that follows it. */
    private long[] pendingPad;
    /** Whether the latest {@link #pads} took a Pad node's zeros in (so an average counts them). */
    private boolean padded;

    OnnxImporter(OnnxGraph graph) {
        this.g = graph;
    }

    /** One layer in the making: dense layers stay open for a fused activation, a bias add or a maxout. */
    private sealed interface Step permits DenseStep, LayerStep, ResidualStep {
    }

    private static final class DenseStep implements Step {
        final int in;
        final int out;
        final float[] w; // [out, in]
        float[] b;
        Activation act = Activation.IDENTITY;
        int pieces; // > 0: a maxout of out / pieces units

        DenseStep(int in, int out, float[] w, float[] b) {
            this.in = in;
            this.out = out;
            this.w = w;
            this.b = b;
        }

        int width() {
            return pieces > 0 ? out / pieces : out;
        }
    }

    private record LayerStep(Layer layer, int width) implements Step {
    }

    private record ResidualStep(int in, List<Step> body, DenseStep projection, int width) implements Step {
    }

    Sequential model(Kernels kernels) throws ModelFormatException {
        int width = -1;
        List<Long> dims = g.inputDims;
        if (dims.size() == 2 && dims.get(1) > 0) {
            width = Math.toIntExact(dims.get(1));
        } else if (dims.size() > 2) {
            long p = 1;
            for (int i = 1; i < dims.size(); i++) {
                if (dims.get(i) <= 0) {
                    throw new ModelFormatException(g.file, "input '" + g.input + "' has shape " + dims
                            + " with a dimension after the batch that is not fixed; simdnn needs the feature count");
                }
                p *= dims.get(i);
            }
            if (p > Integer.MAX_VALUE) {
                throw new ModelFormatException(g.file, "input '" + g.input + "' has " + p + " features per row");
            }
            width = (int) p; // rows of C·H·W values (NCHW)
            if (dims.size() == 4) {
                image = new ImageShape(Math.toIntExact(dims.get(1)), Math.toIntExact(dims.get(2)), Math.toIntExact(dims.get(3)));
            } else {
                List<Onnx.NodeProto> first = g.consumersOf(g.input);
                if (dims.size() == 3 && first.size() == 1 && first.get(0).getOpType().equals("Transpose")) {
                    sequenceSteps = Math.toIntExact(dims.get(1)); // torch's batch-first recurrent export
                } else if (first.size() != 1 || !(first.get(0).getOpType().equals("Flatten") || first.get(0).getOpType().equals("Reshape"))) {
                    throw new ModelFormatException(g.file, "input '" + g.input + "' has shape " + dims + ": simdnn reads "
                            + "[batch, features], images [batch, channels, height, width], or another rank flattened by "
                            + "the first node (Flatten or Reshape), and here it is not");
                }
            }
        } else if (dims.size() == 1) {
            throw new ModelFormatException(g.file, "input '" + g.input + "' has rank 1; simdnn reads [batch, features]");
        }
        int[] w = {width};
        List<Step> steps = chain(g.input, g.output, null, w, 0);
        int input = inputWidth(steps, width);
        if (input <= 0) {
            throw new ModelFormatException(g.file, "the input width is not known: input '" + g.input + "' declares no "
                    + "feature dimension and no linear layer fixes it");
        }
        SplittableRandom rng = new SplittableRandom(0); // every parameter is then overwritten
        List<Layer> layers = build(steps, input, rng, kernels);
        if (layers.isEmpty()) {
            throw new ModelFormatException(g.file, "the graph computes nothing simdnn keeps (only identities)");
        }
        return new Sequential(input, layers, kernels);
    }

    private static int inputWidth(List<Step> steps, int declared) {
        if (declared > 0) {
            return declared;
        }
        for (Step s : steps) {
            if (s instanceof DenseStep d) {
                return d.in;
            }
            if (s instanceof ResidualStep r) {
                return r.in;
            }
            if (s instanceof LayerStep l && l.width > 0) {
                return l.width;
            }
        }
        return -1;
    }

    /**
     * The steps from value {@code from} to value {@code to}. {@code within}: the nodes this walk may
     * use (a branch of a residual block), or null for the whole graph. {@code width[0]}: the width
     * of {@code from} (-1 unknown), updated.
     */
    private List<Step> chain(String from, String to, List<Onnx.NodeProto> within, int[] width, int depth)
            throws ModelFormatException {
        if (depth > MAX_NESTING) {
            throw new ModelFormatException(g.file, "residual blocks nested more than " + MAX_NESTING + " deep");
        }
        List<Step> steps = new ArrayList<>();
        String cur = from;
        int guard = 0;
        while (!cur.equals(to)) {
            if (++guard > g.graph.getNodeCount() + 1) {
                throw new ModelFormatException(g.file, "the graph has a cycle through '" + cur + "'");
            }
            List<Onnx.NodeProto> cs = g.consumersOf(cur);
            if (within != null) {
                cs.removeIf(n -> within.stream().noneMatch(x -> x == n));
            }
            if (cs.isEmpty()) {
                throw new ModelFormatException(g.file, "value '" + cur + "' is not used by any node and is not the graph's "
                        + "output '" + to + "': a graph that is not a chain");
            }
            Onnx.NodeProto n = cs.get(0);
            List<String> computed = g.computedInputs(n);
            boolean biasAdd = n.getOpType().equals("Add") && computed.size() == 1;
            if (cs.size() == 1 && (biasAdd || !ARITHMETIC.contains(n.getOpType()))) { // the node says what else it needs
                cur = node(n, steps, width);
                continue;
            }
            // a group of nodes that starts at cur and merges again into one value
            List<Onnx.NodeProto> region = region(cur, within);
            Onnx.NodeProto merge = region.get(region.size() - 1);
            if (region.stream().allMatch(r -> ELEMENTWISE.contains(r.getOpType()))) {
                // the group ends where its branches meet; a scaling after that (GELU's 0.5·) may still belong to it
                Activation a;
                while ((a = Elementwise.match(g, cur, region)) == null) {
                    Onnx.NodeProto end = region.get(region.size() - 1);
                    List<Onnx.NodeProto> next = g.consumersOf(end.getOutput(0));
                    if (end.getOutput(0).equals(to) || next.size() != 1 || !ARITHMETIC.contains(next.get(0).getOpType())
                            || !g.computedInputs(next.get(0)).stream().allMatch(end.getOutput(0)::equals) || region.size() > 64) {
                        throw Elementwise.refusal(g, cur, region);
                    }
                    region.add(next.get(0));
                }
                merge = region.get(region.size() - 1);
                activation(steps, a, width[0]);
            } else if (merge.getOpType().equals("Add") && g.computedInputs(merge).size() == 2 && image != null) {
                throw g.refuse(merge, "a residual block on images is not supported yet");
            } else if (merge.getOpType().equals("Add") && g.computedInputs(merge).size() == 2) {
                steps.add(residual(cur, region, width, depth));
            } else {
                throw g.refuse(merge, "value '" + cur + "' feeds " + cs.size() + " nodes that meet again here: a graph that "
                        + "is not a chain, and not a residual block (x + f(x)) simdnn reads");
            }
            cur = merge.getOutput(0);
        }
        return steps;
    }

    /**
     * The nodes from the consumers of {@code start} up to the first node after which every value
     * they computed is used only inside the group: where the branches meet again. That node is last.
     */
    private List<Onnx.NodeProto> region(String start, List<Onnx.NodeProto> within) throws ModelFormatException {
        List<Onnx.NodeProto> nodes = new ArrayList<>();
        List<String> values = new ArrayList<>(List.of(start));
        for (Onnx.NodeProto n : g.graph.getNodeList()) {
            if (n.getOpType().equals("Constant") || (within != null && within.stream().noneMatch(x -> x == n))) {
                continue;
            }
            if (n.getInputList().stream().noneMatch(values::contains)) {
                continue;
            }
            nodes.add(n);
            values.addAll(n.getOutputList());
            String last = n.getOutput(0);
            boolean closed = true;
            for (String v : values) {
                if (v.equals(last)) {
                    continue;
                }
                if (v.equals(g.output)) {
                    closed = false;
                    break;
                }
                for (Onnx.NodeProto c : g.consumersOf(v)) {
                    if (nodes.stream().noneMatch(x -> x == c)) {
                        closed = false;
                        break;
                    }
                }
                if (!closed) {
                    break;
                }
            }
            if (closed) {
                return nodes;
            }
        }
        throw new ModelFormatException(g.file, "value '" + start + "' feeds branches that never meet again: a graph that "
                + "is not a chain");
    }

    private ResidualStep residual(String cur, List<Onnx.NodeProto> region, int[] width, int depth) throws ModelFormatException {
        Onnx.NodeProto add = region.get(region.size() - 1);
        List<String> ins = g.computedInputs(add);
        int in = width[0];
        List<List<Step>> branches = new ArrayList<>();
        List<Integer> widths = new ArrayList<>();
        for (String target : ins) {
            if (target.equals(cur)) {
                branches.add(List.of());
                widths.add(in);
                continue;
            }
            List<Onnx.NodeProto> part = ancestors(target, region);
            int[] w = {in};
            branches.add(chain(cur, target, part, w, depth + 1));
            widths.add(w[0]);
        }
        // the skip path is the identity or one linear map without a bias; the body is the other
        int skip = skipIndex(branches.get(0)) ? 0 : skipIndex(branches.get(1)) ? 1 : -1;
        if (skip < 0 || branches.get(0).isEmpty() && branches.get(1).isEmpty()) {
            throw g.refuse(add, "adds two computed branches, neither of which is an identity or a plain linear skip path: "
                    + "not a residual block simdnn reads");
        }
        List<Step> body = branches.get(1 - skip);
        if (body.isEmpty()) {
            throw g.refuse(add, "adds a value to itself or to its projection: not a residual block simdnn reads");
        }
        int out = widths.get(1 - skip);
        DenseStep projection = branches.get(skip).isEmpty() ? null : (DenseStep) branches.get(skip).get(0);
        if (projection == null && out != in || projection != null && projection.out != out) {
            throw g.refuse(add, "adds branches of widths " + widths + "; they must match");
        }
        if (projection != null && projection.out == in) {
            throw g.refuse(add, "a residual block whose skip path is a square linear map: simdnn's residual projects only "
                    + "when the width changes");
        }
        width[0] = out;
        return new ResidualStep(in, body, projection, out);
    }

    private static boolean skipIndex(List<Step> branch) {
        if (branch.isEmpty()) {
            return true;
        }
        if (branch.size() != 1 || !(branch.get(0) instanceof DenseStep d) || d.act != Activation.IDENTITY || d.pieces > 0) {
            return false;
        }
        if (d.b != null) {
            for (float v : d.b) {
                if (v != 0f) {
                    return false;
                }
            }
            d.b = null;
        }
        return true;
    }

    /** The nodes of {@code region} that {@code value} depends on. */
    private List<Onnx.NodeProto> ancestors(String value, List<Onnx.NodeProto> region) {
        List<Onnx.NodeProto> out = new ArrayList<>();
        List<String> need = new ArrayList<>(List.of(value));
        for (int i = region.size() - 1; i >= 0; i--) {
            Onnx.NodeProto n = region.get(i);
            if (n.getOutputList().stream().anyMatch(need::contains)) {
                out.add(0, n);
                need.addAll(n.getInputList());
            }
        }
        return out;
    }

    /** One node reading {@code steps}' current value: adds its step and returns its output. */
    private String node(Onnx.NodeProto n, List<Step> steps, int[] width) throws ModelFormatException {
        if (!g.computedInputs(n).isEmpty() && !n.getInput(0).equals(g.computedInputs(n).get(0))) {
            throw g.refuse(n, "reads the computed value as input " + n.getInputList().indexOf(g.computedInputs(n).get(0))
                    + "; simdnn reads it as the first input");
        }
        int w = width[0];
        Step last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
        DenseStep open = last instanceof DenseStep d && d.act == Activation.IDENTITY && d.pieces == 0 ? d : null;
        String op = n.getOpType();
        switch (op) {
            case "Gemm" -> {
                if (g.intAttr(n, "transA", 0) != 0) {
                    throw g.refuse(n, "transA = 1 (the batch transposed) is not read");
                }
                float alpha = g.floatAttr(n, "alpha", 1f);
                float beta = g.floatAttr(n, "beta", 1f);
                boolean transB = g.intAttr(n, "transB", 0) != 0;
                OnnxGraph.Const b = g.constInput(n, 1, "weight B");
                DenseStep d = linear(n, b, transB, alpha, w);
                OnnxGraph.Const c = g.optionalConst(n, 2, "bias C");
                if (c != null) {
                    d.b = broadcastRow(n, c, d.out, "bias C");
                    for (int i = 0; i < d.out; i++) {
                        d.b[i] *= beta;
                    }
                }
                steps.add(d);
                width[0] = d.out;
            }
            case "MatMul" -> {
                DenseStep d = linear(n, g.constInput(n, 1, "weight"), false, 1f, w);
                steps.add(d);
                width[0] = d.out;
            }
            case "Add" -> {
                OnnxGraph.Const c = g.constants.get(n.getInput(0).equals(g.computedInputs(n).get(0)) ? n.getInput(1) : n.getInput(0));
                if (open == null) {
                    throw g.refuse(n, "adds a constant to a value that is not the output of a linear map (Gemm or MatMul); "
                            + "simdnn reads such an Add only as a bias");
                }
                float[] add = broadcastRow(n, c, open.out, "bias");
                if (open.b == null) {
                    open.b = add;
                } else {
                    for (int i = 0; i < open.out; i++) {
                        open.b[i] += add[i];
                    }
                }
            }
            case "Relu" -> activation(steps, Activation.RELU, w);
            case "Sigmoid" -> activation(steps, Activation.SIGMOID, w);
            case "Tanh" -> activation(steps, Activation.TANH, w);
            case "Softplus" -> activation(steps, Activation.SOFTPLUS, w);
            case "LeakyRelu" -> activation(steps, Activation.leakyRelu(g.floatAttr(n, "alpha", 0.01f)), w);
            case "Elu" -> activation(steps, Activation.elu(g.floatAttr(n, "alpha", 1f)), w);
            case "Selu" -> {
                float alpha = g.floatAttr(n, "alpha", (float) Activation.SELU_ALPHA);
                float gamma = g.floatAttr(n, "gamma", (float) Activation.SELU_LAMBDA);
                if (Math.abs(alpha - Activation.SELU_ALPHA) > 1e-6 || Math.abs(gamma - Activation.SELU_LAMBDA) > 1e-6) {
                    throw g.refuse(n, "alpha = " + alpha + ", gamma = " + gamma + ": simdnn's SELU has the standard constants "
                            + "(1.6733, 1.0507) only");
                }
                activation(steps, Activation.SELU, w);
            }
            case "Gelu" -> {
                String approximate = g.stringAttr(n, "approximate", "none");
                if (!approximate.equals("tanh") && !approximate.equals("none")) {
                    throw g.refuse(n, "approximate = '" + approximate + "'; ONNX defines 'none' and 'tanh'");
                }
                activation(steps, approximate.equals("tanh") ? Activation.GELU : Activation.GELU_ERF, w);
            }
            case "PRelu" -> {
                flatOnly(n);
                requireWidth(n, w);
                OnnxGraph.Const slope = g.constInput(n, 1, "slope");
                float[] s = broadcastRow(n, slope, w, "slope");
                PRelu p = new PRelu(w);
                p.slope().value().copyFrom(s);
                steps.add(new LayerStep(p, w));
            }
            case "Softmax" -> {
                flatOnly(n);
                long axis = g.intAttr(n, "axis", g.opset >= 13 ? -1 : 1);
                if (axis != 1 && axis != -1) {
                    throw g.refuse(n, "axis = " + axis + "; simdnn's softmax is over the features of [batch, features] (axis 1 or -1)");
                }
                requireWidth(n, w);
                steps.add(new LayerStep(new Softmax(w), w));
            }
            case "Flatten" -> {
                if (g.intAttr(n, "axis", 1) != 1) {
                    throw g.refuse(n, "axis = " + g.intAttr(n, "axis", 1) + "; simdnn reads Flatten(axis=1), which keeps the batch");
                }
                if (image != null) {
                    steps.add(new LayerStep(new Flatten(w), w)); // torch's nn.Flatten: one module
                    image = null;
                }
            }
            case "Pad" -> {
                requireImage(n);
                String mode = g.stringAttr(n, "mode", "constant");
                long[] p;
                if (g.opset >= 11) {
                    double[] v = g.constInput(n, 1, "pads").values();
                    p = new long[v.length];
                    for (int i = 0; i < v.length; i++) {
                        p[i] = (long) v[i];
                    }
                } else {
                    p = g.intsAttr(n, "pads");
                }
                OnnxGraph.Const value = g.optionalConst(n, 2, "constant_value");
                if (!mode.equals("constant") || value != null && value.values()[0] != 0 || p == null || p.length != 8
                        || p[0] != 0 || p[1] != 0 || p[4] != 0 || p[5] != 0 || p[2] != p[6] || p[3] != p[7] || p[2] < 0 || p[3] < 0) {
                    throw g.refuse(n, "mode " + mode + ", pads " + Arrays.toString(p) + ": simdnn reads a zero padding of "
                            + "height and width, alike on both sides, before a Conv or AveragePool");
                }
                List<Onnx.NodeProto> next = g.consumersOf(n.getOutput(0));
                if (next.size() != 1 || !(next.get(0).getOpType().equals("Conv") || next.get(0).getOpType().equals("AveragePool"))) {
                    throw g.refuse(n, "a zero padding not followed by a Conv or an AveragePool, which would take it in");
                }
                pendingPad = new long[] {p[2], p[3]};
            }
            case "Conv" -> {
                requireImage(n);
                OnnxGraph.Const wt = g.constInput(n, 1, "weight W");
                if (wt.dims().length != 4 || wt.dims()[1] != image.channels()) {
                    throw g.refuse(n, "weight " + Arrays.toString(wt.dims()) + " for " + image + " images; simdnn reads "
                            + "[out, " + image.channels() + ", kh, kw] (group 1)");
                }
                if (g.intAttr(n, "group", 1) != 1) {
                    throw g.refuse(n, "group = " + g.intAttr(n, "group", 1) + "; grouped and depthwise convolutions are not "
                            + "supported yet");
                }
                int out = (int) wt.dims()[0];
                int kh = (int) wt.dims()[2];
                int kw = (int) wt.dims()[3];
                long[] strides = ints2(n, "strides", 1);
                long[] dil = ints2(n, "dilations", 1);
                long[] pads = pads(n);
                Window2d win = construct(n, () -> new Window2d(image.channels(), image.height(), image.width(), kh, kw,
                        (int) strides[0], (int) strides[1], (int) pads[0], (int) pads[1], (int) dil[0], (int) dil[1]));
                OnnxGraph.Const b = g.optionalConst(n, 2, "bias B");
                Conv2d conv = new Conv2d(win, out, b != null, dev.simdnn.init.Initializer.zeros(), new SplittableRandom(0));
                conv.weight().value().copyFrom(wt.floats());
                if (b != null) {
                    conv.bias().value().copyFrom(exact(n, b, out, "bias B"));
                }
                steps.add(new LayerStep(conv, out * win.outPixels()));
                image = conv.outputImage();
                width[0] = image.features();
            }
            case "MaxPool", "AveragePool" -> {
                requireImage(n);
                g.onlyFirstOutputUsed(n);
                long[] k = g.intsAttr(n, "kernel_shape");
                long[] strides = ints2(n, "strides", 1);
                long[] pads = pads(n);
                long[] dil = ints2(n, "dilations", 1);
                if (k == null || k.length != 2 || k[0] != k[1] || strides[0] != strides[1] || pads[0] != pads[1]
                        || dil[0] != 1 || dil[1] != 1) {
                    throw g.refuse(n, "kernel " + Arrays.toString(k) + ", strides " + Arrays.toString(strides) + ", pads "
                            + Arrays.toString(pads) + ", dilations " + Arrays.toString(dil) + ": simdnn pools with square windows, "
                            + "equal strides and padding, no dilation");
                }
                if (g.intAttr(n, "ceil_mode", 0) != 0) {
                    throw g.refuse(n, "ceil_mode = 1 is not supported (torch's default is 0)");
                }
                boolean max = op.equals("MaxPool");
                boolean zeros = padded;
                padded = false;
                if (!max && pads[0] > 0 && !zeros && g.intAttr(n, "count_include_pad", 0) != 1) {
                    throw g.refuse(n, "count_include_pad = 0 with padding: simdnn's average counts the padding (torch's "
                            + "default count_include_pad=True)");
                }
                int kk = (int) k[0], st = (int) strides[0], pad = (int) pads[0];
                Pool2d pool = construct(n, () -> max ? Pool2d.max(image, kk, st, pad) : Pool2d.avg(image, kk, st, pad));
                steps.add(new LayerStep(pool, pool.outputImage().features()));
                image = pool.outputImage();
                width[0] = image.features();
            }
            case "GlobalAveragePool" -> {
                requireImage(n);
                Pool2d pool = Pool2d.globalAvg(image);
                steps.add(new LayerStep(pool, image.channels()));
                image = pool.outputImage();
                width[0] = image.features();
            }
            case "Reshape" -> {
                return reshape(n, steps, open, width);
            }
            case "Transpose" -> {
                long[] perm = g.intsAttr(n, "perm");
                if (perm != null && Arrays.equals(perm, new long[] {1, 0, 2})) {
                    return torchRecurrent(n, steps, width);
                }
                throw g.refuse(n, "transposes with perm " + Arrays.toString(perm) + "; simdnn reads the [batch, T, F] to "
                        + "[T, batch, F] transpose before torch's recurrent nodes");
            }
            case "Gather" -> {
                OnnxGraph.Const index = g.constInput(n, 1, "indices");
                int t = sequenceOut;
                if (t > 0 && g.intAttr(n, "axis", 0) == 1 && index.dims().length == 0
                        && (index.values()[0] == -1 || index.values()[0] == t - 1)) {
                    steps.add(new LayerStep(new LastStep(t, w / t), w));
                    width[0] = w / t;
                    sequenceOut = 0;
                    return n.getOutput(0);
                }
                throw g.refuse(n, "gathers " + Arrays.toString(index.values()) + " on axis " + g.intAttr(n, "axis", 0)
                        + "; simdnn reads the last step of a sequence (axis 1, index -1)");
            }
            case "Identity" -> {
            }
            case "Dropout" -> {
                g.onlyFirstOutputUsed(n);
                OnnxGraph.Const training = g.optionalConst(n, 2, "training_mode");
                if (training != null && training.values()[0] != 0) {
                    throw g.refuse(n, "training_mode is true; an imported model runs inference");
                }
            }
            case "BatchNormalization" -> {
                if (image != null) {
                    steps.add(new LayerStep(batchNorm2d(n), w));
                    return n.getOutput(0);
                }
                requireWidth(n, w);
                g.onlyFirstOutputUsed(n);
                if (g.intAttr(n, "training_mode", 0) != 0) {
                    throw g.refuse(n, "training_mode = 1; an imported model runs inference, with the running statistics");
                }
                float eps = g.floatAttr(n, "epsilon", 1e-5f);
                float m = 1 - g.floatAttr(n, "momentum", 0.9f); // ONNX weighs the old statistics, simdnn the batch
                BatchNorm bn = construct(n, () -> new BatchNorm(w, m > 0 && m <= 1 ? m : 0.1f, eps));
                bn.gamma().value().copyFrom(exact(n, g.constInput(n, 1, "scale"), w, "scale"));
                bn.beta().value().copyFrom(exact(n, g.constInput(n, 2, "bias B"), w, "bias B"));
                bn.runningMean().copyFrom(exact(n, g.constInput(n, 3, "mean"), w, "mean"));
                float[] var = exact(n, g.constInput(n, 4, "var"), w, "var");
                for (int i = 0; i < w; i++) {
                    if (var[i] < 0) {
                        throw g.refuse(n, "var[" + i + "] = " + var[i] + " is negative");
                    }
                }
                bn.runningVariance().copyFrom(var);
                steps.add(new LayerStep(bn, w));
            }
            case "LayerNormalization" -> {
                flatOnly(n);
                requireWidth(n, w);
                g.onlyFirstOutputUsed(n);
                long axis = g.intAttr(n, "axis", -1);
                if (axis != -1 && axis != 1) {
                    throw g.refuse(n, "axis = " + axis + "; simdnn normalises over the features (axis -1 or 1)");
                }
                float eps = g.floatAttr(n, "epsilon", 1e-5f);
                LayerNorm ln = construct(n, () -> new LayerNorm(w, eps));
                ln.gamma().value().copyFrom(exact(n, g.constInput(n, 1, "scale"), w, "scale"));
                OnnxGraph.Const b = g.optionalConst(n, 2, "bias B");
                ln.beta().value().copyFrom(b == null ? new float[w] : exact(n, b, w, "bias B"));
                steps.add(new LayerStep(ln, w));
            }
            default -> throw g.refuse(n, "operator " + op + " is not supported; simdnn reads " + String.join(", ", SUPPORTED));
        }
        return n.getOutput(0);
    }

    private BatchNorm2d batchNorm2d(Onnx.NodeProto n) throws ModelFormatException {
        g.onlyFirstOutputUsed(n);
        if (g.intAttr(n, "training_mode", 0) != 0) {
            throw g.refuse(n, "training_mode = 1; an imported model runs inference, with the running statistics");
        }
        int c = image.channels();
        float eps = g.floatAttr(n, "epsilon", 1e-5f);
        float m = 1 - g.floatAttr(n, "momentum", 0.9f);
        BatchNorm2d bn = construct(n, () -> new BatchNorm2d(image, m > 0 && m <= 1 ? m : 0.1f, eps));
        bn.perChannel().gamma().value().copyFrom(exact(n, g.constInput(n, 1, "scale"), c, "scale"));
        bn.perChannel().beta().value().copyFrom(exact(n, g.constInput(n, 2, "bias B"), c, "bias B"));
        bn.perChannel().runningMean().copyFrom(exact(n, g.constInput(n, 3, "mean"), c, "mean"));
        float[] var = exact(n, g.constInput(n, 4, "var"), c, "var");
        for (int i = 0; i < c; i++) {
            if (var[i] < 0) {
                throw g.refuse(n, "var[" + i + "] = " + var[i] + " is negative");
            }
        }
        bn.perChannel().runningVariance().copyFrom(var);
        return bn;
    }

    private void flatOnly(Onnx.NodeProto n) throws ModelFormatException {
        if (image != null) {
            throw g.refuse(n, "on images [batch, " + image.channels() + ", " + image.height() + ", " + image.width()
                    + "] is not supported (simdnn's " + n.getOpType() + " works on flat rows): flatten first");
        }
    }

    private void requireImage(Onnx.NodeProto n) throws ModelFormatException {
        if (image == null) {
            throw g.refuse(n, "needs images [batch, channels, height, width]; its input here is flat rows");
        }
    }

    /** A two-value attribute ([h, w]), or {@code dflt} for both when absent. */
    private long[] ints2(Onnx.NodeProto n, String name, long dflt) throws ModelFormatException {
        long[] v = g.intsAttr(n, name);
        if (v == null) {
            return new long[] {dflt, dflt};
        }
        if (v.length != 2) {
            throw g.refuse(n, name + " " + Arrays.toString(v) + "; simdnn reads two values [h, w]");
        }
        return v;
    }

    /** The padding [h, w] of {@code pads} (begin and end per axis, which must agree) or {@code auto_pad}. */
    private long[] pads(Onnx.NodeProto n) throws ModelFormatException {
        String auto = g.stringAttr(n, "auto_pad", "NOTSET");
        if (!auto.equals("NOTSET") && !auto.equals("VALID")) {
            throw g.refuse(n, "auto_pad = " + auto + " is not supported; export with explicit pads");
        }
        long[] p = g.intsAttr(n, "pads");
        long[] own;
        if (p == null || auto.equals("VALID")) {
            own = new long[] {0, 0};
        } else if (p.length != 4 || p[0] != p[2] || p[1] != p[3]) {
            throw g.refuse(n, "pads " + Arrays.toString(p) + "; simdnn pads both sides of an axis alike [h, w, h, w]");
        } else {
            own = new long[] {p[0], p[1]};
        }
        if (pendingPad != null) { // a Pad node before this one: its zeros are this node's padding
            if (n.getOpType().equals("AveragePool") && (own[0] != 0 || own[1] != 0)) {
                throw g.refuse(n, "padding of its own after a Pad node: not read");
            }
            own = new long[] {own[0] + pendingPad[0], own[1] + pendingPad[1]};
            pendingPad = null;
            padded = true;
        }
        return own;
    }

    private interface Construct<T> {
        T make();
    }

    private <T> T construct(Onnx.NodeProto n, Construct<T> c) throws ModelFormatException {
        try {
            return c.make();
        } catch (IllegalArgumentException e) {
            throw g.refuse(n, e.getMessage());
        }
    }

    private void requireWidth(Onnx.NodeProto n, int w) throws ModelFormatException {
        if (w <= 0) {
            throw g.refuse(n, "the width of its input is not known here (no feature dimension declared and no linear map before it)");
        }
    }

    /** Reshape: to [batch, width] (the identity on rows), or the [batch, pieces, units] of a maxout. */
    private String reshape(Onnx.NodeProto n, List<Step> steps, DenseStep open, int[] width) throws ModelFormatException {
        OnnxGraph.Const shape = g.constInput(n, 1, "shape");
        double[] s = shape.values();
        int w = width[0];
        if (s.length == 2 && (s[0] == 0 || s[0] == -1) && (s[1] == -1 || s[1] == w)) {
            if (image != null) {
                steps.add(new LayerStep(new Flatten(w), w));
                image = null;
            }
            return n.getOutput(0);
        }
        if (s.length == 3 && (s[0] == 0 || s[0] == -1) && s[1] > 0 && image == null && w > 0 && w % (long) s[1] == 0
                && (s[2] == -1 || s[1] * s[2] == w)) {
            List<Onnx.NodeProto> next = g.consumersOf(n.getOutput(0));
            String op = next.size() == 1 ? next.get(0).getOpType() : "";
            if (op.equals("LSTM") || op.equals("GRU") || op.equals("RNN")) {
                return recurrent(next.get(0), (int) s[1], w / (int) s[1], steps, width);
            }
            if (op.equals("Gather")) {
                Onnx.NodeProto gather = next.get(0);
                OnnxGraph.Const index = g.constInput(gather, 1, "indices");
                long axis = g.intAttr(gather, "axis", 0);
                if (axis == 1 && index.values().length == 1 && index.dims().length == 0 && index.values()[0] == s[1] - 1) {
                    steps.add(new LayerStep(new LastStep((int) s[1], w / (int) s[1]), w));
                    width[0] = w / (int) s[1];
                    return gather.getOutput(0);
                }
                throw g.refuse(gather, "gathers indices " + Arrays.toString(index.values()) + " on axis " + axis
                        + "; simdnn reads the Gather of the last step (axis 1, index " + ((int) s[1] - 1) + ")");
            }
        }
        if (s.length == 3 && (s[0] == 0 || s[0] == -1) && open != null && s[1] > 0 && s[2] > 0 && s[1] * s[2] == open.out) {
            List<Onnx.NodeProto> next = g.consumersOf(n.getOutput(0));
            Onnx.NodeProto max = next.size() == 1 ? next.get(0) : null;
            long[] axes = max == null || !max.getOpType().equals("ReduceMax") ? null : g.intsAttr(max, "axes");
            if (axes == null && max != null && max.getOpType().equals("ReduceMax") && max.getInputCount() > 1) { // opset 18: an input
                double[] a = g.constInput(max, 1, "axes").values();
                axes = new long[a.length];
                for (int i = 0; i < a.length; i++) {
                    axes[i] = (long) a[i];
                }
            }
            if (max != null && axes != null && axes.length == 1 && axes[0] == 1 && g.intAttr(max, "keepdims", 1) == 0) {
                open.pieces = (int) s[1];
                width[0] = (int) s[2];
                return max.getOutput(0);
            }
        }
        throw g.refuse(n, "reshapes to " + Arrays.toString(s) + "; simdnn reads a Reshape to [batch, " + (w > 0 ? w : "features")
                + "] (the identity on its rows) or the Reshape + ReduceMax of a maxout");
    }

    /**
     * An {@code LSTM}/{@code GRU}/{@code RNN} node over {@code [batch, T, F]} (batch first, {@code layout
     * = 1}), as simdnn exports it: forward or bidirectional, torch's cells (default activations; GRU with
     * {@code linear_before_reset = 1}), no initial states, sequence lengths or peepholes, and its
     * {@code Y} reshaped back to rows of {@code T·directions·H}. Returns that Reshape's output.
     */
    private String recurrent(Onnx.NodeProto n, int t, int f, List<Step> steps, int[] width) throws ModelFormatException {
        if (g.intAttr(n, "layout", 0) != 1) {
            throw g.refuse(n, "has layout 0 ([T, batch, F]); simdnn reads the batch-first form (layout 1) it exports, "
                    + "or torch's form (a Transpose to [T, batch, F] before the node)");
        }
        Built built = recurrentLayer(n, t, f);
        int d = built.directions();
        int hidden = built.hidden();
        List<Onnx.NodeProto> after = g.consumersOf(n.getOutput(0));
        Onnx.NodeProto back = after.size() == 1 && after.get(0).getOpType().equals("Reshape") ? after.get(0) : null;
        double[] to = back == null ? null : g.constInput(back, 1, "shape").values();
        long rowWidth = (long) t * d * hidden;
        if (to == null || to.length != 2 || !(to[0] == 0 || to[0] == -1) || !(to[1] == -1 || to[1] == rowWidth)) {
            throw g.refuse(n, "its Y [batch, T, directions, H] is not reshaped to rows of " + rowWidth
                    + " (T·directions·H), as simdnn reads it");
        }
        steps.add(new LayerStep(built.layer(), (int) rowWidth));
        width[0] = (int) rowWidth;
        return back.getOutput(0);
    }

    /** A recurrent layer read from a node, with its directions and hidden units. */
    private record Built(Layer layer, int directions, int hidden) {
    }

    /**
     * Torch's export of batch-first recurrent layers: {@code Transpose(perm 1,0,2)} to time-major,
     * then one {@code LSTM}/{@code GRU}/{@code RNN} node per level (layout 0, one direction), each
     * {@code Y [T, 1, batch, H]} squeezed on axis 1, and a {@code Transpose(perm 1,0,2)} back to
     * {@code [batch, T, H]}. The levels become layers; the returned value is the last Transpose's.
     */
    private String torchRecurrent(Onnx.NodeProto transpose, List<Step> steps, int[] width) throws ModelFormatException {
        if (sequenceSteps < 1 || width[0] % sequenceSteps != 0) {
            throw g.refuse(transpose, "transposes a sequence whose steps are not known; simdnn reads an input "
                    + "[batch, T, F] with T fixed");
        }
        int t = sequenceSteps;
        int f = width[0] / t;
        Onnx.NodeProto n = single(transpose);
        while (true) {
            if (n == null || !Set.of("LSTM", "GRU", "RNN").contains(n.getOpType()) || g.intAttr(n, "layout", 0) != 0) {
                throw g.refuse(transpose, "is not followed by a recurrent node of layout 0, as in torch's export");
            }
            Built built = recurrentLayer(n, t, f);
            if (built.directions() != 1) {
                throw g.refuse(n, "reads both directions; simdnn reads torch's bidirectional export only in the form it "
                        + "writes itself (layout 1)");
            }
            steps.add(new LayerStep(built.layer(), t * built.hidden()));
            f = built.hidden();
            width[0] = t * f;
            Onnx.NodeProto squeeze = single(n.getOutput(0));
            if (squeeze == null || !squeeze.getOpType().equals("Squeeze") || !squeezesAxis1(squeeze)) {
                throw g.refuse(n, "its Y [T, 1, batch, H] is not squeezed on axis 1, as torch exports it");
            }
            Onnx.NodeProto next = single(squeeze.getOutput(0));
            if (next != null && next.getOpType().equals("Transpose")) {
                if (!Arrays.equals(g.intsAttr(next, "perm"), new long[] {1, 0, 2})) {
                    throw g.refuse(next, "transposes with perm " + Arrays.toString(g.intsAttr(next, "perm"))
                            + "; back to [batch, T, H] is perm [1, 0, 2]");
                }
                sequenceOut = t;
                return next.getOutput(0);
            }
            n = next; // the next level reads [T, batch, H]
        }
    }

    private Onnx.NodeProto single(Onnx.NodeProto n) {
        return single(n.getOutput(0));
    }

    private Onnx.NodeProto single(String value) {
        List<Onnx.NodeProto> c = g.consumersOf(value);
        return c.size() == 1 ? c.get(0) : null;
    }

    private boolean squeezesAxis1(Onnx.NodeProto squeeze) throws ModelFormatException {
        if (squeeze.getInputCount() > 1) {
            double[] axes = g.constInput(squeeze, 1, "axes").values();
            return axes.length == 1 && axes[0] == 1;
        }
        long[] axes = g.intsAttr(squeeze, "axes");
        return axes != null && axes.length == 1 && axes[0] == 1;
    }

    /** The layer of a recurrent node over {@code t} steps of {@code f} features (its form checked, its weights read). */
    private Built recurrentLayer(Onnx.NodeProto n, int t, int f) throws ModelFormatException {
        String op = n.getOpType();
        g.onlyFirstOutputUsed(n);
        for (int i = 4; i < n.getInputCount(); i++) {
            if (!n.getInput(i).isEmpty()) {
                throw g.refuse(n, "has input " + i + " ('" + n.getInput(i) + "'); simdnn reads no sequence lengths, initial "
                        + "states or peepholes");
            }
        }
        String direction = g.stringAttr(n, "direction", "forward");
        if (!direction.equals("forward") && !direction.equals("bidirectional")) {
            throw g.refuse(n, "has direction " + direction + "; simdnn reads forward or bidirectional");
        }
        int d = direction.equals("bidirectional") ? 2 : 1;
        for (String a : List.of("clip", "activation_alpha", "activation_beta", "input_forget")) {
            if (n.getAttributeList().stream().anyMatch(x -> x.getName().equals(a))) {
                throw g.refuse(n, "has attribute " + a + ", which torch's cells do not have");
            }
        }
        Recurrent.Cell cell;
        int[] order; // torch's block of each ONNX gate block
        switch (op) {
            case "LSTM" -> {
                cell = Recurrent.Cell.LSTM;
                order = new int[] {0, 3, 1, 2};
                activationsAre(n, d, "Sigmoid", "Tanh", "Tanh");
            }
            case "GRU" -> {
                cell = Recurrent.Cell.GRU;
                order = new int[] {1, 0, 2};
                if (g.intAttr(n, "linear_before_reset", 0) != 1) {
                    throw g.refuse(n, "has linear_before_reset 0; torch's GRU (and simdnn's) applies r after the product, "
                            + "linear_before_reset 1");
                }
                activationsAre(n, d, "Sigmoid", "Tanh");
            }
            default -> {
                List<String> acts = g.stringsAttr(n, "activations");
                boolean relu = !acts.isEmpty() && acts.get(0).equalsIgnoreCase("Relu");
                for (String a : acts) {
                    if (!a.equalsIgnoreCase(relu ? "Relu" : "Tanh")) {
                        throw g.refuse(n, "has activations " + acts + "; simdnn's RNN is Tanh or Relu in every direction");
                    }
                }
                cell = relu ? Recurrent.Cell.RNN_RELU : Recurrent.Cell.RNN_TANH;
                order = new int[] {0};
            }
        }
        int hidden = (int) g.intAttr(n, "hidden_size", -1);
        int gh = order.length * hidden;
        OnnxGraph.Const w = g.constInput(n, 1, "W");
        OnnxGraph.Const r = g.constInput(n, 2, "R");
        OnnxGraph.Const b = g.optionalConst(n, 3, "B");
        if (hidden < 1 || !Arrays.equals(w.dims(), new long[] {d, gh, f}) || !Arrays.equals(r.dims(), new long[] {d, gh, hidden})
                || b != null && !Arrays.equals(b.dims(), new long[] {d, 2L * gh})) {
            throw g.refuse(n, "has hidden_size " + hidden + ", W " + Arrays.toString(w.dims()) + ", R " + Arrays.toString(r.dims())
                    + (b == null ? "" : ", B " + Arrays.toString(b.dims())) + "; for " + d + " direction(s) of " + f
                    + " features the shapes are [" + d + ", " + gh + ", " + f + "], [" + d + ", " + gh + ", " + hidden + "], ["
                    + d + ", " + 2 * gh + "]");
        }
        SplittableRandom none = new SplittableRandom(0);
        Layer layer;
        List<Recurrent> dirs;
        if (d == 2) {
            BidirectionalRecurrent bi = new BidirectionalRecurrent(cell, f, hidden, t, none);
            layer = bi;
            dirs = bi.directions();
        } else {
            Recurrent one = new Recurrent(cell, f, hidden, t, none);
            layer = one;
            dirs = List.of(one);
        }
        float[] wv = w.floats();
        float[] rv = r.floats();
        float[] bv = b == null ? new float[d * 2 * gh] : b.floats();
        for (int k = 0; k < d; k++) {
            List<dev.simdnn.layer.Parameter> p = dirs.get(k).parameters();
            float[][] dst = {p.get(0).value().data(), p.get(1).value().data(), p.get(2).value().data(), p.get(3).value().data()};
            for (int gate = 0; gate < order.length; gate++) {
                int tb = order[gate] * hidden;
                System.arraycopy(wv, (k * gh + gate * hidden) * f, dst[0], tb * f, hidden * f);
                System.arraycopy(rv, (k * gh + gate * hidden) * hidden, dst[1], tb * hidden, hidden * hidden);
                System.arraycopy(bv, k * 2 * gh + gate * hidden, dst[2], tb, hidden);
                System.arraycopy(bv, k * 2 * gh + gh + gate * hidden, dst[3], tb, hidden);
            }
        }
        return new Built(layer, d, hidden);
    }

    private void activationsAre(Onnx.NodeProto n, int directions, String... perDirection) throws ModelFormatException {
        List<String> acts = g.stringsAttr(n, "activations");
        if (acts.isEmpty()) {
            return;
        }
        List<String> want = new ArrayList<>();
        for (int k = 0; k < directions; k++) {
            want.addAll(List.of(perDirection));
        }
        if (!acts.stream().map(a -> a.toLowerCase(java.util.Locale.ROOT)).toList()
                .equals(want.stream().map(a -> a.toLowerCase(java.util.Locale.ROOT)).toList())) {
            throw g.refuse(n, "has activations " + acts + "; torch's cell is " + want);
        }
    }

    private void activation(List<Step> steps, Activation a, int width) throws ModelFormatException {
        Step last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
        if (last instanceof DenseStep d && d.act == Activation.IDENTITY && d.pieces == 0) {
            d.act = a;
        } else {
            if (width <= 0) {
                throw new ModelFormatException(g.file, "an activation (" + a + ") before any layer that fixes the width, and "
                        + "the input declares none");
            }
            steps.add(new LayerStep(new ActivationLayer(a, width), width));
        }
    }

    /** A linear map from weight {@code b}: {@code [in, out]}, or {@code [out, in]} when {@code transB}. */
    private DenseStep linear(Onnx.NodeProto n, OnnxGraph.Const b, boolean transB, float alpha, int width)
            throws ModelFormatException {
        if (b.dims().length != 2) {
            throw g.refuse(n, "weight of rank " + b.dims().length + " " + Arrays.toString(b.dims()) + "; simdnn reads a matrix");
        }
        int rows = (int) b.dims()[0];
        int cols = (int) b.dims()[1];
        int in = transB ? cols : rows;
        int out = transB ? rows : cols;
        if (in == 0 || out == 0) {
            throw g.refuse(n, "weight of shape " + Arrays.toString(b.dims()));
        }
        if (width > 0 && in != width) {
            throw g.refuse(n, "weight " + Arrays.toString(b.dims()) + (transB ? " (transB)" : "") + " takes " + in
                    + " features but its input has " + width);
        }
        float[] w = new float[in * out];
        double[] v = b.values();
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                w[o * in + i] = (float) (alpha * (transB ? v[o * in + i] : v[i * out + o]));
            }
        }
        return new DenseStep(in, out, w, null);
    }

    /** A per-feature vector from {@code c}: {@code [n]}, {@code [1, n]} or one value for all. */
    private float[] broadcastRow(Onnx.NodeProto n, OnnxGraph.Const c, int size, String role) throws ModelFormatException {
        if (c == null) {
            throw g.refuse(n, "has no constant " + role);
        }
        float[] out = new float[size];
        if (c.scalar()) {
            Arrays.fill(out, (float) c.values()[0]);
            return out;
        }
        long[] d = c.dims();
        boolean row = c.size() == size && (d.length == 1 || d.length == 2 && d[0] == 1);
        if (!row) {
            throw g.refuse(n, role + " has shape " + Arrays.toString(d) + "; simdnn needs one value per feature [" + size
                    + "] (or [1, " + size + "], or a single value)");
        }
        return c.floats();
    }

    private float[] exact(Onnx.NodeProto n, OnnxGraph.Const c, int size, String role) throws ModelFormatException {
        if (c.size() != size || c.dims().length != 1) {
            throw g.refuse(n, role + " has shape " + Arrays.toString(c.dims()) + ", expected [" + size + "]");
        }
        return c.floats();
    }

    private List<Layer> build(List<Step> steps, int input, SplittableRandom rng, Kernels kernels) {
        List<Layer> layers = new ArrayList<>();
        int width = input;
        for (Step s : steps) {
            Layer l = switch (s) {
                case DenseStep d when d.pieces > 0 -> {
                    Maxout m = new Maxout(d.in, d.out / d.pieces, d.pieces, Initializer.zeros(), rng);
                    m.namedParameters().get("weight").value().copyFrom(d.w);
                    m.namedParameters().get("bias").value().copyFrom(d.b == null ? new float[d.out] : d.b);
                    yield m;
                }
                case DenseStep d -> {
                    Dense dense = new Dense(d.in, d.out, d.act, d.b != null, Initializer.zeros(), rng);
                    dense.setWeights(d.w);
                    if (d.b != null) {
                        dense.setBiases(d.b);
                    }
                    yield dense;
                }
                case LayerStep ls -> ls.layer;
                case ResidualStep r -> {
                    Layer b = new Sequential(r.in, build(r.body, r.in, rng, kernels), kernels); // as Mlp.Builder.residual
                    Residual res = r.projection == null ? new Residual(r.in, b) : new Residual(r.in, b, rng);
                    if (r.projection != null) {
                        res.projection().setWeights(r.projection.w);
                    }
                    yield res;
                }
            };
            width = l.outputFeatures(width);
            layers.add(l);
        }
        return layers;
    }
}
