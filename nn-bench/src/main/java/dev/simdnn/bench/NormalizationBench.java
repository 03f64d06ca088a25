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

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The kernels of the layers beyond Dense on a {@code 128 × width} batch: batch and layer
 * normalisation (forward in training mode, backward with the input gradient), PReLU forward and
 * backward, and maxout (3 pieces) forward and backward. The {@code elements} counter reports
 * elements of the batch per second, so scalar and SIMD compare directly.
 *
 * <pre>./simdnn bench NormalizationBench -p backend=simd,scalar -p width=256</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class NormalizationBench {
    private static final int ROWS = 128;
    private static final float EPS = 1e-5f;

    @Param({"64", "256", "1024"})
    public int width;

    @Param({"simd", "scalar"})
    public String backend;

    private Kernels kernels;
    private float[] x, y, xhat, dy, dx, z3, dz3;
    private float[] gamma, beta, colA, colB, colC, colD, rowA, rowB;

    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Elements {
        public long elements;
    }

    @Setup
    public void setUp() {
        kernels = BenchEnvironment.kernels(backend, 1);
        SplittableRandom rng = new SplittableRandom(5);
        int n = ROWS * width;
        x = new float[n];
        dy = new float[n];
        z3 = new float[3 * n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextGaussian();
            dy[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < z3.length; i++) {
            z3[i] = (float) rng.nextGaussian();
        }
        y = new float[n];
        xhat = new float[n];
        dx = new float[n];
        dz3 = new float[3 * n];
        gamma = new float[width];
        beta = new float[width];
        Arrays.fill(gamma, 1f);
        Arrays.fill(beta, 0.25f);
        colA = new float[width];
        colB = new float[width];
        colC = new float[width];
        colD = new float[width];
        rowA = new float[ROWS];
        rowB = new float[ROWS];
        System.out.println("# " + BenchEnvironment.describe());
    }

    @Benchmark
    public float batchNormForwardBackward(Elements counter) {
        kernels.norms().batchNormForward(ROWS, width, EPS, x, 0, gamma, 0, beta, 0, colA, 0, colB, 0, xhat, 0, y, 0);
        kernels.norms().batchNormBackward(ROWS, width, EPS, dy, 0, xhat, 0, gamma, 0, colB, 0, colC, 0, colD, 0, dx, 0);
        counter.elements += (long) ROWS * width;
        return dx[0];
    }

    @Benchmark
    public float layerNormForwardBackward(Elements counter) {
        kernels.norms().layerNormForward(ROWS, width, EPS, x, 0, gamma, 0, beta, 0, rowA, 0, rowB, 0, xhat, 0, y, 0);
        kernels.norms().layerNormBackward(ROWS, width, EPS, dy, 0, xhat, 0, gamma, 0, rowB, 0, colC, 0, colD, 0, dx, 0);
        counter.elements += (long) ROWS * width;
        return dx[0];
    }

    @Benchmark
    public float preluForwardBackward(Elements counter) {
        kernels.activations().preluForward(ROWS, width, x, 0, beta, 0, y, 0);
        kernels.activations().preluBackward(ROWS, width, x, 0, beta, 0, dy, 0, dx, 0, colC, 0);
        counter.elements += (long) ROWS * width;
        return dx[0];
    }

    @Benchmark
    public float maxoutForwardBackward(Elements counter) {
        kernels.activations().maxoutForward(ROWS, width, 3, z3, 0, y, 0);
        kernels.activations().maxoutBackward(ROWS, width, 3, z3, 0, dy, 0, dz3, 0);
        counter.elements += (long) ROWS * width;
        return dz3[0];
    }
}
