package dev.simdnn;

import dev.simdnn.data.BundledData;
import dev.simdnn.data.Dataset;
import dev.simdnn.data.Split;
import dev.simdnn.data.Standardizer;
import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.io.ModelFile;
import dev.simdnn.io.ModelFiles;
import dev.simdnn.io.Safetensors;
import dev.simdnn.io.SavedModel;
import dev.simdnn.io.TorchModules;
import dev.simdnn.loss.Task;
import dev.simdnn.onnx.OnnxModels;
import dev.simdnn.kernel.Activation;
import dev.simdnn.loss.BinaryCrossEntropy;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.metrics.LayerStatistics;
import dev.simdnn.nn.InferenceSession;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Adam;
import dev.simdnn.optim.LearningRateSchedule;
import dev.simdnn.optim.Penalty;
import dev.simdnn.predict.Evaluation;
import dev.simdnn.predict.Prediction;
import dev.simdnn.train.Trainer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java example of README.md, verbatim between the markers, so it cannot rot. */
class ReadmeExampleTest {

    @Test
    void readmeExample() {
        // README-EXAMPLE-BEGIN
        Split split = Split.stratified(BundledData.digits(), 0.2, 42);      // seeded, stratified
        Standardizer scaler = Standardizer.fit(split.train().features());    // fitted on train only
        Dataset train = scaler.transform(split.train());
        Dataset test = scaler.transform(split.test());

        Sequential model = Mlp.builder()
                .input(64)
                .dense(128, Activation.RELU)
                .dense(10)                                                   // logits
                .seed(42)
                .build();                                                    // best backend available

        Trainer trainer = Trainer.builder(model, new SoftmaxCrossEntropy(), new Adam(model.parameters(), 1e-3f))
                .epochs(20)
                .batchSize(32)
                .seed(42)
                .build();
        trainer.fit(train);
        Evaluation result = trainer.evaluate(test);
        System.out.printf("test accuracy %.3f on %s%n", result.accuracy(), model.kernels().name());

        float[] logits = model.predict(test.features().row(0));              // one sample
        // README-EXAMPLE-END
        assertEquals(10, logits.length);
        assertTrue(result.accuracy() > 0.9f);
    }

    @Test
    void saveLoadAndServe(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Sequential trained = Mlp.builder().input(64).dense(32, Activation.RELU).dense(10).seed(1).build();
        Path file = dir.resolve("digits.simdnn");
        dev.simdnn.io.ModelFile.save(new dev.simdnn.io.SavedModel(trained, null, java.util.List.of(), java.util.Map.of()), file);
        float[] pixels = new float[64];
        // SERVE-EXAMPLE-BEGIN
        SavedModel saved = ModelFile.load(file);         // validated: shapes, checksum; best backend
        Prediction p = saved.predictor().predict(pixels);   // scaled, then the class and its probability
        System.out.println(saved.labels().isEmpty() ? p.classIndex() : saved.labels().get(p.classIndex()));

        Sequential model = saved.model();
        float[] logits = model.predict(pixels);          // thread-safe: any thread may call it
        InferenceSession session = model.newSession();   // or one session per thread:
        float[] out = new float[10];
        session.predictInto(pixels, out);                // no allocation after warm-up
        // SERVE-EXAMPLE-END
        assertArrayEquals(trained.predict(pixels), logits);
        assertArrayEquals(logits, out);
        assertEquals(new dev.simdnn.predict.Predictor(trained, dev.simdnn.loss.Task.MULTICLASS).predict(pixels), p);
    }

    @Test
    void toolkitExample() {
        // TOOLKIT-EXAMPLE-BEGIN
        Split outer = Split.stratified(BundledData.breastCancer(), 0.2, 42);   // test set, held out
        Split inner = Split.stratified(outer.train(), 0.2, 43);                // train / validation
        Standardizer scaler = Standardizer.fit(inner.train().features());
        Dataset train = scaler.transform(inner.train());
        Dataset validation = scaler.transform(inner.test());

        Sequential model = Mlp.builder()
                .input(30)
                .dense(32).batchNorm().activation(Activation.RELU)             // normalise, then ReLU
                .residual(b -> b.dense(32, Activation.TANH).layerNorm())       // x + f(x)
                .dropout(0.2f)
                .dense(1)                                                      // one logit
                .seed(7)
                .build();

        Trainer trainer = Trainer.builder(model, new BinaryCrossEntropy(), new Adam(model.parameters(), 1e-3f))
                .epochs(200)
                .penalty(Penalty.l2(1e-3f))                                    // on the weights
                .schedule(LearningRateSchedule.cosine(10, 200, 0f))            // 10 warm-up epochs
                .earlyStopping(15, 1e-4f)                                      // restores the best epoch
                .build();
        trainer.fit(train, validation);

        for (LayerStatistics layer : LayerStatistics.measure(model, train.features(), train.targets(),
                new BinaryCrossEntropy())) {
            System.out.println(layer);              // activation/gradient spread, saturation, histogram
        }
        // TOOLKIT-EXAMPLE-END
        Evaluation test = trainer.evaluate(scaler.transform(outer.test()));
        assertTrue(test.accuracy() >= 0.95f, "test accuracy " + test.accuracy());
    }

    @Test
    void interopExample(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        // the files PyTorch 1.13 wrote for Sequential(Linear(4, 16), ReLU(), Linear(16, 3)) (io/torch/make-torch-fixtures.py)
        for (String f : java.util.List.of("torch_mlp_opset11.onnx", "torch_mlp.safetensors")) {
            try (java.io.InputStream in = getClass().getResourceAsStream("/dev/simdnn/io/torch/" + f)) {
                Files.copy(in, dir.resolve(f.startsWith("torch_mlp_") ? "mlp.onnx" : "mlp.safetensors"));
            }
        }
        // INTEROP-EXAMPLE-BEGIN
        // in PyTorch: torch.onnx.export(model, x, "mlp.onnx"), or its state_dict saved as safetensors
        Sequential fromOnnx = OnnxModels.load(dir.resolve("mlp.onnx"));             // plain Java, no native runtime
        Sequential fromTorch = TorchModules.model("linear,relu,linear",             // the torch.nn.Sequential's modules
                Safetensors.read(dir.resolve("mlp.safetensors")), KernelsProvider.best());  // strict load_state_dict
        float[] logits = fromOnnx.predict(new float[] {-1.1828331f, 0.7832424f, 0.8836403f, 1.6930923f});

        OnnxModels.save(fromTorch, dir.resolve("back.onnx"));                      // and out again, for ONNX Runtime
        SavedModel any = ModelFiles.open(dir.resolve("mlp.onnx"), null, Task.MULTICLASS, KernelsProvider.best());
        ModelFile.save(any, dir.resolve("mlp.simdnn"));                             // ours loads into torch, strictly
        // INTEROP-EXAMPLE-END
        // torch's logits for that row (torch_mlp_io.json, row 0)
        float[] torch = {-0.0019119233f, -0.7567816f, 0.92627347f};
        for (int j = 0; j < 3; j++) {
            assertEquals(torch[j], logits[j], 1e-5f);
        }
        assertArrayEquals(fromTorch.predict(new float[] {-1.1828331f, 0.7832424f, 0.8836403f, 1.6930923f}), logits, 1e-6f);
        assertEquals(Task.MULTICLASS, ModelFile.load(dir.resolve("mlp.simdnn")).task());
    }

    @Test
    void cnnAndLstmExample() {
        Split split = Split.stratified(BundledData.digits(), 0.2, 42);       // 8×8 images as rows of 64
        Standardizer scaler = Standardizer.fit(split.train().features());
        Dataset train = scaler.transform(split.train());
        // CNN-EXAMPLE-BEGIN
        Sequential cnn = Mlp.builder()
                .input(1, 8, 8)                                             // images: channels, height, width
                .conv2d(8, 3, 1, 1).batchNorm().relu().maxPool(2)           // Conv2d, BatchNorm2d, ReLU, MaxPool2d
                .flatten().dense(10)
                .seed(3).build();
        Sequential lstm = Mlp.builder()
                .inputSequence(8, 8)                                        // 8 steps of 8 values (image rows)
                .layers("lstm(32),last,dense(10)")                          // the --arch vocabulary
                .seed(3).build();
        for (Sequential model : List.of(cnn, lstm)) {
            Trainer.builder(model, new SoftmaxCrossEntropy(), new Adam(model.parameters(), 3e-3f))
                    .epochs(2).batchSize(32).seed(3).build().fit(train);
        }
        // CNN-EXAMPLE-END
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "5.weight", "5.bias"),
                List.copyOf(cnn.namedParameters().keySet()), "torch's names: Conv2d 0, BatchNorm2d 1, …, Linear 5");
        Evaluation e = new dev.simdnn.predict.Evaluator(lstm, new SoftmaxCrossEntropy()).evaluate(scaler.transform(split.test()));
        assertTrue(e.accuracy() > 0.5f, "two epochs already learn something: " + e.accuracy());
    }

    private static String snippet(String marker) throws IOException {
        String self = Files.readString(Path.of("src/test/java/dev/simdnn/ReadmeExampleTest.java"));
        return self.split("// " + marker + "-BEGIN\n")[1].split("\n\\s*// " + marker + "-END")[0]
                .lines().map(l -> l.length() >= 8 ? l.substring(8) : l.strip()).collect(Collectors.joining("\n"));
    }

    @Test
    void readmeShowsTheseExactSnippets() throws IOException {
        // Surefire runs in the module directory; the README sits one level up.
        String readme = Files.readString(Path.of("..", "README.md"));
        for (String marker : java.util.List.of("README-EXAMPLE", "SERVE-EXAMPLE", "TOOLKIT-EXAMPLE", "INTEROP-EXAMPLE",
                "CNN-EXAMPLE")) {
            String snippet = snippet(marker);
            assertTrue(readme.contains("```java\n" + snippet + "\n```"),
                    "README.md's " + marker + " differs from ReadmeExampleTest; copy the snippet over:\n" + snippet);
        }
    }
}
