package dev.simdnn.onnx;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.io.Json;
import dev.simdnn.io.ModelFormatException;
import dev.simdnn.nn.Sequential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, part 4: ONNX files written by {@code torch.onnx.export} (PyTorch 1.13, committed with
 * the script that made them: {@code io/torch/make-torch-fixtures.py}) load and reproduce torch's
 * outputs.
 *
 * <p>Tolerance: each output is a chain of at most 11 float dot products of ≤ 8 terms and float
 * activations, computed by torch and by us in different orders; each step adds a few ulps relative
 * to the values (|values| ≲ 10 here), so 1e-5 absolute on outputs of size ≲ 1, and 1e-5 relative
 * beyond, holds with a wide margin while a wrong weight, activation or layout is off by 1e-2 or more.
 */
public class OnnxImportTest {
    public static Path resource(Path dir, String name) throws IOException {
        Path f = dir.resolve(name);
        try (InputStream in = OnnxImportTest.class.getResourceAsStream("/dev/simdnn/io/torch/" + name)) {
            if (in == null) {
                throw new IOException("no fixture " + name);
            }
            Files.copy(in, f);
        }
        return f;
    }

    @SuppressWarnings("unchecked")
    /**
     * torch.onnx.export of batch-first recurrent layers (PyTorch 1.13): the Transpose, the recurrent
     * node of layout 0 with zero initial states computed from the input's shape, the Squeeze and
     * the Transpose back; a 2-level GRU as two nodes; the last step as a Gather of index -1.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"torch_lstm_last_opset14", "torch_lstm_last_opset17",
            "torch_gru2_last_opset14", "torch_gru2_last_opset17", "torch_rnn_seq_opset14", "torch_rnn_seq_opset17"})
    void torchsOwnRecurrentExportsImport(String name, @org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Sequential m = OnnxModels.load(resource(dir, name + ".onnx"));
        assertEquals(15, m.inputFeatures(), "5 steps of 3 features");
        assertReproducesTorch(dir, m, name.substring(0, name.lastIndexOf("_opset")) + "_io.json", "outputs");
        if (name.startsWith("torch_gru2")) {
            assertEquals(2, m.layers().stream().filter(l -> l instanceof dev.simdnn.nn.Recurrent).count(), "two levels");
        }
    }

    public static void assertReproducesTorch(Path dir, Sequential m, String io, String key) throws IOException {
        Map<String, Object> fixture = (Map<String, Object>) Json.parse(Files.readString(resource(dir, io)));
        List<Object> inputs = (List<Object>) fixture.get("inputs");
        List<Object> outputs = (List<Object>) fixture.get(key);
        for (int r = 0; r < inputs.size(); r++) {
            List<Float> flat = new ArrayList<>();
            flatten(inputs.get(r), flat);
            float[] x = new float[flat.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = flat.get(i);
            }
            float[] got = m.predict(x);
            List<Float> row = new ArrayList<>();
            flatten(outputs.get(r), row); // a sequence model's row is [steps][hidden]
            assertEquals(row.size(), got.length, "outputs per row");
            for (int j = 0; j < got.length; j++) {
                double want = row.get(j);
                assertEquals(want, got[j], 1e-5 * Math.max(1, Math.abs(want)), io + " row " + r + ", output " + j);
            }
        }
    }

    private static void flatten(Object o, List<Float> out) {
        if (o instanceof List<?> l) {
            l.forEach(e -> flatten(e, out));
        } else {
            out.add(((Number) o).floatValue());
        }
    }

    @Test
    void theExportOfTheFirstFailureLoads(@TempDir Path dir) throws IOException {
        // the "header length 8031177557570357000 does not fit" file: Sequential(Linear(4,16), ReLU(), Linear(16,3))
        Sequential m = OnnxModels.load(resource(dir, "torch_mlp_opset11.onnx"));
        assertEquals("Sequential(input 4, 0: Dense(4 -> 16, relu), 1: Dense(16 -> 3, identity))", m.toString());
        assertReproducesTorch(dir, m, "torch_mlp_io.json", "logits");
    }

    @ParameterizedTest
    @ValueSource(ints = {11, 13, 17})
    void everyActivationAtEveryOpset(int opset, @TempDir Path dir) throws IOException {
        Sequential m = OnnxModels.load(resource(dir, "torch_act_opset" + opset + ".onnx"));
        // torch writes GELU(tanh) as 9 element-wise nodes and SiLU as Mul(x, Sigmoid(x)): both recognised and fused
        assertEquals("Sequential(input 6, 0: Dense(6 -> 8, relu), 1: Dense(8 -> 8, leaky_relu(0.2)), 2: Dense(8 -> 8, identity), "
                + "3: PReLU(8), 4: Dense(8 -> 8, sigmoid), 5: Dense(8 -> 8, tanh), 6: Dense(8 -> 8, elu(0.7)), "
                + "7: Dense(8 -> 8, selu), 8: Dense(8 -> 8, softplus), 9: Dense(8 -> 8, gelu), 10: Dense(8 -> 8, swish), "
                + "11: Dense(8 -> 3, identity), 12: Softmax(3))", m.toString());
        assertReproducesTorch(dir, m, "torch_act_io.json", "outputs");
    }

    @Test
    void batchNormDropoutAndLayerNorm(@TempDir Path dir) throws IOException {
        Sequential m = OnnxModels.load(resource(dir, "torch_norm_opset17.onnx"));
        assertEquals("Sequential(input 5, 0: Dense(5 -> 8, identity), 1: BatchNorm(8), 2: Activation(relu), "
                + "3: Dense(8 -> 8, identity), 4: LayerNorm(8), 5: Activation(tanh), 6: Dense(8 -> 3, identity))", m.toString());
        assertReproducesTorch(dir, m, "torch_norm_io.json", "outputs");
    }

    @Test
    void anImageInputFlattenedByTheFirstNodeIsReadAsRows(@TempDir Path dir) throws IOException {
        Sequential m = OnnxModels.load(resource(dir, "torch_flatten_opset13.onnx"));
        assertEquals(16, m.inputFeatures(), "[N, 1, 4, 4] as rows of 16");
        assertReproducesTorch(dir, m, "torch_flatten_io.json", "outputs");
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 17})
    void aTorchCnnWithPaddingPoolingAndAFusedBatchNorm(int opset, @TempDir Path dir) throws IOException {
        // torch writes AvgPool2d(padding=1) as Pad + AveragePool and folds BatchNorm2d into the Conv before it
        Sequential m = OnnxModels.load(resource(dir, "torch_cnn_opset" + opset + ".onnx"));
        assertEquals("Sequential(input 64, 0: Conv2d(1 -> 4, 3x3, stride 1x1, padding 1x1; 1x8x8 -> 4x8x8), "
                + "1: Activation(relu), 2: MaxPool2d(2, stride 2, padding 0; 4x8x8 -> 4x4x4), "
                + "3: Conv2d(4 -> 6, 3x3, stride 2x2, padding 1x1; 4x4x4 -> 6x2x2), 4: Activation(relu), "
                + "5: AvgPool2d(2, stride 1, padding 1; 6x2x2 -> 6x3x3), 6: GlobalAvgPool2d(6x3x3 -> 6x1x1), 7: Flatten(6), "
                + "8: Dense(6 -> 3, identity))", m.toString());
        assertReproducesTorch(dir, m, "torch_cnn_io.json", "outputs");
    }

    @Test
    void aResidualConnectionIsAResidualBlock(@TempDir Path dir) throws IOException {
        // forward(x) = b(x + relu(a(x)))
        Sequential m = OnnxModels.load(resource(dir, "torch_residual_opset13.onnx"));
        assertEquals("Sequential(input 4, 0: Residual(Sequential(input 4, 0: Dense(4 -> 4, relu))), 1: Dense(4 -> 2, identity))",
                m.toString());
        assertReproducesTorch(dir, m, "torch_residual_io.json", "outputs");
    }

    @Test
    void torchsExactGeluWrittenAsErfIsTheExactGelu(@TempDir Path dir) throws IOException {
        // nn.GELU() below opset 20: Div(x, √2), Erf, Add 1, Mul x, Mul 0.5
        Sequential m = OnnxModels.load(resource(dir, "torch_gelu_exact_opset13.onnx"));
        assertEquals("Sequential(input 4, 0: Dense(4 -> 4, gelu_erf), 1: Dense(4 -> 2, identity))", m.toString());
        assertReproducesTorch(dir, m, "torch_gelu_exact_io.json", "outputs");
    }

    @Test
    void whatIsNotReadIsRefusedByNodeAndOperator(@TempDir Path dir) throws IOException {
        String hardswish = assertThrows(ModelFormatException.class,
                () -> OnnxModels.load(resource(dir, "torch_hardswish_opset14.onnx"))).getMessage();
        assertTrue(hardswish.startsWith("torch_hardswish_opset14.onnx: node '/1/HardSwish' (HardSwish): operator HardSwish is "
                + "not supported; simdnn reads Gemm, MatMul"), hardswish);
    }

    @Test
    void theModelFileReaderSaysAnOnnxFileIsOne(@TempDir Path dir) throws IOException {
        // the third failure: "header length 8031177557570357000 does not fit a file of 960 bytes"
        Path onnx = resource(dir, "torch_mlp_opset11.onnx");
        assertEquals("torch_mlp_opset11.onnx: not a model file: it looks like an ONNX model (read it with OnnxModels.load "
                + "or ModelFiles.open)", assertThrows(ModelFormatException.class, () -> dev.simdnn.io.ModelFile.load(onnx)).getMessage());
        assertEquals(dev.simdnn.io.ModelFiles.Kind.ONNX, dev.simdnn.io.ModelFiles.kind(onnx));
    }

    @Test
    void aFileThatIsNotOnnxIsNamedAsSuch(@TempDir Path dir) throws IOException {
        Path junk = dir.resolve("junk.onnx");
        Files.write(junk, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02});
        String m = assertThrows(ModelFormatException.class, () -> OnnxModels.load(junk, KernelsProvider.best())).getMessage();
        assertTrue(m.startsWith("junk.onnx: not a valid ONNX model (protobuf: "), m);
        Path empty = dir.resolve("empty.onnx");
        Files.write(empty, new byte[0]);
        assertEquals("empty.onnx: not an ONNX model: it has no graph and no IR version",
                assertThrows(ModelFormatException.class, () -> OnnxModels.load(empty)).getMessage());
    }
}
