package dev.simdnn.spark;

import dev.simdnn.data.Standardizer;
import dev.simdnn.io.SavedModel;
import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.loss.Task;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Normalization;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.OptimizerConfig;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@link SimdnnClassifier} and {@link SimdnnRegressor} share: the params (the command line's
 * vocabulary: layers, activation, normalization, dropout, optimizer, learning rate, weight decay,
 * L1/L2 penalties, batch size, epochs, seed, validation fraction and early stopping, scaling) and
 * {@link #fit}: read the rows into one cached block per partition, fit the scaling over them,
 * build the network on the driver, train it with {@link DataParallelTraining}, and return a
 * {@link SimdnnModel} whose model file holds the network, its task and its scaling.
 *
 * @param <E> the concrete estimator, which the setters return
 */
public abstract class SimdnnEstimator<E extends SimdnnEstimator<E>> extends Estimator<SimdnnModel> implements MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    final SharedParams shared;
    private final Param<String> labelCol;
    private final Param<String> layers;
    private final Param<String> activation;
    private final Param<String> normalization;
    private final DoubleParam dropout;
    private final Param<String> optimizer;
    private final DoubleParam learningRate;
    private final DoubleParam weightDecay;
    private final DoubleParam l1;
    private final DoubleParam l2;
    private final IntParam batchSize;
    private final IntParam epochs;
    private final LongParam seed;
    private final DoubleParam validationFraction;
    private final IntParam patience;
    private final DoubleParam minDelta;
    private final Param<String> scaling;
    private final IntParam aggregationDepth;
    private final IntParam localSteps;
    private final Param<String> loss;

    SimdnnEstimator(String uid) {
        this.uid = uid;
        shared = new SharedParams(this, Sequential.PREDICT_CHUNK_ROWS, "rows per inference call when the model "
                + "scores (handed to the model)");
        labelCol = new Param<>(this, "labelCol", "label column: the class index 0, 1, … (classifier) or the value "
                + "(regressor)");
        layers = new Param<>(this, "layers", "hidden layer widths, comma-separated (e.g. \"128,64\"; empty for none)");
        activation = new Param<>(this, "activation", "hidden activation (relu, tanh, sigmoid, gelu, leaky_relu, elu, "
                + "selu, softplus, silu, …)");
        normalization = new Param<>(this, "normalization", "after each hidden dense layer: none or layer (batch "
                + "normalization needs statistics synchronised across partitions and is refused)",
                ParamValidators.inArray(new String[] {"none", "layer"}));
        dropout = new DoubleParam(this, "dropout", "dropout rate after each hidden activation, in [0, 1)",
                ParamValidators.inRange(0, 1, true, false));
        optimizer = new Param<>(this, "optimizer", "optimizer name or spec: sgd, momentum, adam, adamw, adagrad, "
                + "rmsprop, or e.g. momentum:lr=0.1,nesterov");
        learningRate = new DoubleParam(this, "learningRate", "learning rate (default: the optimizer's own)",
                ParamValidators.gt(0));
        weightDecay = new DoubleParam(this, "weightDecay", "L2 weight decay of the optimizer (decoupled for adamw)",
                ParamValidators.gtEq(0));
        l1 = new DoubleParam(this, "l1", "L1 penalty λ1 on the weights (added to the loss)", ParamValidators.gtEq(0));
        l2 = new DoubleParam(this, "l2", "L2 penalty λ2 on the weights (added to the loss)", ParamValidators.gtEq(0));
        batchSize = new IntParam(this, "batchSize", "rows per synchronous step, over all partitions (the global "
                + "mini-batch)", ParamValidators.gtEq(1));
        epochs = new IntParam(this, "epochs", "passes over the training rows", ParamValidators.gtEq(1));
        seed = new LongParam(this, "seed", "seed of the weights, the shuffles, the dropout masks and the validation "
                + "rows");
        validationFraction = new DoubleParam(this, "validationFraction", "share of the rows held out for validation, "
                + "in [0, 1)", ParamValidators.inRange(0, 1, true, false));
        patience = new IntParam(this, "patience", "early stopping: stop after this many epochs without a better "
                + "validation loss and keep the best epoch's weights (0: off; needs validationFraction)",
                ParamValidators.gtEq(0));
        minDelta = new DoubleParam(this, "minDelta", "smallest validation-loss decrease that counts",
                ParamValidators.gtEq(0));
        scaling = new Param<>(this, "scaling", "feature scaling fitted on the training rows and saved with the "
                + "model: standard, minmax or none", ParamValidators.inArray(new String[] {"standard", "minmax", "none"}));
        aggregationDepth = new IntParam(this, "aggregationDepth", "levels of the gradients' aggregation tree: 1 "
                + "(every partition's gradient to the driver) or 2 (aligned groups of about sqrt(partitions) merged on "
                + "the executors first)", ParamValidators.inArray(new Integer[] {1, 2}));
        localSteps = new IntParam(this, "localSteps", "0 (default): synchronous steps, single-machine training's "
                + "optimiser; K > 0: model averaging, each partition takes K steps of its own (its optimizer started "
                + "afresh each round), then the weights are averaged weighted by rows: K times fewer rounds, another "
                + "optimiser", ParamValidators.gtEq(0));
        loss = new Param<>(this, "loss", "loss (the command line's names: ce, bce, hinge, mse, mae, huber, …); "
                + "empty: the task's default");
        shared.setDefaults(new SharedParams.SetDefault() {
            @Override
            public <T> void setDefaultValue(Param<T> p, T value) {
                setDefault(p, value);
            }
        });
        setDefault(labelCol, "label");
        setDefault(layers, "64");
        setDefault(activation, "relu");
        setDefault(normalization, "none");
        setDefault(dropout, 0.0);
        setDefault(optimizer, "adam");
        setDefault(weightDecay, 0.0);
        setDefault(l1, 0.0);
        setDefault(l2, 0.0);
        setDefault(batchSize, 64);
        setDefault(epochs, 20);
        setDefault(seed, 42L);
        setDefault(validationFraction, 0.0);
        setDefault(patience, 0);
        setDefault(minDelta, 0.0);
        setDefault(scaling, "standard");
        setDefault(aggregationDepth, 2);
        setDefault(localSteps, 0);
        setDefault(loss, "");
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The task of this estimator's models for {@code classes} classes (regression: 0). */
    abstract Task task(int classes);

    /** How the label column is read. */
    abstract TrainingBlock.Labels labels();

    @SuppressWarnings("unchecked")
    private E self() {
        return (E) this;
    }

    // ---- params and setters

    public Param<String> featuresCol() {
        return shared.featuresCol;
    }

    public StringArrayParam inputCols() {
        return shared.inputCols;
    }

    public Param<String> predictionCol() {
        return shared.predictionCol;
    }

    public Param<String> probabilityCol() {
        return shared.probabilityCol;
    }

    public Param<String> rawPredictionCol() {
        return shared.rawPredictionCol;
    }

    public IntParam scoringBatchSize() {
        return shared.scoringBatchSize;
    }

    public Param<String> backend() {
        return shared.backend;
    }

    public IntParam threads() {
        return shared.threads;
    }

    public Param<String> labelCol() {
        return labelCol;
    }

    public Param<String> layers() {
        return layers;
    }

    public Param<String> activation() {
        return activation;
    }

    public Param<String> normalization() {
        return normalization;
    }

    public DoubleParam dropout() {
        return dropout;
    }

    public Param<String> optimizer() {
        return optimizer;
    }

    public DoubleParam learningRate() {
        return learningRate;
    }

    public DoubleParam weightDecay() {
        return weightDecay;
    }

    public DoubleParam l1() {
        return l1;
    }

    public DoubleParam l2() {
        return l2;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public IntParam epochs() {
        return epochs;
    }

    public LongParam seed() {
        return seed;
    }

    public DoubleParam validationFraction() {
        return validationFraction;
    }

    public IntParam patience() {
        return patience;
    }

    public DoubleParam minDelta() {
        return minDelta;
    }

    public Param<String> scaling() {
        return scaling;
    }

    public IntParam aggregationDepth() {
        return aggregationDepth;
    }

    public Param<String> loss() {
        return loss;
    }

    public E setLoss(String v) {
        set(loss, v);
        return self();
    }

    public E setFeaturesCol(String v) {
        set(shared.featuresCol, v);
        return self();
    }

    public E setInputCols(String[] v) {
        set(shared.inputCols, v);
        return self();
    }

    public E setPredictionCol(String v) {
        set(shared.predictionCol, v);
        return self();
    }

    public E setBackend(String v) {
        set(shared.backend, v);
        return self();
    }

    public E setThreads(int v) {
        set(shared.threads, v);
        return self();
    }

    public E setLabelCol(String v) {
        set(labelCol, v);
        return self();
    }

    public E setLayers(String v) {
        set(layers, v);
        return self();
    }

    public E setActivation(String v) {
        set(activation, v);
        return self();
    }

    public E setNormalization(String v) {
        set(normalization, v);
        return self();
    }

    public E setDropout(double v) {
        set(dropout, v);
        return self();
    }

    public E setOptimizer(String v) {
        set(optimizer, v);
        return self();
    }

    public E setLearningRate(double v) {
        set(learningRate, v);
        return self();
    }

    public E setWeightDecay(double v) {
        set(weightDecay, v);
        return self();
    }

    public E setL1(double v) {
        set(l1, v);
        return self();
    }

    public E setL2(double v) {
        set(l2, v);
        return self();
    }

    public E setBatchSize(int v) {
        set(batchSize, v);
        return self();
    }

    public E setEpochs(int v) {
        set(epochs, v);
        return self();
    }

    public E setSeed(long v) {
        set(seed, v);
        return self();
    }

    public E setValidationFraction(double v) {
        set(validationFraction, v);
        return self();
    }

    public E setPatience(int v) {
        set(patience, v);
        return self();
    }

    public E setMinDelta(double v) {
        set(minDelta, v);
        return self();
    }

    public E setScaling(String v) {
        set(scaling, v);
        return self();
    }

    public IntParam localSteps() {
        return localSteps;
    }

    public E setLocalSteps(int v) {
        set(localSteps, v);
        return self();
    }

    public E setAggregationDepth(int v) {
        set(aggregationDepth, v);
        return self();
    }

    // ---- the estimator

    @Override
    public StructType transformSchema(StructType schema) {
        String label = getOrDefault(labelCol);
        if (!List.of(schema.fieldNames()).contains(label)) {
            throw new IllegalArgumentException("no label column '" + label + "' in " + schema.simpleString());
        }
        StructField f = schema.apply(label);
        if (!(f.dataType() instanceof NumericType)) {
            throw new IllegalArgumentException("label column '" + label + "' must be numeric, it is "
                    + f.dataType().simpleString());
        }
        // the columns the fitted model adds (SimdnnModel.transformSchema), so that a pipeline's later
        // stages see them when Pipeline checks the schemas before fitting
        StructType out = schema;
        List<String> names = new java.util.ArrayList<>();
        names.add(getOrDefault(shared.predictionCol));
        if (labels() == TrainingBlock.Labels.CLASS_INDEX) {
            names.add(getOrDefault(shared.rawPredictionCol));
            names.add(getOrDefault(shared.probabilityCol));
        }
        for (int i = 0; i < names.size(); i++) {
            String c = names.get(i);
            if (c.isEmpty()) {
                continue;
            }
            if (List.of(out.fieldNames()).contains(c)) {
                throw new IllegalArgumentException("output column '" + c + "' already exists in " + schema.simpleString()
                        + "; set another name");
            }
            out = out.add(c, i == 0 ? org.apache.spark.sql.types.DataTypes.DoubleType
                    : org.apache.spark.ml.linalg.SQLDataTypes.VectorType(), false);
        }
        return out;
    }

    @Override
    public SimdnnModel fit(Dataset<?> dataset) {
        StructType schema = dataset.schema();
        transformSchema(schema);
        if ((Integer) getOrDefault(patience) > 0 && (Double) getOrDefault(validationFraction) == 0) {
            throw new IllegalArgumentException("patience (early stopping) needs a validationFraction above 0");
        }
        if (!Backends.isKnown(getOrDefault(shared.backend))) {
            throw new IllegalArgumentException("backend '" + getOrDefault(shared.backend) + "' is not available here");
        }
        Kernels kernels = Backends.of(getOrDefault(shared.backend), (Integer) getOrDefault(shared.threads));
        Activation act = Activation.parse(getOrDefault(activation));
        Normalization norm = Normalization.parse(getOrDefault(normalization));
        OptimizerConfig opt = OptimizerConfig.parse(getOrDefault(optimizer));
        if (isSet(learningRate)) {
            opt = opt.withLearningRate((float) (double) (Double) getOrDefault(learningRate));
        }
        opt = opt.withWeightDecay((float) (double) (Double) getOrDefault(weightDecay));
        String featuresName = getOrDefault(shared.featuresCol);
        String[] inputNames = getOrDefault(shared.inputCols);
        int width = featureWidth(dataset, featuresName, inputNames);
        FeatureColumns features = FeatureColumns.resolve(schema, featuresName, inputNames, width);
        String labelName = getOrDefault(labelCol);
        int labelIndex = schema.fieldIndex(labelName);
        TrainingBlock.Labels labelKind = labels();
        double valFraction = (Double) getOrDefault(validationFraction);
        long seedValue = (Long) getOrDefault(seed);

        JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        JavaRDD<Row> rows = dataset.toDF().javaRDD();
        int partitions = rows.getNumPartitions();
        JavaRDD<TrainingBlock> raw = rows.mapPartitionsWithIndex((i, it) -> Collections.singletonList(
                TrainingBlock.read(i, it, features, labelIndex, labelName, labelKind, valFraction, seedValue)).iterator(),
                true).persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<TrainingBlock> blocks = null;
        try {
            // per-partition counts and column sums, collected in partition order: the same sums every run
            List<double[][]> stats = raw.map(b -> b.columnStats(null)).collect();
            List<long[]> counts = raw.map(b -> new long[] {b.rows, b.valRows, (long) b.maxLabel()}).collect();
            long trainRows = 0;
            long valRows = 0;
            long maxLabel = -1;
            for (long[] c : counts) {
                trainRows += c[0];
                valRows += c[1];
                maxLabel = Math.max(maxLabel, c[2]);
            }
            if (trainRows == 0) {
                throw new IllegalArgumentException("no training rows" + (valRows > 0 ? " (all " + valRows
                        + " went to validation)" : ": the data set is empty"));
            }
            if (valFraction > 0 && valRows == 0) {
                throw new IllegalArgumentException("validationFraction " + valFraction + " drew no validation row out of "
                        + trainRows + "; use more data or a larger fraction");
            }
            int classes = labelKind == TrainingBlock.Labels.CLASS_INDEX ? (int) maxLabel + 1 : 0;
            Task task = task(classes);
            Replica.lossFor(getOrDefault(loss), task); // refused here, not on the executors
            Standardizer scaler = fitScaling(getOrDefault(scaling), stats, width, trainRows, raw);
            float[] mean = scaler == null ? null : scaler.mean();
            float[] scale = scaler == null ? null : scaler.scale();
            blocks = scaler == null ? raw : raw.map(b -> b.scaled(mean, scale))
                    .persist(StorageLevel.MEMORY_AND_DISK());
            if (blocks != raw) {
                blocks.count();
                raw.unpersist(false);
            }
            Sequential model = Mlp.builder().input(width).seed(seedValue).kernels(kernels)
                    .hidden(getOrDefault(layers), act, norm, (float) (double) (Double) getOrDefault(dropout))
                    .dense(task.outputsFor(classes)).build();
            if (model.usesBatchStatistics()) {
                throw new IllegalArgumentException("batch normalization is not supported in data-parallel training");
            }
            DataParallelTraining.Settings settings = new DataParallelTraining.Settings((Integer) getOrDefault(epochs),
                    (Integer) getOrDefault(batchSize), seedValue, opt, (float) (double) (Double) getOrDefault(l1),
                    (float) (double) (Double) getOrDefault(l2), getOrDefault(loss), (Integer) getOrDefault(patience),
                    (Double) getOrDefault(minDelta), (Integer) getOrDefault(aggregationDepth),
                    getOrDefault(shared.backend), (Integer) getOrDefault(shared.threads), (Integer) getOrDefault(localSteps));
            DataParallelTraining.Result result = DataParallelTraining.run(sc, blocks, partitions, trainRows,
                    valRows > 0, model, task, settings);
            Map<String, String> meta = new TreeMap<>();
            int ls = (Integer) getOrDefault(localSteps);
            meta.put("trainer", "spark data-parallel (" + partitions + " partitions, " + (ls == 0 ? "synchronous steps"
                    : "model averaging every " + ls + " local steps") + ")");
            meta.put("layers", getOrDefault(layers));
            meta.put("activation", getOrDefault(activation));
            meta.put("optimizer", opt.toString());
            meta.put("loss", getOrDefault(loss).isBlank() ? "default" : getOrDefault(loss));
            meta.put("batch_size", String.valueOf(getOrDefault(batchSize)));
            meta.put("epochs", String.valueOf(result.history().size()));
            meta.put("seed", String.valueOf(seedValue));
            meta.put("train_rows", String.valueOf(trainRows));
            if (result.bestEpoch() > 0) {
                meta.put("best_epoch", String.valueOf(result.bestEpoch()));
            }
            SavedModel saved = new SavedModel(result.model(), task, scaler, labelNames(schema, labelName, classes), meta);
            SimdnnModel m = new SimdnnModel(ModelBytes.of(saved));
            copyValues(m, ParamMap.empty());
            m.setHistory(result.history());
            return m.setParent(this);
        } finally {
            raw.unpersist(false);
            if (blocks != null && blocks != raw) {
                blocks.unpersist(false);
            }
        }
    }

    /** The features per row: the inputCols' count, the vector column's metadata size, or the first row's vector size. */
    private static int featureWidth(Dataset<?> dataset, String featuresCol, String[] inputCols) {
        if (inputCols != null && inputCols.length > 0) {
            return inputCols.length;
        }
        StructType schema = dataset.schema();
        if (!List.of(schema.fieldNames()).contains(featuresCol)) {
            throw new IllegalArgumentException("no features column '" + featuresCol + "' in " + schema.simpleString());
        }
        int size = AttributeGroup.fromStructField(schema.apply(featuresCol)).size();
        if (size > 0) {
            return size;
        }
        List<Row> first = dataset.toDF().select(featuresCol).limit(1).collectAsList();
        if (first.isEmpty()) {
            throw new IllegalArgumentException("no training rows: the data set is empty");
        }
        Object v = first.get(0).get(0);
        if (!(v instanceof Vector vec)) {
            // a null or a wrong type: FeatureColumns names it
            return 1;
        }
        return vec.size();
    }

    /** The scaling fitted on the training rows (Standardizer's formulas), or null for "none". */
    private static Standardizer fitScaling(String kind, List<double[][]> stats, int width, long n, JavaRDD<TrainingBlock> raw) {
        if (kind.equals("none")) {
            return null;
        }
        double[] sum = new double[width];
        double[] min = new double[width];
        double[] max = new double[width];
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (double[][] s : stats) {
            for (int j = 0; j < width; j++) {
                sum[j] += s[0][j];
                min[j] = Math.min(min[j], s[1][j]);
                max[j] = Math.max(max[j], s[2][j]);
            }
        }
        float[] mean = new float[width];
        float[] scale = new float[width];
        if (kind.equals("minmax")) {
            for (int j = 0; j < width; j++) {
                mean[j] = (float) min[j];
                float range = (float) max[j] - (float) min[j];
                scale[j] = range >= Float.MIN_NORMAL ? range : 1f;
            }
            return Standardizer.of(mean, scale);
        }
        for (int j = 0; j < width; j++) {
            mean[j] = (float) (sum[j] / n);
        }
        double[] sq = new double[width];
        for (double[][] s : raw.map(b -> b.columnStats(mean)).collect()) {
            for (int j = 0; j < width; j++) {
                sq[j] += s[0][j];
            }
        }
        for (int j = 0; j < width; j++) {
            double sd = Math.sqrt(sq[j] / n);
            scale[j] = sd > 1e-12 ? (float) sd : 1f;
        }
        return Standardizer.of(mean, scale);
    }

    /** The class names of a label column StringIndexer made (its nominal metadata), else none. */
    private static List<String> labelNames(StructType schema, String label, int classes) {
        try {
            org.apache.spark.ml.attribute.Attribute a = org.apache.spark.ml.attribute.Attribute.fromStructField(schema.apply(label));
            if (a instanceof org.apache.spark.ml.attribute.NominalAttribute nom && nom.values().isDefined()
                    && nom.values().get().length == classes) {
                return List.of(nom.values().get());
            }
        } catch (RuntimeException e) {
            // no usable metadata: the classes stay unnamed
        }
        return List.of();
    }

    @Override
    public MLWriter write() {
        return new DefaultParamsWriter(this);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + uid + ")";
    }
}
