package dev.simdnn.bench;

import dev.simdnn.kernel.Activation;
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
 * Activation forward and the fused backward (derivative, product with the upstream gradient and
 * the bias-gradient column sum) on a {@code 128 × 256} batch, the MLP's first hidden layer. The
 * {@code elements} counter reports elements per second.
 *
 * <pre>./simdnn bench ActivationBench -p backend=simd,scalar</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class ActivationBench {
    private static final int ROWS = 128;
    private static final int COLS = 256;

    @Param({"relu", "sigmoid", "tanh", "gelu", "swish", "elu", "softplus"})
    public String activation;

    @Param({"simd", "scalar"})
    public String backend;

    private Kernels kernels;
    private Activation act;
    private float[] z, y, dy, dz, dbias;

    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Elements {
        public long elements;
    }

    @Setup
    public void setUp() {
        kernels = BenchEnvironment.kernels(backend, 1);
        act = Activation.parse(activation);
        SplittableRandom rng = new SplittableRandom(3);
        z = new float[ROWS * COLS];
        dy = new float[ROWS * COLS];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) rng.nextDouble(-6, 6);
            dy[i] = (float) rng.nextDouble(-1, 1);
        }
        y = new float[z.length];
        dz = new float[z.length];
        dbias = new float[COLS];
        System.out.println("# " + BenchEnvironment.describe());
    }

    @Benchmark
    public float forward(Elements counter) {
        kernels.activations().activationForward(act, z.length, z, 0, y, 0);
        counter.elements += z.length;
        return y[0];
    }

    @Benchmark
    public float backward(Elements counter) {
        kernels.activations().activationBackward(act, ROWS, COLS, z, 0, y, 0, dy, 0, dz, 0, dbias, 0);
        counter.elements += z.length;
        return dz[0];
    }
}
