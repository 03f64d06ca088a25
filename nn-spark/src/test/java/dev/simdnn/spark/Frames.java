package dev.simdnn.spark;

import dev.simdnn.data.Dataset;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Large data sets as DataFrames without copying them through the driver's row list: the rows are
 * made on the executors from a data set held in this JVM (local mode shares it), by index.
 */
final class Frames {
    private static final Map<String, Dataset> HELD = new ConcurrentHashMap<>();

    private Frames() {
    }

    /** {@code data} as a DataFrame of {@link LocalSpark#SCHEMA} in {@code partitions} contiguous ranges of rows. */
    static org.apache.spark.sql.Dataset<Row> of(String name, Dataset data, int partitions) {
        HELD.put(name, data);
        List<Integer> starts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            starts.add((int) ((long) p * data.size() / partitions));
        }
        int n = data.size();
        var rdd = JavaSparkContext.fromSparkContext(LocalSpark.session().sparkContext())
                .parallelize(starts, partitions).flatMap(from -> {
                    Dataset d = HELD.get(name);
                    int to = from;
                    for (int p = 0; p < partitions; p++) {
                        int s = (int) ((long) p * n / partitions);
                        if (s == from) {
                            to = (int) ((long) (p + 1) * n / partitions);
                        }
                    }
                    List<Row> rows = new ArrayList<>(to - from);
                    for (int r = from; r < to; r++) {
                        double[] f = new double[d.featureCount()];
                        for (int j = 0; j < f.length; j++) {
                            f[j] = d.features().get(r, j);
                        }
                        rows.add(RowFactory.create(r, new DenseVector(f), (double) d.targets().get(r, 0)));
                    }
                    return rows.iterator();
                });
        return LocalSpark.session().createDataFrame(rdd, LocalSpark.SCHEMA);
    }
}
