package dev.simdnn.bench;

import dev.simdnn.kernel.Kernels;
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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Softmax cross-entropy with its gradient on a batch of 128 rows: 10 classes (the MLP's output,
 * rows narrower than a vector) and 100 (wider than one). The {@code rows} counter reports rows per
 * second.
 *
 * <pre>./simdnn bench LossBench -p backend=simd,scalar</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class LossBench {
    private static final int ROWS = 128;

    @Param({"10", "100"})
    public int classes;

    @Param({"0", "0.1"})
    public float labelSmoothing;

    @Param({"simd", "scalar"})
    public String backend;

    private Kernels kernels;
    private float[] logits, labels, grad;

    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Rows {
        public long rows;
    }

    @Setup
    public void setUp() {
        kernels = BenchEnvironment.kernels(backend, 1);
        SplittableRandom rng = new SplittableRandom(3);
        logits = new float[ROWS * classes];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) rng.nextDouble(-8, 8);
        }
        labels = new float[ROWS];
        for (int r = 0; r < ROWS; r++) {
            labels[r] = rng.nextInt(classes);
        }
        grad = new float[logits.length];
        System.out.println("# " + BenchEnvironment.describe());
    }

    @Benchmark
    public float softmaxCrossEntropy(Rows counter) {
        float loss = kernels.losses().softmaxCrossEntropy(ROWS, classes, labelSmoothing, logits, 0, labels, 0, grad, 0);
        counter.rows += ROWS;
        return loss;
    }
}
