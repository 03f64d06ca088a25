package dev.simdnn.spark;

import dev.simdnn.data.BundledData;
import dev.simdnn.data.Dataset;
import dev.simdnn.data.Split;
import dev.simdnn.loss.Task;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
