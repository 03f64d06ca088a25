package dev.simdnn.spark;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.data.BundledData;
import dev.simdnn.data.Dataset;
import dev.simdnn.data.IdxLoader;
import dev.simdnn.data.Split;
import dev.simdnn.data.Standardizer;
import dev.simdnn.io.SavedModel;
import dev.simdnn.kernel.Activation;
import dev.simdnn.loss.Task;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.predict.Predictor;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A bounded benchmark of nn-spark in local mode ({@code local[2]}), run by
 * {@code nn-spark/scripts/spark-bench.sh}, not by the test suite:
 * <ol>
 *   <li><b>scoring</b>: rows/s of {@link SimdnnModel#transform} over a cached DataFrame (the
 *       output consumed by a sum), against the same rows through the library's
 *       {@code Predictor} in this JVM on 1 and 2 GEMM threads — the overhead of Spark;</li>
 *   <li><b>training</b>: wall time to a target test accuracy, {@link SimdnnClassifier} (ReLU
 *       hidden layer, Adam, mini-batches) against MLlib's {@link MultilayerPerceptronClassifier}
 *       (sigmoid hidden layer, L-BFGS, full batch; a {@code StandardScaler} in front, as ours
 *       standardises its inputs) with the same layer sizes on the same partitions: each is refitted with more epochs (25, 50, 100, … iterations) until it reaches the target.</li>
 * </ol>
 * Medians of {@code repeats} runs; every figure comes from this one JVM.
 */
public final class SparkBench {
    /**
     * Untimed runs before each measurement. Many: in a JVM that also runs Spark, the JIT's queue
     * is long (Spark's own classes), and our loops reach C2 seconds later than in a bare JVM.
     */
    private static final int WARMUP = 8;
    private SparkBench() {
    }

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "all";
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        System.out.println("# nn-spark bench: " + KernelsProvider.bestReason() + "; Spark "
                + LocalSpark.session().version() + ", local[2]; Java " + Runtime.version() + "; "
                + Runtime.getRuntime().availableProcessors() + " cores");
        boolean fm = Files.isRegularFile(FashionMnistSparkTest.DIR.resolve("train-images-idx3-ubyte.gz"));
        Split fashion = fm ? IdxLoader.fashionMnist(FashionMnistSparkTest.DIR) : null;
        if (what.equals("all") || what.equals("score")) {
            Dataset rows = fm ? fashion.train() : BundledData.digits();
            scoring(rows, fm ? "Fashion-MNIST train" : "digits", repeats);
        }
        if (what.equals("all") || what.equals("train")) {
            Split digits = Split.stratified(BundledData.digits(), 0.2, 7);
            training("digits", digits, "64", 0.96, 64, 3e-3);
            if (fm) {
                training("Fashion-MNIST", fashion, "128", 0.85, 128, 1e-3);
            } else {
                System.out.println("Fashion-MNIST is not installed (apt-get install -y dataset-fashion-mnist): skipped");
            }
        }
        LocalSpark.session().stop();
    }

    private static void scoring(Dataset data, String name, int repeats) {
        int in = data.featureCount();
        Sequential net = Mlp.builder().input(in).seed(1).dense(128, Activation.RELU).dense(10).build();
        SavedModel saved = new SavedModel(net, Task.MULTICLASS, Standardizer.fit(data.features()), List.of(), Map.of());
        org.apache.spark.sql.Dataset<Row> frame = Frames.of("bench-score", data, 2).persist(StorageLevel.MEMORY_ONLY());
        frame.count();
        // a warm-up of every path measured below, 20 s at least: with Spark in the JVM, C2 reaches our
        // loops late (8 untimed runs of one measurement were not enough for the first one measured)
        SimdnnModel warm = new SimdnnModel(saved);
        long until = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < until) {
            for (int threads = 1; threads <= 2; threads++) {
                saved.model().useKernels(KernelsProvider.best(threads));
                saved.predictor().classes(data.features());
            }
            warm.transform(frame).agg(functions.sum("prediction")).first();
        }
        // the same rows in this JVM: the predictor (scaling included) on 1 and 2 GEMM threads, and the
        // nearest thing to what Spark runs without Spark: 2 Java threads, each predicting half the
        // (pre-scaled) rows with Sequential.predict on a 1-thread backend
        double[][] local = new double[3][repeats];
        for (int threads = 2; threads >= 1; threads--) { // 2 first: the first measured also warms the JIT up
            SavedModel onThreads = new SavedModel(saved.model().useKernels(KernelsProvider.best(threads)), saved.task(),
                    saved.scaling(), List.of(), Map.of());
            Predictor p = onThreads.predictor();
            for (int i = -WARMUP; i < repeats; i++) {
                long t0 = System.nanoTime();
                int[] c = p.classes(data.features());
                double s = (System.nanoTime() - t0) / 1e9;
                if (i >= 0) {
                    local[threads - 1][i] = data.size() / s;
                }
                if (c.length != data.size()) {
                    throw new IllegalStateException();
                }
            }
        }
        // where the predictor's time goes, in this JVM: the scaling (a new tensor) and the prediction
        double[] scaleMs = new double[repeats];
        double[] predictMs = new double[repeats];
        for (int i = -WARMUP; i < repeats; i++) {
            long t0 = System.nanoTime();
            dev.simdnn.tensor.Tensor xs = saved.scaling().transform(data.features());
            long t1 = System.nanoTime();
            saved.model().predict(xs);
            long t2 = System.nanoTime();
            if (i >= 0) {
                scaleMs[i] = (t1 - t0) / 1e6;
                predictMs[i] = (t2 - t1) / 1e6;
            }
        }
        System.out.printf(Locale.ROOT, "  in this JVM: Standardizer.transform of %d rows %s ms, Sequential.predict of them "
                + "%s ms (%s)%n", data.size(), med(scaleMs), med(predictMs), saved.model().kernels());
        Sequential one = saved.model().useKernels(KernelsProvider.best(1));
        dev.simdnn.tensor.Tensor scaled = saved.scaling().transform(data.features());
        int half = data.size() / 2;
        for (int i = -WARMUP; i < repeats; i++) {
            long t0 = System.nanoTime();
            Thread other = new Thread(() -> one.predict(scaled.rows(half, data.size())));
            other.start();
            one.predict(scaled.rows(0, half));
            try {
                other.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (i >= 0) {
                local[2][i] = data.size() / s;
            }
        }
        SimdnnModel model = new SimdnnModel(saved);
        double[] spark = new double[repeats];
        for (int i = -WARMUP; i < repeats; i++) {
            long t0 = System.nanoTime();
            Row sum = model.transform(frame).agg(functions.sum("prediction")).first();
            double s = (System.nanoTime() - t0) / 1e9;
            if (i >= 0) {
                spark[i] = data.size() / s;
            }
            if (sum.isNullAt(0)) {
                throw new IllegalStateException("no rows scored");
            }
        }
        frame.unpersist();
        System.out.printf(Locale.ROOT, "scoring %s (%d rows, %d-128-10), rows/s, median (min-max) of %d: "
                        + "SimdnnModel.transform local[2] %s; Predictor.classes in one JVM on 1 GEMM thread %s, on 2 %s; "
                        + "2 threads x Sequential.predict of pre-scaled halves %s; Spark / (2 x predict) = %.2f%n",
                name, data.size(), in, repeats, med(spark), med(local[0]), med(local[1]), med(local[2]),
                median(spark) / median(local[2]));
    }

    private static void training(String name, Split split, String hidden, double target, int batch, double lr) {
        org.apache.spark.sql.Dataset<Row> train = Frames.of(name + "-train", split.train(), 2)
                .persist(StorageLevel.MEMORY_ONLY());
        org.apache.spark.sql.Dataset<Row> test = Frames.of(name + "-test", split.test(), 2)
                .persist(StorageLevel.MEMORY_ONLY());
        train.count();
        test.count();
        int in = split.train().featureCount();
        int width = Integer.parseInt(hidden);
        // ours: refit with 1, 2, 3, … epochs until the target; synchronous steps, then model averaging
        String ours = "not reached";
        String averaged = "not reached";
        for (int local : new int[] {0, 8}) {
            for (int epochs = 1; epochs <= 12; epochs++) {
                long t0 = System.nanoTime();
                SimdnnModel m = new SimdnnClassifier().setLayers(hidden).setEpochs(epochs).setBatchSize(batch)
                        .setLearningRate(lr).setSeed(1).setLocalSteps(local).fit(train);
                double s = (System.nanoTime() - t0) / 1e9;
                double acc = SimdnnClassifierTest.accuracy(m, test);
                System.out.printf(Locale.ROOT, "  simdnn %s%s: %d epochs (%d rounds), %.2f s, test accuracy %.4f%n", name,
                        local == 0 ? "" : ", averaging every " + local + " local steps", epochs,
                        m.history().stream().mapToInt(EpochSummary::steps).sum(), s, acc);
                if (acc >= target) {
                    String r = String.format(Locale.ROOT, "%.2f s (%d epochs, %d rounds, accuracy %.4f)", s, epochs,
                            m.history().stream().mapToInt(EpochSummary::steps).sum(), acc);
                    if (local == 0) {
                        ours = r;
                    } else {
                        averaged = r;
                    }
                    break;
                }
            }
        }
        // MLlib: refit with 25, 50, 100, … L-BFGS iterations until the target
        String mllib = "not reached";
        for (int iters = 25; iters <= 400; iters *= 2) {
            long t0 = System.nanoTime();
            // with a StandardScaler in front, as ours scales its inputs (MLlib's MLP does not)
            PipelineModel m = new Pipeline().setStages(new PipelineStage[] {
                    new StandardScaler().setInputCol("features").setOutputCol("scaled").setWithMean(true).setWithStd(true),
                    new MultilayerPerceptronClassifier().setFeaturesCol("scaled").setLayers(new int[] {in, width, 10})
                            .setMaxIter(iters).setSeed(1).setTol(0)}).fit(train);
            double s = (System.nanoTime() - t0) / 1e9;
            List<Row> rows = m.transform(test).select("label", "prediction").collectAsList();
            double acc = rows.stream().filter(r -> r.getDouble(0) == r.getDouble(1)).count() / (double) rows.size();
            System.out.printf(Locale.ROOT, "  MLlib StandardScaler + MultilayerPerceptronClassifier %s: %d iterations, %.2f s, test "
                    + "accuracy %.4f%n", name, iters, s, acc);
            if (acc >= target) {
                mllib = String.format(Locale.ROOT, "%.2f s (%d iterations, accuracy %.4f)", s, iters, acc);
                break;
            }
        }
        train.unpersist();
        test.unpersist();
        System.out.printf(Locale.ROOT, "training %s to %.0f%% test accuracy, %d-%d-10, 2 partitions: simdnn synchronous %s; "
                + "simdnn model averaging (8 local steps) %s; MLlib %s%n", name, target * 100, in, width, ours, averaged, mllib);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** The median with the spread of the runs: {@code median (min–max)}. */
    private static String med(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, median(v) < 1000 ? "%.1f (%.1f–%.1f)" : "%.0f (%.0f–%.0f)", median(v), s[0],
                s[s.length - 1]);
    }
}
