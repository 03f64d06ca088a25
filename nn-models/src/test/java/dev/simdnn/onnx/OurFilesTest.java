package dev.simdnn.onnx;

import dev.simdnn.io.Json;
import dev.simdnn.io.ModelFile;
import dev.simdnn.io.SavedModel;
import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.scalar.ScalarKernels;
import dev.simdnn.layer.Mode;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The files simdnn writes that the fixture script checks with the real tools
 * ({@code io/torch/make-torch-fixtures.py}, part 2): a model file that torch's
 * {@code load_state_dict(strict=True)} must take, and an ONNX export of every layer kind that
 * {@code onnx.checker} and an independent numpy evaluator must accept and reproduce. The files are
 * committed in {@code io/ours/}; this test proves they are what today's code writes, byte for byte,
 * so the script's verdict on them is a verdict on today's writer. To write them again (after a
 * deliberate format change), run it with {@code -Dsimdnn.fixtures.write=<that directory>}.
 */
class OurFilesTest {
    private static final String DIR = "/dev/simdnn/io/ours/";

    /** Every layer kind with a torch twin, in a model file. */
    static SavedModel stateDictModel() {
        Sequential m = Mlp.builder().kernels(ScalarKernels.INSTANCE).input(6)
                .dense(10, Activation.RELU).batchNorm().dropout(0.1f)
                .dense(8, Activation.TANH).layerNorm().prelu()
                .dense(8, Activation.GELU).dense(8, Activation.SWISH).dense(8, Activation.leakyRelu(0.1f))
                .dense(8, Activation.elu(0.5f)).dense(8, Activation.SELU).dense(8, Activation.SOFTPLUS)
                .dense(8, Activation.SIGMOID).dense(8, Activation.GELU_ERF).dense(3).softmax().seed(42).build();
        Tensor warm = OnnxExportTest.randomInput(32, 6, 3);
        for (int i = 0; i < 3; i++) { // running statistics and the batch counter away from their initial values
            m.forward(warm, Mode.TRAINING);
        }
        return new SavedModel(m, null, List.of("a", "b", "c"), Map.of("fixture", "OurFilesTest"));
    }

    /** A CNN: every image layer kind, in a model file torch must load strictly. */
    static SavedModel cnnModel() {
        Sequential m = Mlp.builder().kernels(ScalarKernels.INSTANCE).input(2, 9, 7)
                .conv2d(4, 3, 3, 2, 1, 1, true, null).batchNorm().relu().maxPool(2, 2, 1)
                .conv2d(3, 2, 1, 1, 0, 2, false, null).activation(Activation.TANH).avgPool(2, 1, 1).globalAvgPool().flatten()
                .dense(5).seed(43).build();
        Tensor warm = OnnxExportTest.randomInput(8, 2 * 9 * 7, 5);
        for (int i = 0; i < 3; i++) { // the channel statistics away from 0 and 1
            m.forward(warm, Mode.TRAINING);
        }
        return new SavedModel(m, null, List.of(), Map.of("fixture", "OurFilesTest"));
    }

    /** Every layer kind simdnn exports, residual blocks and maxout included. */
    static Sequential onnxModel() {
        Sequential m = Mlp.builder().kernels(ScalarKernels.INSTANCE).input(6)
                .dense(12).batchNorm().activation(Activation.RELU)
                .residual(b -> b.dense(12, Activation.TANH).layerNorm())
                .residual(b -> b.dense(9, Activation.GELU))
                .prelu().maxout(5, 3).dropout(0.2f)
                .dense(7, Activation.SWISH).dense(7, Activation.leakyRelu(0.1f)).dense(7, Activation.elu(0.5f))
                .dense(7, Activation.SELU).dense(7, Activation.SOFTPLUS).dense(7, Activation.SIGMOID)
                .dense(7, Activation.GELU_ERF).dense(4).softmax().seed(10).build();
        Tensor warm = OnnxExportTest.randomInput(30, 6, 4);
        for (int i = 0; i < 3; i++) {
            m.forward(warm, Mode.TRAINING);
        }
        return m;
    }

    /** Every recurrent form simdnn exports: each cell, stacked, bidirectional, and the last step. */
    static Sequential sequenceModel() {
        return Mlp.builder().kernels(ScalarKernels.INSTANCE).inputSequence(5, 3)
                .lstm(4).recurrent(dev.simdnn.nn.Recurrent.Cell.GRU, 3, 2, true).rnn(4, true)
                .recurrent(dev.simdnn.nn.Recurrent.Cell.RNN_TANH, 2, 1, true).recurrent(dev.simdnn.nn.Recurrent.Cell.LSTM, 3, 2, false)
                .last().dense(2).seed(44).build();
    }

    private static String io(Sequential m) {
        Tensor x = OnnxExportTest.randomInput(5, m.inputFeatures(), 77);
        Tensor y = m.predict(x);
        Map<String, Object> io = new LinkedHashMap<>();
        io.put("inputs", rows(x));
        io.put("outputs", rows(y));
        return Json.write(io) + "\n";
    }

    private static List<Object> rows(Tensor t) {
        List<Object> rows = new ArrayList<>();
        for (int r = 0; r < t.rows(); r++) {
            List<Object> row = new ArrayList<>();
            for (int c = 0; c < t.cols(); c++) {
                row.add((double) t.get(r, c));
            }
            rows.add(row);
        }
        return rows;
    }

    @Test
    void theCommittedFilesAreWhatTodaysWritersWrite(@TempDir Path tmp) throws IOException {
        String target = System.getProperty("simdnn.fixtures.write");
        Path dir = target == null ? tmp : Path.of(target);
        Files.createDirectories(dir);
        SavedModel saved = stateDictModel();
        ModelFile.save(saved, dir.resolve("simdnn_mlp.simdnn"));
        Files.writeString(dir.resolve("simdnn_mlp_io.json"), io(saved.model()));
        SavedModel cnn = cnnModel();
        ModelFile.save(cnn, dir.resolve("simdnn_cnn.simdnn"));
        Files.writeString(dir.resolve("simdnn_cnn_io.json"), io(cnn.model()));
        OnnxModels.save(cnn.model(), dir.resolve("simdnn_cnn_export.onnx"));
        Files.writeString(dir.resolve("simdnn_cnn_export_io.json"), io(cnn.model()));
        Sequential onnx = onnxModel();
        OnnxModels.save(onnx, dir.resolve("simdnn_every_layer.onnx"));
        Files.writeString(dir.resolve("simdnn_every_layer_io.json"), io(onnx));
        Sequential seq = sequenceModel();
        OnnxModels.save(seq, dir.resolve("simdnn_sequence.onnx"));
        Files.writeString(dir.resolve("simdnn_sequence_io.json"), io(seq));
        if (target != null) {
            return;
        }
        for (String f : List.of("simdnn_mlp.simdnn", "simdnn_mlp_io.json", "simdnn_cnn.simdnn", "simdnn_cnn_io.json",
                "simdnn_cnn_export.onnx", "simdnn_cnn_export_io.json",
                "simdnn_every_layer.onnx", "simdnn_every_layer_io.json", "simdnn_sequence.onnx", "simdnn_sequence_io.json")) {
            try (InputStream in = OurFilesTest.class.getResourceAsStream(DIR + f)) {
                assertNotNull(in, f);
                assertArrayEquals(in.readAllBytes(), Files.readAllBytes(dir.resolve(f)), f + " is no longer what simdnn writes: "
                        + "write the fixtures again (-Dsimdnn.fixtures.write) and run the fixture script's part 2");
            }
        }
    }
}
