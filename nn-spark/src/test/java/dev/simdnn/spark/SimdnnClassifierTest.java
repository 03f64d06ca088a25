package dev.simdnn.spark;

import dev.simdnn.data.BundledData;
import dev.simdnn.data.Dataset;
import dev.simdnn.data.Split;
import dev.simdnn.loss.Task;
import org.apache.spark.sql.Row;
import org.apache.spark.SparkException;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Training on Spark: accuracy on real data, determinism, the vocabulary's effects. */
class SimdnnClassifierTest {

    static double accuracy(SimdnnModel model, org.apache.spark.sql.Dataset<Row> test) {
        List<Row> rows = model.transform(test).select("label", "prediction").collectAsList();
        long right = rows.stream().filter(r -> r.getDouble(0) == r.getDouble(1)).count();
        return (double) right / rows.size();
    }

    @Test
    void digitsOnTwoPartitionsReach96Percent() {
        Split split = Split.stratified(BundledData.digits(), 0.2, 7);
        SimdnnModel model = new SimdnnClassifier().setLayers("64").setEpochs(15).setBatchSize(64)
                .setLearningRate(3e-3).setSeed(7).fit(LocalSpark.frame(split.train(), 2));
        double acc = accuracy(model, LocalSpark.frame(split.test(), 2));
        System.out.printf("digits, 2 partitions: test accuracy %.4f, history %s%n", acc, model.history());
        assertEquals(Task.MULTICLASS, model.task());
        assertTrue(acc >= 0.96, "test accuracy " + acc);
    }

    @Test
    void modelAveragingReachesTheAccuracyInFewerRounds() {
        Split split = Split.stratified(BundledData.digits(), 0.2, 7);
        SimdnnClassifier est = new SimdnnClassifier().setLayers("64").setEpochs(15).setBatchSize(64)
                .setLearningRate(3e-3).setSeed(7).setLocalSteps(5);
        SimdnnModel m = est.fit(LocalSpark.frame(split.train(), 2));
        double acc = accuracy(m, LocalSpark.frame(split.test(), 2));
        assertTrue(acc >= 0.96, "test accuracy " + acc);
        assertEquals(5, m.history().get(0).steps(), "23 steps per epoch in rounds of 5");
        assertArrayEquals(m.modelFile(), est.fit(LocalSpark.frame(split.train(), 2)).modelFile(), "reproducible");
    }

    /**
     * One local step of plain SGD, averaged by rows, is the synchronous SGD step: Σ m_p (w − η g_p) / M
     * = w − η ĝ. The two runs differ only by the rounding of that rewriting.
     */
    @Test
    void oneLocalSgdStepAveragedIsTheSynchronousStep() {
        Split split = Split.stratified(BundledData.iris(), 0.3, 2);
        SimdnnClassifier sync = new SimdnnClassifier().setLayers("6").setOptimizer("sgd").setLearningRate(0.1)
                .setEpochs(2).setBatchSize(20).setSeed(3);
        SimdnnModel a = sync.fit(LocalSpark.frame(split.train(), 3));
        SimdnnModel b = sync.copy(org.apache.spark.ml.param.ParamMap.empty()).setLocalSteps(1)
                .fit(LocalSpark.frame(split.train(), 3));
        List<dev.simdnn.layer.Parameter> pa = a.savedModel().model().parameters();
        List<dev.simdnn.layer.Parameter> pb = b.savedModel().model().parameters();
        for (int i = 0; i < pa.size(); i++) {
            float[] x = pa.get(i).value().toArray();
            float[] y = pb.get(i).value().toArray();
            for (int j = 0; j < x.length; j++) {
                assertEquals(x[j], y[j], 1e-5 * (1 + Math.abs(x[j])), pa.get(i).name() + "[" + j + "]");
            }
        }
        assertFalse(java.util.Arrays.equals(pa.get(0).value().toArray(),
                new SimdnnClassifier().setLayers("6").setOptimizer("sgd").setLearningRate(0.1).setEpochs(2).setBatchSize(20)
                        .setSeed(3).setLocalSteps(3).fit(LocalSpark.frame(split.train(), 3)).savedModel().model().parameters()
                        .get(0).value().toArray()), "three local steps are another optimiser");
    }

    @Test
    void trainingIsReproducibleForAFixedPartitioningAndSeed() {
        Split split = Split.stratified(BundledData.digits(), 0.5, 3);
        SimdnnClassifier est = new SimdnnClassifier().setLayers("32").setEpochs(3).setBatchSize(50).setDropout(0.2)
                .setValidationFraction(0.1).setSeed(5);
        SimdnnModel a = est.fit(LocalSpark.frame(split.train(), 3));
        SimdnnModel b = est.fit(LocalSpark.frame(split.train(), 3));
        assertArrayEquals(a.modelFile(), b.modelFile());
        assertEquals(a.history().get(2).validationLoss(), b.history().get(2).validationLoss());
        SimdnnModel c = est.copy(org.apache.spark.ml.param.ParamMap.empty()).setSeed(6).fit(LocalSpark.frame(split.train(), 3));
        assertFalse(java.util.Arrays.equals(a.modelFile(), c.modelFile()));
    }

    @Test
    void earlyStoppingKeepsTheBestValidationEpoch() {
        // a third of the labels replaced by random classes: the network memorises them and the
        // validation loss turns upwards after a few epochs
        Split split = Split.stratified(BundledData.digits(), 0.5, 3);
        org.apache.spark.sql.Dataset<Row> noisy = LocalSpark.frame(split.train(), 2).withColumn("label",
                functions.when(functions.rand(4).lt(0.33), functions.floor(functions.rand(5).multiply(10)))
                        .otherwise(functions.col("label")));
        SimdnnModel m = new SimdnnClassifier().setLayers("256").setEpochs(30).setBatchSize(64)
                .setOptimizer("adam").setLearningRate(0.01).setValidationFraction(0.3).setPatience(3).setSeed(2)
                .fit(noisy);
        List<EpochSummary> h = m.history();
        int best = Integer.parseInt(m.savedModel().training().get("best_epoch"));
        double bestLoss = h.get(best - 1).validationLoss();
        for (EpochSummary e : h) {
            assertTrue(e.validationLoss() >= bestLoss, "epoch " + e.epoch() + " beat the kept epoch " + best);
        }
        assertTrue(h.size() < 40 && h.size() == best + 3, "stopped after " + h.size() + " epochs, best " + best);
        // the model holds the best epoch's weights: those of the same run stopped there
        SimdnnModel stopped = new SimdnnClassifier().setLayers("256").setEpochs(best).setBatchSize(64)
                .setOptimizer("adam").setLearningRate(0.01).setValidationFraction(0.3).setSeed(2).fit(noisy);
        List<dev.simdnn.layer.Parameter> kept = m.savedModel().model().parameters();
        List<dev.simdnn.layer.Parameter> there = stopped.savedModel().model().parameters();
        for (int i = 0; i < kept.size(); i++) {
            assertArrayEquals(there.get(i).value().toArray(), kept.get(i).value().toArray(), 0f, kept.get(i).name());
        }
    }

    @Test
    void theEstimatorAndAPipelineSaveAndLoad(@TempDir Path dir) throws Exception {
        Split split = Split.stratified(BundledData.iris(), 0.3, 1);
        SimdnnClassifier est = new SimdnnClassifier().setLayers("8").setEpochs(30).setBatchSize(16).setLearningRate(0.01)
                .setSeed(9);
        est.write().save(dir.resolve("est").toString());
        SimdnnClassifier back = SimdnnClassifier.load(dir.resolve("est").toString());
        assertEquals(est.uid(), back.uid());
        assertEquals("8", back.getOrDefault(back.layers()));
        assertEquals(0.01, (Double) back.getOrDefault(back.learningRate()));
        Pipeline pipe = new Pipeline().setStages(new PipelineStage[] {back});
        PipelineModel fitted = pipe.fit(LocalSpark.frame(split.train(), 2));
        fitted.write().save(dir.resolve("pipe").toString());
        PipelineModel loaded = PipelineModel.load(dir.resolve("pipe").toString());
        org.apache.spark.sql.Dataset<Row> test = LocalSpark.frame(split.test(), 2);
        assertEquals(fitted.transform(test).orderBy("id").collectAsList(), loaded.transform(test).orderBy("id").collectAsList());
        // the pipeline's stage directory holds the model file
        try (var files = java.nio.file.Files.walk(dir.resolve("pipe"))) {
            Path file = files.filter(f -> f.getFileName().toString().equals(SimdnnModel.FILE)).findFirst().orElseThrow();
            assertEquals(Task.MULTICLASS, dev.simdnn.io.ModelFile.load(file).task());
        }
    }

    @Test
    void classNamesComeFromStringIndexersMetadata() {
        org.apache.spark.sql.Dataset<Row> named = LocalSpark.frame(BundledData.iris(), 2).withColumn("species",
                functions.element_at(functions.array(functions.lit("setosa"), functions.lit("versicolor"),
                        functions.lit("virginica")), functions.col("label").cast("int").plus(1)));
        PipelineModel m = new Pipeline().setStages(new PipelineStage[] {
                new org.apache.spark.ml.feature.StringIndexer().setInputCol("species").setOutputCol("idx")
                        .setStringOrderType("alphabetAsc"),
                new SimdnnClassifier().setLabelCol("idx").setLayers("8").setEpochs(2).setBatchSize(30)}).fit(named);
        SimdnnModel model = (SimdnnModel) m.stages()[1];
        assertEquals(List.of("setosa", "versicolor", "virginica"), model.savedModel().labels());
    }

    @Test
    void badTrainingRowsFailTheJobNamingTheColumnAndTheRow() {
        Dataset iris = BundledData.iris();
        org.apache.spark.sql.Dataset<Row> frame = LocalSpark.frame(iris, 1);
        SparkException e = assertThrows(SparkException.class, () -> new SimdnnClassifier().setEpochs(1)
                .fit(frame.withColumn("label", functions.when(functions.col("id").equalTo(7), Double.NaN)
                        .otherwise(functions.col("label")))));
        assertTrue(e.getMessage().contains("column 'label', row 7 of partition 0: the label is NaN"), e.getMessage());
        e = assertThrows(SparkException.class, () -> new SimdnnClassifier().setEpochs(1)
                .fit(frame.withColumn("label", functions.when(functions.col("id").equalTo(4), 1.5)
                        .otherwise(functions.col("label")))));
        assertTrue(e.getMessage().contains("column 'label', row 4 of partition 0: the label is 1.5; a classifier's labels"
                + " are class indices"), e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> new SimdnnClassifier()
                .setPatience(2).fit(frame));
        assertTrue(bad.getMessage().contains("patience (early stopping) needs a validationFraction"), bad.getMessage());
        bad = assertThrows(IllegalArgumentException.class, () -> new SimdnnClassifier().setLoss("mse").fit(frame));
        assertTrue(bad.getMessage().contains("loss 'mse' trains a regression model, this is a classification one"),
                bad.getMessage());
        assertEquals(List.of("id", "features", "label", "prediction", "rawPrediction", "probability"),
                List.of(new SimdnnClassifier().transformSchema(frame.schema()).fieldNames()));
        assertEquals(List.of("id", "features", "label", "prediction"),
                List.of(new SimdnnRegressor().transformSchema(frame.schema()).fieldNames()));
        bad = assertThrows(IllegalArgumentException.class, () -> new SimdnnClassifier().fit(frame.withColumn(
                "probability", functions.lit(1))));
        assertTrue(bad.getMessage().contains("output column 'probability' already exists"), bad.getMessage());
        bad = assertThrows(IllegalArgumentException.class, () -> new SimdnnClassifier().setLabelCol("nope").fit(frame));
        assertTrue(bad.getMessage().contains("no label column 'nope'"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SimdnnClassifier().setNormalization("batch"));
    }
}
