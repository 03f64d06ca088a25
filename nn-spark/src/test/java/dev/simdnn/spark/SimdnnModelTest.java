package dev.simdnn.spark;

import dev.simdnn.data.BundledData;
import dev.simdnn.data.Dataset;
import dev.simdnn.data.Standardizer;
import dev.simdnn.io.ModelFile;
import dev.simdnn.io.SavedModel;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.loss.BinaryCrossEntropy;
import dev.simdnn.loss.Task;
import dev.simdnn.kernel.Activation;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Adam;
import dev.simdnn.predict.Predictor;
import dev.simdnn.tensor.Tensor;
import dev.simdnn.train.Trainer;
import org.apache.spark.SparkException;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batch scoring: Spark's columns against the library's predictor on the same rows, bit for bit. */
class SimdnnModelTest {
    private static Dataset digits;
    private static SavedModel saved;

    @BeforeAll
    static void trainSmallModel() {
        digits = BundledData.digits();
        Standardizer scaling = Standardizer.fit(digits.features());
        Sequential net = Mlp.builder().input(64).seed(3).dense(24, Activation.RELU).dense(10).build();
        Trainer.builder(net, new SoftmaxCrossEntropy(), new Adam(net.parameters(), 3e-3f)).epochs(2).batchSize(64)
                .seed(3).build().fit(scaling.transform(digits));
        saved = new SavedModel(net, Task.MULTICLASS, scaling, List.of(), Map.of());
    }

    /**
     * Each partition's rows are scored as {@code predict} scores them: the predictor's outputs,
     * probabilities and classes on exactly those rows, bit for bit. (Across partitions the rows
     * of one {@code predict} call are cut into other batches; a row's last bits may then differ,
     * because the engine's GEMM sums a small batch in another order, see the README.)
     */
    @Test
    void eachPartitionIsScoredBitForBitAsPredictScoresItsRows() {
        for (int batch : new int[] {Sequential.PREDICT_CHUNK_ROWS, 37}) {
            SimdnnModel model = new SimdnnModel(saved).setScoringBatchSize(batch);
            org.apache.spark.sql.Dataset<Row> in = LocalSpark.frame(digits, 3).withColumn("pid",
                    org.apache.spark.sql.functions.spark_partition_id());
            List<Row> rows = model.transform(in).orderBy("pid", "id").collectAsList();
            assertEquals(digits.size(), rows.size());
            Predictor p = saved.predictor();
            int from = 0;
            while (from < rows.size()) {
                int pid = rows.get(from).getInt(rows.get(from).fieldIndex("pid"));
                int to = from;
                while (to < rows.size() && rows.get(to).getInt(rows.get(to).fieldIndex("pid")) == pid) {
                    to++;
                }
                int[] ids = new int[to - from];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = rows.get(from + i).getInt(0);
                }
                // predict on this partition's rows, in the scorer's batches
                Tensor x = digits.subset(ids).features();
                for (int b = 0; b < ids.length; b += batch) {
                    Tensor part = x.rows(b, Math.min(ids.length, b + batch));
                    Tensor logits = p.outputs(part);
                    Tensor probs = p.probabilities(part);
                    int[] classes = p.classes(part);
                    for (int i = 0; i < part.rows(); i++) {
                        Row r = rows.get(from + b + i);
                        String where = "partition " + pid + ", row " + r.getInt(0);
                        assertEquals(classes[i], r.getDouble(r.fieldIndex("prediction")), where);
                        assertArrayEquals(doubles(logits, i), ((Vector) r.getAs("rawPrediction")).toArray(), 0.0, where);
                        assertArrayEquals(doubles(probs, i), ((Vector) r.getAs("probability")).toArray(), 0.0, where);
                    }
                }
                from = to;
            }
        }
    }

    /** Rows cut into other batches than one predict call's: the same classes, logits within GEMM rounding. */
    @Test
    void otherBatchesDifferOnlyByRounding() {
        List<Row> rows = new SimdnnModel(saved).transform(LocalSpark.frame(digits, 3)).orderBy("id").collectAsList();
        Tensor logits = saved.predictor().outputs(digits.features());
        int[] classes = saved.predictor().classes(digits.features());
        // |Δz| ≤ 2·(k1 + k2)·2⁻²⁴·(largest |z| the layers carry): k1 = 64, k2 = 24 terms per output; the
        // scale is bounded generously by 100 (the logits of this model stay below 30)
        double bound = 2 * (64 + 24) * Math.ulp(1f) / 2 * 100;
        for (Row r : rows) {
            int id = r.getInt(0);
            double[] z = ((Vector) r.getAs("rawPrediction")).toArray();
            assertArrayEquals(doubles(logits, id), z, bound, "row " + id);
            assertEquals(classes[id], r.getDouble(r.fieldIndex("prediction")), "row " + id);
        }
    }

    @Test
    void numericColumnsScoreAsTheVectorDoes() {
        // iris (4 features) as four double columns, a binary model of one logit
        Dataset iris = BundledData.iris();
        Sequential net = Mlp.builder().input(4).seed(5).dense(8, Activation.TANH).dense(1).build();
        SavedModel bin = new SavedModel(net, Task.BINARY, null, List.of(), Map.of());
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("a", DataTypes.DoubleType)
                .add("b", DataTypes.FloatType).add("c", DataTypes.DoubleType).add("d", DataTypes.IntegerType);
        List<Row> in = new ArrayList<>();
        float[][] x = new float[iris.size()][4];
        for (int r = 0; r < iris.size(); r++) {
            for (int j = 0; j < 4; j++) {
                x[r][j] = iris.features().get(r, j);
            }
            x[r][3] = Math.round(x[r][3] * 10); // an integer column
            in.add(RowFactory.create(r, (double) x[r][0], x[r][1], (double) x[r][2], (int) x[r][3]));
        }
        SimdnnModel model = new SimdnnModel(bin).setInputCols(new String[] {"a", "b", "c", "d"});
        List<Row> rows = model.transform(LocalSpark.session().createDataFrame(in, schema).repartition(2))
                .orderBy("id").collectAsList();
        Predictor p = bin.predictor();
        Tensor z = p.outputs(Tensor.ofRows(x));
        Tensor prob = p.probabilities(Tensor.ofRows(x));
        for (Row r : rows) {
            int id = r.getInt(0);
            double zi = z.get(id, 0);
            assertEquals(zi > 0 ? 1.0 : 0.0, r.getDouble(r.fieldIndex("prediction")));
            assertArrayEquals(new double[] {-zi, zi}, ((Vector) r.getAs("rawPrediction")).toArray(), 0.0);
            assertArrayEquals(new double[] {1 - (double) prob.get(id, 0), prob.get(id, 0)},
                    ((Vector) r.getAs("probability")).toArray(), 0.0);
        }
        assertEquals(2, model.numClasses());
    }

    @Test
    void sparseVectorsAreReadAsTheirDenseForm() {
        SimdnnModel model = new SimdnnModel(saved);
        double[] dense = new double[64];
        dense[3] = 7;
        dense[40] = 16;
        List<Row> in = List.of(RowFactory.create(0, new SparseVector(64, new int[] {3, 40}, new double[] {7, 16}), 0.0),
                RowFactory.create(1, new DenseVector(dense), 0.0));
        List<Row> out = model.transform(LocalSpark.session().createDataFrame(in, LocalSpark.SCHEMA)).orderBy("id")
                .collectAsList();
        assertArrayEquals(((Vector) out.get(1).getAs("probability")).toArray(),
                ((Vector) out.get(0).getAs("probability")).toArray(), 0.0);
    }

    @Test
    void saveAndLoadRoundTripAndTheStageHoldsAModelFile(@TempDir Path dir) throws Exception {
        SimdnnModel model = new SimdnnModel(saved).setPredictionCol("cls").setProbabilityCol("");
        String path = dir.resolve("stage").toString();
        model.write().save(path);
        SimdnnModel back = SimdnnModel.load(path);
        assertEquals(model.uid(), back.uid());
        assertEquals("cls", back.getOrDefault(back.predictionCol()));
        assertEquals("", back.getOrDefault(back.probabilityCol()));
        assertArrayEquals(model.modelFile(), back.modelFile());
        // the stage's model file is a model file: the library opens it and predicts as before
        SavedModel file = ModelFile.load(dir.resolve("stage").resolve(SimdnnModel.FILE));
        assertArrayEquals(saved.predictor().outputs(digits.features()).toArray(),
                file.predictor().outputs(digits.features()).toArray(), 0f);
        List<Row> a = model.transform(LocalSpark.frame(digits, 2)).orderBy("id").collectAsList();
        List<Row> b = back.transform(LocalSpark.frame(digits, 2)).orderBy("id").collectAsList();
        assertEquals(a, b);
        assertEquals(List.of("id", "features", "label", "cls", "rawPrediction"), List.of(back.transform(
                LocalSpark.frame(digits, 1)).columns()));
        // saving over it again without overwrite is refused by Spark; with overwrite it replaces it
        assertThrows(Exception.class, () -> model.write().save(path));
        model.write().overwrite().save(path);
        assertTrue(Files.isRegularFile(dir.resolve("stage").resolve(SimdnnModel.FILE)));
    }

    @Test
    void badRowsFailTheJobNamingTheColumnAndTheRow() {
        SimdnnModel model = new SimdnnModel(saved);
        double[] ok = new double[64];
        double[] nan = new double[64];
        nan[5] = Double.NaN;
        assertJobFails(model, RowFactory.create(1, new DenseVector(new double[63]), 0.0),
                "column 'features', row 1 of partition 0: a vector of 63 values, the model takes 64");
        assertJobFails(model, RowFactory.create(1, null, 0.0), "column 'features', row 1 of partition 0: the features are null");
        assertJobFails(model, RowFactory.create(1, new DenseVector(nan), 0.0),
                "column 'features', row 1 of partition 0: value 5 is NaN; features must be finite");
        assertJobFails(model, RowFactory.create(1, new DenseVector(new double[] {1e300}).size() == 1
                ? new DenseVector(big()) : null, 0.0), "value 0 is 1.0E300 (beyond float's range)");
        // wrong schema: refused on the driver, before a job
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.setFeaturesCol("label").transform(LocalSpark.frame(digits, 1)));
        assertTrue(e.getMessage().contains("features column 'label' must be a Vector"), e.getMessage());
        model.setFeaturesCol("features");
        e = assertThrows(IllegalArgumentException.class, () -> model.setInputCols(new String[] {"id", "label"})
                .transform(LocalSpark.frame(digits, 1)));
        assertTrue(e.getMessage().contains("inputCols names 2 columns [id, label] but the model takes 64 features"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SimdnnModel(new byte[] {1, 2, 3}));
    }

    private static double[] big() {
        double[] v = new double[64];
        v[0] = 1e300;
        return v;
    }

    private static void assertJobFails(SimdnnModel model, Row bad, String message) {
        double[] ok = new double[64];
        List<Row> rows = List.of(RowFactory.create(0, new DenseVector(ok), 0.0), bad,
                RowFactory.create(2, new DenseVector(ok), 0.0));
        SparkException e = assertThrows(SparkException.class, () -> model.transform(
                LocalSpark.session().createDataFrame(rows, LocalSpark.SCHEMA).coalesce(1)).collectAsList());
        assertTrue(e.getMessage().contains(message), () -> "expected '" + message + "' in: " + e.getMessage());
    }

    private static double[] doubles(Tensor t, int row) {
        double[] d = new double[t.cols()];
        for (int j = 0; j < d.length; j++) {
            d[j] = t.get(row, j);
        }
        return d;
    }
}
