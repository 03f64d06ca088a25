package dev.simdnn.spark;

import dev.simdnn.data.BundledData;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's Spark example, run in local mode; the README must show this code as it is here. */
class ReadmeExampleTest {

    /** What the README shows, between the markers. */
    static double example(SparkSession spark, Dataset<Row> data, String dir) throws java.io.IOException {
        // README-BEGIN
        Dataset<Row>[] parts = data.randomSplit(new double[] {0.8, 0.2}, 7);
        SimdnnModel model = new SimdnnClassifier()      // features: a Vector column; label: 0, 1, 2, …
                .setLayers("64").setActivation("relu")
                .setOptimizer("adam").setLearningRate(3e-3)
                .setBatchSize(64).setEpochs(15).setSeed(7)
                .fit(parts[0]);                         // synchronous data-parallel steps
        Dataset<Row> scored = model.transform(parts[1]); // + prediction, rawPrediction, probability
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored);
        model.write().overwrite().save(dir + "/digits-model"); // holds digits-model/model.simdnn
        SimdnnModel again = SimdnnModel.load(dir + "/digits-model");
        // README-END
        assertTrue(again.numFeatures() == 64);
        return accuracy;
    }

    @Test
    void theReadmeExampleRunsAndReachesItsAccuracy(@TempDir Path dir) throws Exception {
        double acc = example(LocalSpark.session(), LocalSpark.frame(BundledData.digits(), 2), dir.toString());
        assertTrue(acc >= 0.95, "accuracy " + acc);
        assertTrue(Files.isRegularFile(dir.resolve("digits-model").resolve(SimdnnModel.FILE)));
    }

    @Test
    void theReadmeShowsThisCode() throws Exception {
        String src = Files.readString(Path.of("src/test/java/dev/simdnn/spark/ReadmeExampleTest.java"), StandardCharsets.UTF_8);
        String code = src.substring(src.indexOf("// README-BEGIN\n") + "// README-BEGIN\n".length(),
                src.indexOf("        // README-END"));
        String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
        StringBuilder unindented = new StringBuilder();
        for (String line : code.split("\n")) {
            unindented.append(line.length() >= 8 ? line.substring(8) : line.strip()).append('\n');
        }
        assertTrue(readme.contains(unindented.toString()), "README.md's Spark section must contain:\n" + unindented);
    }
}
