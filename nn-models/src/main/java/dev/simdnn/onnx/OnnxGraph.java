package dev.simdnn.onnx;

import dev.simdnn.io.ModelFormatException;
import dev.simdnn.onnx.proto.Onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX graph as the importer reads it: the constants (initializers and {@code Constant} nodes)
 * decoded and checked, every computed value's consumers, and the attribute and input helpers that
 * name the node in each error.
 */
final class OnnxGraph {
    /** A constant tensor: its dimensions and values (integers and doubles converted to double). */
    record Const(long[] dims, double[] values) {
        int size() {
            return values.length;
        }

        boolean scalar() {
            return values.length == 1;
        }

        float[] floats() {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            return f;
        }
    }

    final Path file;
    final Onnx.GraphProto graph;
    final int opset;
    final Map<String, Const> constants = new HashMap<>();
    /** The nodes that read each value (Constant nodes excluded), in graph order. */
    final Map<String, List<Onnx.NodeProto>> consumers = new HashMap<>();
    /** Values the graph's output needs: the graph output itself. */
    final String output;
    final String input;
    final List<Long> inputDims; // -1 for a symbolic or missing dimension

    private static final long MAX_ELEMENTS = 1L << 31;

    /**
     * The graph with the zero initial states torch's exporter computes for a recurrent node
     * ({@code Shape → Gather → Unsqueeze → Concat → ConstantOfShape} of zeros, as {@code initial_h}
     * and {@code initial_c}) taken out: the inputs left empty, as an absent initial state is zero,
     * and the nodes that computed them, now unused, removed.
     */
    static Onnx.GraphProto withoutZeroInitialStates(Onnx.GraphProto g) {
        java.util.Map<String, Onnx.NodeProto> producer = new HashMap<>();
        for (Onnx.NodeProto n : g.getNodeList()) {
            for (String o : n.getOutputList()) {
                producer.put(o, n);
            }
        }
        Onnx.GraphProto.Builder b = g.toBuilder();
        boolean changed = false;
        for (Onnx.NodeProto.Builder n : b.getNodeBuilderList()) {
            if (!java.util.Set.of("LSTM", "GRU", "RNN").contains(n.getOpType())) {
                continue;
            }
            for (int i = 5; i <= 6 && i < n.getInputCount(); i++) {
                if (zeros(n.getInput(i), producer)) {
                    n.setInput(i, "");
                    changed = true;
                }
            }
        }
        if (!changed) {
            return g;
        }
        // remove what no longer feeds anything (repeat: a chain dies from its end)
        boolean removed = true;
        while (removed) {
            java.util.Set<String> used = new java.util.HashSet<>();
            for (Onnx.NodeProto n : b.getNodeList()) {
                used.addAll(n.getInputList());
            }
            for (Onnx.ValueInfoProto o : b.getOutputList()) {
                used.add(o.getName());
            }
            removed = false;
            for (int i = b.getNodeCount() - 1; i >= 0; i--) {
                if (b.getNode(i).getOutputList().stream().noneMatch(used::contains)) {
                    b.removeNode(i);
                    removed = true;
                }
            }
        }
        return b.build();
    }

    /** Whether {@code value} is all zeros: a zero {@code ConstantOfShape}, or a {@code Slice} of one (one level of a stack's states). */
    private static boolean zeros(String value, java.util.Map<String, Onnx.NodeProto> producer) {
        Onnx.NodeProto p = producer.get(value);
        for (int depth = 0; p != null && depth < 8; depth++) {
            if (p.getOpType().equals("ConstantOfShape")) {
                return zeroFill(p);
            }
            if (!p.getOpType().equals("Slice")) {
                return false;
            }
            p = producer.get(p.getInput(0));
        }
        return false;
    }

    /** Whether a {@code ConstantOfShape} fills with zeros (its default, or a value tensor of 0). */
    private static boolean zeroFill(Onnx.NodeProto p) {
        for (Onnx.AttributeProto a : p.getAttributeList()) {
            if (a.getName().equals("value")) {
                Onnx.TensorProto t = a.getT();
                for (byte v : t.getRawData().toByteArray()) {
                    if (v != 0) {
                        return false;
                    }
                }
                return t.getFloatDataList().stream().allMatch(f -> f == 0f) && t.getInt64DataList().stream().allMatch(v -> v == 0)
                        && t.getInt32DataList().stream().allMatch(v -> v == 0) && t.getDoubleDataList().stream().allMatch(v -> v == 0);
            }
        }
        return true;
    }

    OnnxGraph(Path file, Onnx.ModelProto model) throws ModelFormatException {
        this.file = file;
        this.graph = withoutZeroInitialStates(model.getGraph());
        int op = -1;
        for (Onnx.OperatorSetIdProto id : model.getOpsetImportList()) {
            String domain = id.getDomain();
            if (domain.isEmpty() || domain.equals("ai.onnx")) {
                op = (int) id.getVersion();
            }
        }
        if (op < 0) {
            throw new ModelFormatException(file, "no opset of the default ONNX domain is imported");
        }
        if (op < OnnxModels.MIN_OPSET || op > OnnxModels.MAX_OPSET) {
            throw new ModelFormatException(file, "opset " + op + " of the default domain: simdnn reads opsets "
                    + OnnxModels.MIN_OPSET + " to " + OnnxModels.MAX_OPSET);
        }
        this.opset = op;
        for (Onnx.TensorProto t : graph.getInitializerList()) {
            constants.put(t.getName(), decode(t, "initializer '" + t.getName() + "'"));
        }
        for (Onnx.NodeProto n : graph.getNodeList()) {
            if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                throw new ModelFormatException(file, describe(n) + ": operator domain '" + n.getDomain()
                        + "' is not read (only the default ONNX domain)");
            }
            if (n.getOpType().equals("Constant")) {
                constants.put(n.getOutput(0), constantNode(n));
                continue;
            }
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && !constants.containsKey(in)) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                }
            }
        }
        List<Onnx.ValueInfoProto> inputs = new ArrayList<>();
        for (Onnx.ValueInfoProto v : graph.getInputList()) {
            if (!constants.containsKey(v.getName())) { // old exporters list the initializers as inputs too
                inputs.add(v);
            }
        }
        if (inputs.size() != 1) {
            throw new ModelFormatException(file, "the graph has " + inputs.size() + " inputs "
                    + names(inputs) + ": simdnn imports models of exactly one input");
        }
        if (graph.getOutputCount() != 1) {
            throw new ModelFormatException(file, "the graph has " + graph.getOutputCount() + " outputs "
                    + names(graph.getOutputList()) + ": simdnn imports models of exactly one output");
        }
        Onnx.ValueInfoProto in = inputs.get(0);
        this.input = in.getName();
        this.output = graph.getOutput(0).getName();
        Onnx.TypeProto type = in.getType();
        if (type.hasTensorType() && type.getTensorType().getElemType() != Onnx.TensorProto.DataType.FLOAT_VALUE) {
            throw new ModelFormatException(file, "input '" + input + "' has element type "
                    + dataTypeName(type.getTensorType().getElemType()) + ": simdnn reads float inputs");
        }
        List<Long> dims = new ArrayList<>();
        if (type.hasTensorType() && type.getTensorType().hasShape()) {
            for (Onnx.TensorShapeProto.Dimension d : type.getTensorType().getShape().getDimList()) {
                dims.add(d.hasDimValue() ? d.getDimValue() : -1L);
            }
        }
        this.inputDims = dims;
    }

    private static String names(List<Onnx.ValueInfoProto> values) {
        List<String> n = new ArrayList<>();
        values.forEach(v -> n.add(v.getName()));
        return n.toString();
    }

    /** {@code node '/0/Gemm' (Gemm)}, or the op and position when the node has no name. */
    String describe(Onnx.NodeProto n) {
        String name = n.getName().isEmpty() ? "#" + graph.getNodeList().indexOf(n) : "'" + n.getName() + "'";
        return "node " + name + " (" + n.getOpType() + ")";
    }

    ModelFormatException refuse(Onnx.NodeProto n, String why) {
        return new ModelFormatException(file, describe(n) + ": " + why);
    }

    // ---- attributes ----

    Onnx.AttributeProto attribute(Onnx.NodeProto n, String name) {
        for (Onnx.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    long intAttr(Onnx.NodeProto n, String name, long dflt) throws ModelFormatException {
        Onnx.AttributeProto a = attribute(n, name);
        if (a == null) {
            return dflt;
        }
        if (a.getType() != Onnx.AttributeProto.AttributeType.INT) {
            throw refuse(n, "attribute " + name + " is " + a.getType() + ", expected INT");
        }
        return a.getI();
    }

    float floatAttr(Onnx.NodeProto n, String name, float dflt) throws ModelFormatException {
        Onnx.AttributeProto a = attribute(n, name);
        if (a == null) {
            return dflt;
        }
        if (a.getType() != Onnx.AttributeProto.AttributeType.FLOAT) {
            throw refuse(n, "attribute " + name + " is " + a.getType() + ", expected FLOAT");
        }
        if (!Float.isFinite(a.getF())) {
            throw refuse(n, "attribute " + name + " is " + a.getF());
        }
        return a.getF();
    }

    String stringAttr(Onnx.NodeProto n, String name, String dflt) throws ModelFormatException {
        Onnx.AttributeProto a = attribute(n, name);
        if (a == null) {
            return dflt;
        }
        if (a.getType() != Onnx.AttributeProto.AttributeType.STRING) {
            throw refuse(n, "attribute " + name + " is " + a.getType() + ", expected STRING");
        }
        return a.getS().toStringUtf8();
    }

    /** A STRINGS attribute's values (empty when absent). */
    List<String> stringsAttr(Onnx.NodeProto n, String name) {
        for (Onnx.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getStringsList().stream().map(com.google.protobuf.ByteString::toStringUtf8).toList();
            }
        }
        return List.of();
    }

    long[] intsAttr(Onnx.NodeProto n, String name) throws ModelFormatException {
        Onnx.AttributeProto a = attribute(n, name);
        if (a == null) {
            return null;
        }
        if (a.getType() != Onnx.AttributeProto.AttributeType.INTS) {
            throw refuse(n, "attribute " + name + " is " + a.getType() + ", expected INTS");
        }
        long[] v = new long[a.getIntsCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.getInts(i);
        }
        return v;
    }

    /** The constant input {@code index} of {@code n}, which must be there. */
    Const constInput(Onnx.NodeProto n, int index, String role) throws ModelFormatException {
        if (index >= n.getInputCount() || n.getInput(index).isEmpty()) {
            throw refuse(n, "has no " + role + " (input " + index + ")");
        }
        Const c = constants.get(n.getInput(index));
        if (c == null) {
            throw refuse(n, "its " + role + " '" + n.getInput(index) + "' is computed in the graph; simdnn needs it "
                    + "as an initializer or Constant");
        }
        return c;
    }

    /** The constant input {@code index}, or null when the node has none there. */
    Const optionalConst(Onnx.NodeProto n, int index, String role) throws ModelFormatException {
        return index < n.getInputCount() && !n.getInput(index).isEmpty() ? constInput(n, index, role) : null;
    }

    /** Refuses a node whose outputs after the first (a mask, saved statistics) are used. */
    void onlyFirstOutputUsed(Onnx.NodeProto n) throws ModelFormatException {
        for (int i = 1; i < n.getOutputCount(); i++) {
            String o = n.getOutput(i);
            if (!o.isEmpty() && (consumers.containsKey(o) || o.equals(output))) {
                throw refuse(n, "its output " + i + " ('" + o + "') is used; simdnn computes only the first");
            }
        }
    }

    // ---- tensors ----

    private Const constantNode(Onnx.NodeProto n) throws ModelFormatException {
        Onnx.AttributeProto a = n.getAttributeCount() == 1 ? n.getAttribute(0) : null;
        if (a == null) {
            throw refuse(n, "a Constant needs exactly one value attribute, it has " + n.getAttributeCount());
        }
        return switch (a.getName()) {
            case "value" -> decode(a.getT(), describe(n));
            case "value_float" -> new Const(new long[0], new double[] {a.getF()});
            case "value_int" -> new Const(new long[0], new double[] {a.getI()});
            case "value_floats" -> {
                double[] v = new double[a.getFloatsCount()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = a.getFloats(i);
                }
                yield new Const(new long[] {v.length}, v);
            }
            case "value_ints" -> {
                double[] v = new double[a.getIntsCount()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = a.getInts(i);
                }
                yield new Const(new long[] {v.length}, v);
            }
            default -> throw refuse(n, "Constant attribute '" + a.getName() + "' is not read");
        };
    }

    /**
     * The values of {@code t}: FLOAT, DOUBLE, INT64 and INT32, from {@code raw_data} (little-endian)
     * or the typed field; external data and other element types are refused by name. The element
     * count is checked against the bytes there before anything is allocated.
     */
    Const decode(Onnx.TensorProto t, String what) throws ModelFormatException {
        if (t.getDataLocation() == Onnx.TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            throw new ModelFormatException(file, what + " is stored as external data, which simdnn does not read: save the "
                    + "model as one file (onnx.save_model(m, path, save_as_external_data=False))");
        }
        long[] dims = new long[t.getDimsCount()];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.getDims(i);
            if (dims[i] < 0) {
                throw new ModelFormatException(file, what + " has dimension " + i + " = " + dims[i]);
            }
            count *= dims[i];
            if (count > MAX_ELEMENTS) {
                throw new ModelFormatException(file, what + " has dims " + Arrays.toString(dims) + ", more than 2^31 elements");
            }
        }
        int type = t.getDataType();
        int bytes = switch (type) {
            case Onnx.TensorProto.DataType.FLOAT_VALUE, Onnx.TensorProto.DataType.INT32_VALUE -> 4;
            case Onnx.TensorProto.DataType.DOUBLE_VALUE, Onnx.TensorProto.DataType.INT64_VALUE -> 8;
            default -> throw new ModelFormatException(file, what + " has element type " + dataTypeName(type)
                    + ", which is not read (FLOAT, DOUBLE, INT64 and INT32 are)");
        };
        int n = (int) count;
        double[] v;
        if (t.hasRawData()) {
            if (t.getRawData().size() != count * bytes) {
                throw new ModelFormatException(file, what + " has dims " + Arrays.toString(dims) + " of " + dataTypeName(type)
                        + " (" + count * bytes + " bytes) but " + t.getRawData().size() + " bytes of raw_data");
            }
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = switch (type) {
                    case Onnx.TensorProto.DataType.FLOAT_VALUE -> b.getFloat();
                    case Onnx.TensorProto.DataType.INT32_VALUE -> b.getInt();
                    case Onnx.TensorProto.DataType.DOUBLE_VALUE -> b.getDouble();
                    default -> b.getLong();
                };
            }
        } else {
            int have = switch (type) {
                case Onnx.TensorProto.DataType.FLOAT_VALUE -> t.getFloatDataCount();
                case Onnx.TensorProto.DataType.INT32_VALUE -> t.getInt32DataCount();
                case Onnx.TensorProto.DataType.DOUBLE_VALUE -> t.getDoubleDataCount();
                default -> t.getInt64DataCount();
            };
            if (have != count) {
                throw new ModelFormatException(file, what + " has dims " + Arrays.toString(dims) + " (" + count
                        + " elements) but " + have + " values");
            }
            v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = switch (type) {
                    case Onnx.TensorProto.DataType.FLOAT_VALUE -> t.getFloatData(i);
                    case Onnx.TensorProto.DataType.INT32_VALUE -> t.getInt32Data(i);
                    case Onnx.TensorProto.DataType.DOUBLE_VALUE -> t.getDoubleData(i);
                    default -> t.getInt64Data(i);
                };
            }
        }
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(v[i])) {
                throw new ModelFormatException(file, what + " holds " + v[i] + " at element " + i);
            }
        }
        return new Const(dims, v);
    }

    static String dataTypeName(int type) {
        Onnx.TensorProto.DataType d = Onnx.TensorProto.DataType.forNumber(type);
        return d == null ? "#" + type : d.name();
    }

    /** Values computed in the graph that {@code n} reads (its constant inputs left out). */
    List<String> computedInputs(Onnx.NodeProto n) {
        List<String> out = new ArrayList<>();
        for (String in : n.getInputList()) {
            if (!in.isEmpty() && !constants.containsKey(in)) {
                out.add(in);
            }
        }
        return out;
    }

    /** The distinct consumers of {@code value}, in graph order. */
    List<Onnx.NodeProto> consumersOf(String value) {
        List<Onnx.NodeProto> distinct = new ArrayList<>();
        for (Onnx.NodeProto n : consumers.getOrDefault(value, List.of())) {
            if (distinct.stream().noneMatch(d -> d == n)) { // by identity: two nodes may be equal messages
                distinct.add(n);
            }
        }
        return distinct;
    }
}
