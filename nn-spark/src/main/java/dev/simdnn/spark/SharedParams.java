package dev.simdnn.spark;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;

/**
 * The params the estimators and {@link SimdnnModel} share, made once here so that both sides
 * name and document them alike (Spark's {@code copyValues} hands an estimator's values to its
 * model by name). Each stage holds its own instances, created with it as parent.
 */
final class SharedParams {
    final Param<String> featuresCol;
    final StringArrayParam inputCols;
    final Param<String> predictionCol;
    final Param<String> probabilityCol;
    final Param<String> rawPredictionCol;
    final IntParam scoringBatchSize;
    final Param<String> backend;
    final IntParam threads;
    private final int defaultBatch;

    SharedParams(Params parent, int defaultBatch, String batchDoc) {
        featuresCol = new Param<>(parent, "featuresCol", "features column: a Vector of the model's input width "
                + "(ignored when inputCols is set)");
        inputCols = new StringArrayParam(parent, "inputCols", "numeric feature columns, in the model's input order "
                + "(instead of featuresCol)");
        predictionCol = new Param<>(parent, "predictionCol", "prediction column: the class index, or the "
                + "regression value (a Vector for a model of several outputs); empty for none");
        probabilityCol = new Param<>(parent, "probabilityCol", "class probabilities column (classifiers): the "
                + "softmax, or [1 - p, p] for one logit; empty for none");
        rawPredictionCol = new Param<>(parent, "rawPredictionCol", "raw prediction column (classifiers): the "
                + "logits, or [-z, z] for one logit; empty for none");
        scoringBatchSize = new IntParam(parent, "scoringBatchSize", batchDoc, ParamValidators.gtEq(1));
        backend = new Param<>(parent, "backend", "kernels backend of the executors: best (SIMD when the JVM has "
                + "jdk.incubator.vector, else scalar, logged), simd or scalar",
                ParamValidators.inArray(new String[] {"best", "simd", "scalar"}));
        threads = new IntParam(parent, "threads", "GEMM threads per task (Spark already runs a task per core)",
                ParamValidators.gtEq(1));
        this.defaultBatch = defaultBatch;
    }

    /** The defaults, set on {@code stage} (the parent these params were made with). */
    void setDefaults(SetDefault stage) {
        stage.setDefaultValue(featuresCol, "features");
        stage.setDefaultValue(inputCols, new String[0]);
        stage.setDefaultValue(predictionCol, "prediction");
        stage.setDefaultValue(probabilityCol, "probability");
        stage.setDefaultValue(rawPredictionCol, "rawPrediction");
        stage.setDefaultValue(scoringBatchSize, defaultBatch);
        stage.setDefaultValue(backend, "best");
        stage.setDefaultValue(threads, 1);
    }

    /** {@code Params.setDefault} is protected; each stage lends it through this. */
    interface SetDefault {
        <T> void setDefaultValue(Param<T> param, T value);
    }
}
