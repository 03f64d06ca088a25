package dev.simdnn.spark;

import dev.simdnn.data.BundledData;
import dev.simdnn.data.Dataset;
import dev.simdnn.kernel.Activation;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.loss.Loss;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.loss.Task;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.OptimizerConfig;
import dev.simdnn.tensor.Tensor;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gradient a synchronous step aggregates over 1, 2 and 3 partitions against the
 * single-machine full-batch gradient of the same model and rows.
 *
 * <p>The bound. Both are float evaluations of {@code g_j = (1/N) Σ_r t_rj}, the mean of the N
 * rows' gradients. They differ in (a) how the N terms are summed: one GEMM over N rows, or one
 * per partition, each multiplied by its rows, then {@code ⌈log2 P⌉} tree additions and a division
 * — each ordering's error is at most {@code (N + ⌈log2 P⌉ + 2)·u·Σ_r|t_rj|} (Higham's bound for
 * recursive summation, u = 2⁻²⁴); and (b) the terms themselves, computed in batches of other
 * sizes, whose GEMM paths may sum a row's dot products in another order: at most
 * {@code c·u·|t_rj|} per term to first order, c the dot lengths along the chain (64 + 16 + 10
 * here). So {@code |Δ_j| ≤ 2·(N + ⌈log2 P⌉ + 2 + c)·u·A_j} with {@code A_j = (1/N) Σ_r |t_rj|},
 * which the test computes from per-row gradients. The check is shown to discriminate: dropping
 * one row of the 1,797 breaks the bound.
 */
class DataParallelGradientTest {
    private static final double U = Math.ulp(1f) / 2;
    private static Dataset data;
    private static Sequential model;
    private static float[] single;
    private static double[] meanAbs;

    @BeforeAll
    static void singleMachine() {
        Dataset digits = BundledData.digits();
        Tensor x = digits.features().copy();
        for (int i = 0; i < x.size(); i++) {
            x.setFlat(i, x.getFlat(i) / 16f);
        }
        data = digits.withFeatures(x);
        model = Mlp.builder().input(64).seed(11).dense(16, Activation.TANH).dense(10).build();
        single = gradient(model, data.features(), data.targets());
        // A_j from each row's own gradient
        meanAbs = new double[single.length];
        for (int r = 0; r < data.size(); r++) {
            float[] t = gradient(model, data.features().rows(r, r + 1), data.targets().rows(r, r + 1));
            for (int j = 0; j < t.length; j++) {
                meanAbs[j] += Math.abs(t[j]) / data.size();
            }
        }
    }

    /** The model's mean gradient over the rows, flat in parameter order, computed on one machine. */
    private static float[] gradient(Sequential m, Tensor x, Tensor y) {
        Loss loss = new SoftmaxCrossEntropy();
        for (Parameter p : m.parameters()) {
            p.zeroGrad();
        }
        loss.forward(m.kernels(), m.forward(m.kernels(), x, Mode.TRAINING), y);
        m.backward(m.kernels(), loss.backward(), false);
        int total = 0;
        for (Parameter p : m.parameters()) {
            total += p.size();
        }
        float[] g = new float[total];
        int off = 0;
        for (Parameter p : m.parameters()) {
            System.arraycopy(p.grad().data(), p.grad().offset(), g, off, p.size());
            off += p.size();
        }
        return g;
    }

    private static float[] distributed(Dataset d, int partitions) {
        return distributed(d, partitions, 2);
    }

    private static float[] distributed(Dataset d, int partitions, int depth) {
        org.apache.spark.sql.Dataset<Row> frame = LocalSpark.frame(d, partitions);
        FeatureColumns cols = FeatureColumns.resolve(frame.schema(), "features", null, 64);
        int label = frame.schema().fieldIndex("label");
        JavaRDD<TrainingBlock> blocks = frame.javaRDD().mapPartitionsWithIndex((i, it) -> Collections.singletonList(
                TrainingBlock.read(i, it, cols, label, "label", TrainingBlock.Labels.CLASS_INDEX, 0, 1)).iterator(), true)
                .cache();
        DataParallelTraining.Settings s = new DataParallelTraining.Settings(1, d.size(), 1, OptimizerConfig.of("sgd"),
                0, 0, "", 0, 0, depth, "best", 1);
        float[] g = DataParallelTraining.fullBatchGradient(JavaSparkContext.fromSparkContext(
                LocalSpark.session().sparkContext()), blocks, partitions, model, Task.MULTICLASS, s);
        blocks.unpersist(false);
        return g;
    }

    /** The largest |Δ_j| / bound_j over the components. */
    private static double worst(float[] g, int partitions) {
        int log2 = 32 - Integer.numberOfLeadingZeros(partitions - 1);
        double c = 64 + 16 + 10;
        double worst = 0;
        for (int j = 0; j < g.length; j++) {
            double bound = 2 * (data.size() + log2 + 2 + c) * U * meanAbs[j];
            double diff = Math.abs((double) g[j] - single[j]);
            worst = Math.max(worst, bound == 0 ? (diff == 0 ? 0 : Double.POSITIVE_INFINITY) : diff / bound);
        }
        return worst;
    }

    @Test
    void oneTwoAndThreePartitionsGiveTheFullBatchGradient() {
        for (int p = 1; p <= 3; p++) {
            float[] g = distributed(data, p);
            assertEquals(single.length, g.length);
            double w = worst(g, p);
            System.out.printf("%d partitions: largest |Δ| / bound = %.3g%n", p, w);
            assertTrue(w <= 1, p + " partitions: a component is " + w + " times its bound");
        }
    }

    @Test
    void theBoundDiscriminates() {
        int[] rest = new int[data.size() - 1];
        for (int i = 0; i < rest.length; i++) {
            rest[i] = i + 1;
        }
        double w = worst(distributed(data.subset(rest), 2), 2);
        assertTrue(w > 1, "without row 0 the gradient still met the bound (" + w + ")");
    }

    @Test
    void theAggregationTreesDepthDoesNotChangeTheBits() {
        // 13 partitions: depth 2 merges groups of 4 on the executors first
        float[] one = distributed(data, 13, 1);
        float[] two = distributed(data, 13, 2);
        assertEquals(0, java.util.Arrays.compare(one, two));
        assertTrue(worst(two, 13) <= 1);
    }

    @Test
    void theSameRunTwiceGivesTheSameBits() {
        float[] a = distributed(data, 3);
        float[] b = distributed(data, 3);
        assertEquals(0, java.util.Arrays.compare(a, b));
    }
}
