package dev.simdnn.spark;

import dev.simdnn.loss.Task;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;

/**
 * A neural-network regressor trained on Spark by synchronous data-parallel steps
 * ({@link SimdnnEstimator}): one output, the label column's value; mean squared error unless
 * {@code loss} names another regression loss (mae, huber, logcosh).
 */
public final class SimdnnRegressor extends SimdnnEstimator<SimdnnRegressor> {
    private static final long serialVersionUID = 1L;

    public SimdnnRegressor() {
        this(Identifiable$.MODULE$.randomUID("simdnnRegressor"));
    }

    public SimdnnRegressor(String uid) {
        super(uid);
    }

    @Override
    Task task(int classes) {
        return Task.REGRESSION;
    }

    @Override
    TrainingBlock.Labels labels() {
        return TrainingBlock.Labels.VALUE;
    }

    @Override
    public SimdnnRegressor copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<SimdnnRegressor> read() {
        return new DefaultParamsReader<>();
    }

    public static SimdnnRegressor load(String path) {
        return read().load(path);
    }
}
