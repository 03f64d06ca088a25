package dev.simdnn;

import dev.simdnn.data.BundledData;
import dev.simdnn.data.Dataset;
import dev.simdnn.data.Split;
import dev.simdnn.data.Standardizer;
import dev.simdnn.kernel.Activation;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Adam;
import dev.simdnn.train.Evaluation;
import dev.simdnn.train.Trainer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

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
    void readmeShowsThisExactSnippet() throws IOException {
        // Surefire runs in the module directory; the README sits one level up.
        String readme = Files.readString(Path.of("..", "README.md"));
        String self = Files.readString(Path.of("src/test/java/dev/simdnn/ReadmeExampleTest.java"));
        String snippet = self.split("// README-EXAMPLE-BEGIN\n")[1].split("\n\\s*// README-EXAMPLE-END")[0]
                .lines().map(l -> l.length() >= 8 ? l.substring(8) : l.strip()).collect(Collectors.joining("\n"));
        assertTrue(readme.contains("```java\n" + snippet + "\n```"),
                "README.md's Java example differs from ReadmeExampleTest; copy the snippet over:\n" + snippet);
    }
}
