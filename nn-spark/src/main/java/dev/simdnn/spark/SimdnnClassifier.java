package dev.simdnn.spark;

import dev.simdnn.loss.Task;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;

/**
 * A neural-network classifier trained on Spark by synchronous data-parallel steps
 * ({@link SimdnnEstimator}): labels are class indices 0, 1, … ({@code StringIndexer} makes them);
 * two classes train one logit with binary cross-entropy, more a softmax with cross-entropy.
 *
 * <pre>{@code
 * SimdnnModel model = new SimdnnClassifier().setLayers("128,64").setEpochs(20).setBatchSize(128)
 *         .setLearningRate(2e-3).fit(train);
 * Dataset<Row> scored = model.transform(test);   // prediction, rawPrediction, probability
 * }</pre>
 */
public final class SimdnnClassifier extends SimdnnEstimator<SimdnnClassifier> {
    private static final long serialVersionUID = 1L;

    public SimdnnClassifier() {
        this(Identifiable$.MODULE$.randomUID("simdnnClassifier"));
    }

    public SimdnnClassifier(String uid) {
        super(uid);
    }

    @Override
    Task task(int classes) {
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs 2 or more classes; the largest label is "
                    + (classes - 1));
        }
        return Task.classifier(classes);
    }

    @Override
    TrainingBlock.Labels labels() {
        return TrainingBlock.Labels.CLASS_INDEX;
    }

    @Override
    public SimdnnClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<SimdnnClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static SimdnnClassifier load(String path) {
        return read().load(path);
    }
}
