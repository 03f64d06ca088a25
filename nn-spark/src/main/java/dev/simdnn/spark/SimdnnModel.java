package dev.simdnn.spark;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.io.SavedModel;
import dev.simdnn.loss.Task;
import dev.simdnn.nn.Sequential;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A simdnn model as a Spark ML {@link Model}: {@link #transform} adds prediction columns to a
 * DataFrame whose features are a {@code Vector} column ({@code featuresCol}) or numeric columns
 * ({@code inputCols}).
 *
 * <ul>
 *   <li>{@code predictionCol}: the class index (the largest logit; for one logit, whether it is
 *       positive), or the regression value — a {@code Vector} when the model has several outputs;</li>
 *   <li>{@code probabilityCol}, {@code rawPredictionCol} (classifiers): the softmax and the
 *       logits; for a model of one logit {@code z}, MLlib's binary form {@code [1 - p, p]} and
 *       {@code [-z, z]}. An empty column name leaves that column out.</li>
 * </ul>
 * The values are those of {@link SavedModel#predictor()} on the same rows, bit for bit: the same
 * scaling, network and rule, on the same backend.
 *
 * <p>How it runs: the model travels as its model file's bytes in a broadcast variable; each
 * executor JVM rebuilds it once and caches it; each task scores its partition {@code scoringBatchSize}
 * rows at a time through an inference session of its own. A bad row (null, a vector of the wrong
 * size, NaN or infinity) fails the job with a message naming the column and the row.
 *
 * <p>Persistence ({@link #write()}, {@link #read()}): Spark ML's metadata plus
 * {@code <path>/model.simdnn}, the model file itself ({@code simdnn info} opens it).
 */
public final class SimdnnModel extends Model<SimdnnModel> implements MLWritable {
    private static final long serialVersionUID = 1L;
    /** The model file inside a saved stage's directory. */
    public static final String FILE = "model.simdnn";

    private final String uid;
    private final byte[] file;
    private final String digest;
    private final int inputs;
    private final int outputs;
    private final Task task;
    private final SharedParams shared;
    private transient SavedModel local;
    private transient Broadcast<byte[]> broadcast;
    private transient SparkContext broadcastContext;
    private transient List<EpochSummary> history = List.of();

    /** The model of a model file's bytes (as {@code ModelFile.save} writes them), with a new uid. */
    public SimdnnModel(byte[] modelFile) {
        this(Identifiable$.MODULE$.randomUID("simdnn"), modelFile);
    }

    /** The model of a saved model, with a new uid. */
    public SimdnnModel(SavedModel saved) {
        this(ModelBytes.of(saved));
    }

    /**
     * The model of a model file's bytes, with {@code uid}.
     *
     * @throws IllegalArgumentException if the bytes are not a valid model file (the reason named)
     */
    public SimdnnModel(String uid, byte[] modelFile) {
        this.uid = Objects.requireNonNull(uid, "uid");
        this.file = modelFile.clone();
        this.digest = ModelBytes.digest(file);
        this.local = ModelBytes.load(file, KernelsProvider.best()); // validates before anything is sent
        this.inputs = local.model().inputFeatures();
        this.outputs = local.model().outputFeatures();
        this.task = local.task();
        this.shared = new SharedParams(this, Sequential.PREDICT_CHUNK_ROWS, "rows per inference call on a task (the default is the chunk Sequential.predict uses, so that a partition is scored as predict scores its rows)");
        shared.setDefaults(new SharedParams.SetDefault() {
            @Override
            public <T> void setDefaultValue(Param<T> p, T value) {
                setDefault(p, value);
            }
        });
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The model file's bytes (a copy): what {@code ModelFile.save} wrote. */
    public byte[] modelFile() {
        return file.clone();
    }

    /** The model, bound to this JVM's best backend (validated; shared, do not train it). */
    public SavedModel savedModel() {
        if (local == null) {
            local = ModelBytes.load(file, KernelsProvider.best());
        }
        return local;
    }

    /** Input features per row. */
    public int numFeatures() {
        return inputs;
    }

    /** What the outputs mean: classes (multi-class, binary) or regression values. */
    public Task task() {
        return task;
    }

    /** Classes of a classifier (2 for one logit), 0 for a regression model. */
    public int numClasses() {
        return switch (task) {
            case MULTICLASS -> outputs;
            case BINARY -> outputs == 1 ? 2 : 0;
            case REGRESSION -> 0;
        };
    }

    /** The epochs of the training that made this model (empty for a model loaded or made from a file). */
    public List<EpochSummary> history() {
        return history == null ? List.of() : history;
    }

    void setHistory(List<EpochSummary> h) {
        history = List.copyOf(h);
    }

    // ---- params

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

    public SimdnnModel setFeaturesCol(String v) {
        set(shared.featuresCol, v);
        return this;
    }

    public SimdnnModel setInputCols(String[] v) {
        set(shared.inputCols, v);
        return this;
    }

    public SimdnnModel setPredictionCol(String v) {
        set(shared.predictionCol, v);
        return this;
    }

    public SimdnnModel setProbabilityCol(String v) {
        set(shared.probabilityCol, v);
        return this;
    }

    public SimdnnModel setRawPredictionCol(String v) {
        set(shared.rawPredictionCol, v);
        return this;
    }

    public SimdnnModel setScoringBatchSize(int v) {
        set(shared.scoringBatchSize, v);
        return this;
    }

    public SimdnnModel setBackend(String v) {
        set(shared.backend, v);
        return this;
    }

    public SimdnnModel setThreads(int v) {
        set(shared.threads, v);
        return this;
    }

    // ---- the transformer

    /** The output columns this model writes, in order: prediction, raw prediction, probability (the non-empty ones). */
    private List<StructField> outputFields() {
        List<StructField> f = new ArrayList<>();
        String pred = getOrDefault(shared.predictionCol);
        if (!pred.isEmpty()) {
            f.add(DataTypes.createStructField(pred, task == Task.REGRESSION && outputs > 1 ? SQLDataTypes.VectorType()
                    : DataTypes.DoubleType, false));
        }
        if (task.isClassification()) {
            for (String c : new String[] {getOrDefault(shared.rawPredictionCol), getOrDefault(shared.probabilityCol)}) {
                if (!c.isEmpty()) {
                    f.add(DataTypes.createStructField(c, SQLDataTypes.VectorType(), false));
                }
            }
        }
        return f;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        FeatureColumns.resolve(schema, getOrDefault(shared.featuresCol), getOrDefault(shared.inputCols), inputs);
        StructType out = schema;
        for (StructField f : outputFields()) {
            if (List.of(out.fieldNames()).contains(f.name())) {
                throw new IllegalArgumentException("output column '" + f.name() + "' already exists in "
                        + schema.simpleString() + "; set another name");
            }
            out = out.add(f);
        }
        return out;
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = dataset.schema();
        StructType out = transformSchema(schema);
        FeatureColumns cols = FeatureColumns.resolve(schema, getOrDefault(shared.featuresCol),
                getOrDefault(shared.inputCols), inputs);
        String backendName = getOrDefault(shared.backend);
        if (!Backends.isKnown(backendName)) {
            throw new IllegalArgumentException("backend '" + backendName + "' is not available here; known: "
                    + KernelsProvider.names());
        }
        String pred = getOrDefault(shared.predictionCol);
        boolean classifier = task.isClassification();
        ScoreRows f = new ScoreRows(broadcast(dataset.sparkSession()), digest, cols, backendName,
                (Integer) getOrDefault(shared.threads), (Integer) getOrDefault(shared.scoringBatchSize), !pred.isEmpty(),
                classifier && !getOrDefault(shared.rawPredictionCol).isEmpty(),
                classifier && !getOrDefault(shared.probabilityCol).isEmpty());
        return dataset.toDF().mapPartitions(f, Encoders.row(out));
    }

    /** The model file's broadcast in {@code spark}'s context: one per model instance and context. */
    private synchronized Broadcast<byte[]> broadcast(SparkSession spark) {
        SparkContext sc = spark.sparkContext();
        if (broadcast == null || !broadcast.isValid() || broadcastContext != sc) {
            broadcast = JavaSparkContext.fromSparkContext(sc).broadcast(file);
            broadcastContext = sc;
        }
        return broadcast;
    }

    @Override
    public SimdnnModel copy(ParamMap extra) {
        SimdnnModel m = new SimdnnModel(uid, file);
        copyValues(m, extra);
        m.history = history();
        return m.setParent(parent());
    }

    @Override
    public String toString() {
        return "SimdnnModel(" + uid + ": " + task.id() + ", " + inputs + " inputs, " + outputs + " outputs)";
    }

    // ---- persistence

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /** The reader of a saved {@code SimdnnModel} (what {@code Pipeline} loading calls by reflection). */
    public static MLReader<SimdnnModel> read() {
        return new Reader();
    }

    /** Loads a model saved with {@code write().save(path)}. */
    public static SimdnnModel load(String path) {
        return read().load(path);
    }

    private static final class Writer extends MLWriter {
        private final SimdnnModel model;

        Writer(SimdnnModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(model, path, sparkSession());
            writeAtomically(new Path(path, FILE), model.file, sparkSession());
        }
    }

    private static final class Reader extends MLReader<SimdnnModel> {
        @Override
        public SimdnnModel load(String path) {
            DefaultParamsReader.Metadata meta = DefaultParamsReader.loadMetadata(path, sparkSession(),
                    SimdnnModel.class.getName());
            Path p = new Path(path, FILE);
            byte[] bytes;
            try {
                FileSystem fs = p.getFileSystem(sparkSession().sparkContext().hadoopConfiguration());
                long len = fs.getFileStatus(p).getLen();
                if (len > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException(p + ": a model file of " + len + " bytes is larger than supported");
                }
                bytes = new byte[(int) len];
                try (FSDataInputStream in = fs.open(p)) {
                    in.readFully(bytes);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
            }
            SimdnnModel m;
            try {
                m = new SimdnnModel(meta.uid(), bytes);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(p + ": " + e.getMessage(), e);
            }
            meta.getAndSetParams(m, Option.empty());
            return m;
        }
    }

    /** Writes {@code bytes} to {@code target} through a temporary file and a rename: never half a file. */
    static void writeAtomically(Path target, byte[] bytes, SparkSession spark) {
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp");
        try {
            FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
            try (FSDataOutputStream o = fs.create(tmp, true)) {
                o.write(bytes);
            }
            if (fs.exists(target) && !fs.delete(target, false) || !fs.rename(tmp, target)) {
                throw new IOException("could not rename " + tmp + " to " + target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** The bytes of a model file on the local disk, for {@link #SimdnnModel(byte[])}. */
    public static SimdnnModel of(java.nio.file.Path modelFile) throws IOException {
        return new SimdnnModel(Files.readAllBytes(modelFile));
    }
}
