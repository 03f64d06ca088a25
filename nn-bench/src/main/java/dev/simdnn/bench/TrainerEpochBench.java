package dev.simdnn.bench;

import dev.simdnn.data.Dataset;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Momentum;
import dev.simdnn.tensor.Tensor;
import dev.simdnn.train.Trainer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * One epoch of {@code Trainer.fit} on the MLP 784-256-128-10: what {@link TrainStepBench} leaves
 * out — the shuffle, the batch gathering, the per-epoch statistics — on 8192 Fashion-MNIST-shaped
 * rows, batch 128, momentum. The {@code samples} counter is training samples per second, the
 * figure to set beside PyTorch's own training loop.
 *
 * <pre>./simdnn bench TrainerEpochBench -p backend=simd -p threads=1</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class TrainerEpochBench {
    private static final int ROWS = 8192;

    @Param({"simd"})
    public String backend;

    @Param({"1"})
    public int threads;

    private Trainer trainer;
    private Dataset data;

    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Samples {
        public long samples;
    }

    @Setup
    public void setUp() {
        Kernels kernels = BenchEnvironment.kernels(backend, threads);
        Sequential model = MlpWorkload.model(kernels);
        float[] labels = MlpWorkload.labels(ROWS, 3).toArray();
        int[] y = new int[ROWS];
        for (int i = 0; i < ROWS; i++) {
            y[i] = (int) labels[i];
        }
        float[][] x = new float[ROWS][];
        Tensor inputs = MlpWorkload.inputs(ROWS, 2);
        for (int r = 0; r < ROWS; r++) {
            x[r] = inputs.row(r);
        }
        data = Dataset.classification(x, y, MlpWorkload.CLASSES);
        trainer = Trainer.builder(model, new SoftmaxCrossEntropy(), new Momentum(model.parameters(), 0.01f, 0.9f))
                .epochs(1).batchSize(128).seed(7).build();
        System.out.println("# " + BenchEnvironment.describe());
    }

    @Benchmark
    public float epoch(Samples s) {
        float loss = trainer.fit(data).get(0).loss();
        s.samples += ROWS;
        return loss;
    }
}
