package dev.simdnn.onnx;

import dev.simdnn.io.ModelFormatException;
import dev.simdnn.kernel.Activation;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.onnx.proto.Onnx;
import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, part 5: every layer kind exported to ONNX and read back computes the same function (the
 * second, independent reader is the fixture script's numpy evaluator and {@code onnx.checker}, run
 * on the files {@link OurFilesTest} commits), and crafted graphs of every refused kind get their message.
 */
class OnnxExportTest {

    static Tensor randomInput(int rows, int cols, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor x = Tensor.zeros(rows, cols);
        for (int i = 0; i < x.size(); i++) {
            x.setFlat(i, (float) (2 * rng.nextGaussian()));
        }
        return x;
    }

    @Test
    void everyLayerKindRoundTripsBitForBit(@TempDir Path dir) throws IOException {
        Sequential model = OurFilesTest.onnxModel(); // every layer kind, statistics warmed up
        Path file = dir.resolve("m.onnx");
        OnnxModels.save(model, file);
        Sequential back = OnnxModels.load(file, model.kernels());
        Tensor x = randomInput(9, 6, 5);
        assertArrayEquals(model.predict(x).toArray(), back.predict(x).toArray(), "the same layers, weights and kernels");
        assertEquals(model.toString().replaceAll("Dropout\\([^)]*\\), ", "").replaceAll("\\d+: ", ""),
                back.toString().replaceAll("\\d+: ", ""), "the same layers but the dropout (not in an inference graph)");

        Onnx.ModelProto proto = Onnx.ModelProto.parseFrom(Files.readAllBytes(file));
        assertEquals(OnnxModels.EXPORT_OPSET, proto.getOpsetImport(0).getVersion());
        List<String> inits = new ArrayList<>();
        proto.getGraph().getInitializerList().forEach(t -> inits.add(t.getName()));
        assertTrue(inits.containsAll(model.namedParameters().keySet()), "initializers under the state_dict names: " + inits);
        assertEquals("/0/Gemm", proto.getGraph().getNode(0).getName());
    }

    @Test
    void aCnnRoundTripsThroughOnnxBitForBit(@TempDir Path dir) throws IOException {
        Sequential cnn = OurFilesTest.cnnModel().model(); // conv, channel batch norm, every pooling, flatten
        Path file = dir.resolve("cnn.onnx");
        OnnxModels.save(cnn, file);
        Sequential back = OnnxModels.load(file, cnn.kernels());
        Tensor x = randomInput(5, cnn.inputFeatures(), 8);
        assertArrayEquals(cnn.predict(x).toArray(), back.predict(x).toArray());
        Onnx.ModelProto proto = Onnx.ModelProto.parseFrom(Files.readAllBytes(file));
        assertEquals(4, proto.getGraph().getInput(0).getType().getTensorType().getShape().getDimCount(), "[batch, C, H, W]");
    }

    @Test
    void recurrentLayersRoundTripThroughOnnxBitForBit(@TempDir Path dir) throws IOException {
        Sequential seq = OurFilesTest.sequenceModel(); // every cell, stacked, bidirectional, the last step
        Path file = dir.resolve("seq.onnx");
        OnnxModels.save(seq, file);
        Sequential back = OnnxModels.load(file, seq.kernels());
        Tensor x = randomInput(6, seq.inputFeatures(), 9);
        assertArrayEquals(seq.predict(x).toArray(), back.predict(x).toArray());
        Onnx.ModelProto proto = Onnx.ModelProto.parseFrom(Files.readAllBytes(file));
        List<String> ops = proto.getGraph().getNodeList().stream().map(Onnx.NodeProto::getOpType)
                .filter(o -> o.equals("LSTM") || o.equals("GRU") || o.equals("RNN") || o.equals("Gather")).toList();
        // the stacks' levels are nodes of their own (and come back as layers of their own)
        assertEquals(List.of("LSTM", "GRU", "GRU", "RNN", "RNN", "LSTM", "LSTM", "Gather"), ops);
        assertEquals(seq.parameterCount(), back.parameterCount());
        // a recurrent node in a form simdnn does not read is refused, naming the node and the reason
        Onnx.ModelProto.Builder bad = proto.toBuilder();
        for (Onnx.NodeProto.Builder n : bad.getGraphBuilder().getNodeBuilderList()) {
            if (n.getOpType().equals("LSTM")) {
                for (Onnx.AttributeProto.Builder a : n.getAttributeBuilderList()) {
                    if (a.getName().equals("layout")) {
                        a.setI(0);
                    }
                }
                break;
            }
        }
        Path badFile = dir.resolve("layout0.onnx");
        Files.write(badFile, bad.build().toByteArray());
        String m = assertThrows(dev.simdnn.io.ModelFormatException.class, () -> OnnxModels.load(badFile, seq.kernels()))
                .getMessage();
        assertTrue(m.contains("/0/LSTM") && m.contains("has layout 0"), m);
    }

    @Test
    void theStepActivationHasNoOnnxForm() {
        Sequential perceptron = Mlp.builder().input(2).dense(1, Activation.STEP).seed(1).build();
        String m = assertThrows(IllegalArgumentException.class, () -> OnnxModels.toBytes(perceptron)).getMessage();
        assertTrue(m.startsWith("the step activation has no ONNX form"), m);
    }

    // ---- crafted graphs: every refusal names the node, its operator and why ----

    private static Onnx.TensorProto floats(String name, float[] v, long... dims) {
        Onnx.TensorProto.Builder t = Onnx.TensorProto.newBuilder().setName(name).setDataType(Onnx.TensorProto.DataType.FLOAT_VALUE);
        for (long d : dims) {
            t.addDims(d);
        }
        for (float f : v) {
            t.addFloatData(f);
        }
        return t.build();
    }

    private static Onnx.NodeProto node(String op, String name, String out, String... in) {
        Onnx.NodeProto.Builder n = Onnx.NodeProto.newBuilder().setOpType(op).setName(name).addOutput(out);
        for (String i : in) {
            n.addInput(i);
        }
        return n.build();
    }

    private static Onnx.ValueInfoProto value(String name, long features) {
        Onnx.TensorShapeProto.Builder shape = Onnx.TensorShapeProto.newBuilder()
                .addDim(Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        shape.addDim(features > 0 ? Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(features)
                : Onnx.TensorShapeProto.Dimension.newBuilder().setDimParam("F"));
        return Onnx.ValueInfoProto.newBuilder().setName(name).setType(Onnx.TypeProto.newBuilder()
                .setTensorType(Onnx.TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))).build();
    }

    private static String refusal(Path dir, long opset, Onnx.GraphProto.Builder graph) throws IOException {
        Path f = dir.resolve("crafted.onnx");
        Files.write(f, Onnx.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(Onnx.OperatorSetIdProto.newBuilder().setVersion(opset)).setGraph(graph).build().toByteArray());
        return assertThrows(ModelFormatException.class, () -> OnnxModels.load(f)).getMessage();
    }

    private static Onnx.GraphProto.Builder linear2() {
        return Onnx.GraphProto.newBuilder().addInput(value("x", 2)).addOutput(value("y", 2))
                .addInitializer(floats("W", new float[] {1, 2, 3, 4}, 2, 2))
                .addInitializer(floats("V", new float[] {1, 0, 0, 1}, 2, 2));
    }

    @Test
    void craftedGraphsAreRefusedWithTheNodeAndTheReason(@TempDir Path dir) throws IOException {
        // two branches that are both computed: not a chain, not a residual block
        assertEquals("crafted.onnx: node 'sum' (Add): adds two computed branches, neither of which is an identity or a "
                + "plain linear skip path: not a residual block simdnn reads", refusal(dir, 13, linear2()
                .addNode(node("Gemm", "a", "ha", "x", "W")).addNode(node("Relu", "ra", "a1", "ha"))
                .addNode(node("Gemm", "b", "hb", "x", "V")).addNode(node("Tanh", "tb", "b1", "hb"))
                .addNode(node("Add", "sum", "y", "a1", "b1"))));
        // a value used twice that never merges
        String split = refusal(dir, 13, linear2().addOutput(value("z", 2))
                .addNode(node("Relu", "r", "y", "x")).addNode(node("Tanh", "t", "z", "x")));
        assertEquals("crafted.onnx: the graph has 2 outputs [y, z]: simdnn imports models of exactly one output", split);
        // the weight computed in the graph
        assertEquals("crafted.onnx: node 'g' (Gemm): its weight B 'w2' is computed in the graph; simdnn needs it as an "
                + "initializer or Constant", refusal(dir, 13, linear2()
                .addNode(node("Relu", "w", "w2", "W")).addNode(node("Gemm", "g", "y", "x", "w2"))));
        // external data
        Onnx.GraphProto.Builder ext = linear2().addNode(node("Gemm", "g", "y", "x", "E"));
        ext.addInitializer(Onnx.TensorProto.newBuilder().setName("E").setDataType(1).addDims(2).addDims(2)
                .setDataLocation(Onnx.TensorProto.DataLocation.EXTERNAL)
                .addExternalData(Onnx.StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin")));
        assertTrue(refusal(dir, 13, ext).startsWith("crafted.onnx: initializer 'E' is stored as external data, which simdnn "
                + "does not read"));
        // an opset out of range, a domain of its own, a transposed batch, a per-feature scale in an "activation"
        assertEquals("crafted.onnx: opset 9 of the default domain: simdnn reads opsets 11 to 21",
                refusal(dir, 9, linear2().addNode(node("Gemm", "g", "y", "x", "W"))));
        assertEquals("crafted.onnx: node 'f' (FusedGemm): operator domain 'com.microsoft' is not read (only the default ONNX "
                + "domain)", refusal(dir, 13, linear2().addNode(node("FusedGemm", "f", "y", "x", "W").toBuilder()
                .setDomain("com.microsoft").build())));
        assertEquals("crafted.onnx: node 'g' (Gemm): transA = 1 (the batch transposed) is not read", refusal(dir, 13, linear2()
                .addNode(node("Gemm", "g", "y", "x", "W").toBuilder().addAttribute(Onnx.AttributeProto.newBuilder()
                        .setName("transA").setType(Onnx.AttributeProto.AttributeType.INT).setI(1)).build())));
        assertEquals("crafted.onnx: node 'm' (Mul): an element-wise computation with a constant of shape [2] (not a single "
                + "value): not an activation simdnn reads", refusal(dir, 13, linear2()
                .addInitializer(floats("s", new float[] {2, 3}, 2))
                .addNode(node("Gemm", "g", "h", "x", "W")).addNode(node("Mul", "m", "y", "h", "s"))));
        // a weight whose width does not follow, and a raw_data of the wrong length
        assertEquals("crafted.onnx: node 'g2' (Gemm): weight [3, 2] takes 3 features but its input has 2", refusal(dir, 13,
                linear2().addInitializer(floats("W3", new float[6], 3, 2))
                        .addNode(node("Gemm", "g", "h", "x", "W")).addNode(node("Gemm", "g2", "y", "h", "W3"))));
        Onnx.GraphProto.Builder raw = linear2().addNode(node("Gemm", "g", "y", "x", "R"));
        raw.addInitializer(Onnx.TensorProto.newBuilder().setName("R").setDataType(1).addDims(2).addDims(2)
                .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[12])));
        assertEquals("crafted.onnx: initializer 'R' has dims [2, 2] of FLOAT (16 bytes) but 12 bytes of raw_data",
                refusal(dir, 13, raw));
        // a feature dimension that is not fixed in front of an activation
        assertEquals("crafted.onnx: an activation (relu) before any layer that fixes the width, and the input declares none",
                refusal(dir, 13, Onnx.GraphProto.newBuilder().addInput(value("x", -1)).addOutput(value("y", 2))
                        .addNode(node("Relu", "r", "y", "x"))));
    }
}
