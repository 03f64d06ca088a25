package dev.simdnn.spark;

import dev.simdnn.data.Dataset;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;

/** One Spark session in local mode ({@code local[2]}) for every test of this JVM, stopped at exit. */
final class LocalSpark {
    private static SparkSession session;

    private LocalSpark() {
    }

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder().master("local[2]").appName("nn-spark tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "2")
                    .getOrCreate();
            session.sparkContext().setLogLevel("WARN");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> session.stop()));
        }
        return session;
    }

    /** The schema of {@link #frame}: an id, the features as a Vector, the label. */
    static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("features", SQLDataTypes.VectorType(), true)
            .add("label", DataTypes.DoubleType, false);

    /** {@code data} as a DataFrame of {@link #SCHEMA} (label: the class index, or the first target) in {@code partitions}. */
    static org.apache.spark.sql.Dataset<Row> frame(Dataset data, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < data.size(); r++) {
            double[] f = new double[data.featureCount()];
            for (int j = 0; j < f.length; j++) {
                f[j] = data.features().get(r, j);
            }
            rows.add(RowFactory.create(r, new DenseVector(f), (double) data.targets().get(r, 0)));
        }
        return session().createDataFrame(rows, SCHEMA).repartition(partitions, new org.apache.spark.sql.Column("id"))
                .sortWithinPartitions("id");
    }
}
