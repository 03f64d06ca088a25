package dev.simdnn.bench;

import dev.simdnn.kernel.Kernels;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * SGEMM through the public {@link Kernels#gemm} entry point (what layers call), against EJML's
 * {@code CommonOps_FDRM} on the same data. The {@code flops} counter (2·m·n·k per call) turns into
 * FLOP/s in JMH's output: divide by 1e9 for GFLOP/s.
 *
 * <p>{@code shape} is {@code m x n x k} with the transposition case: {@code NN}, {@code NT}
 * (forward: x·Wᵀ), {@code TN} (weight gradient: dYᵀ·x). The MLP 784-256-128-10 at batch 128 and 256
 * gives the {@code mlp…} shapes; the square ones are {@code n x n x n}, NN.
 *
 * <pre>./simdnn bench GemmBench -p backend=simd,ejml -p threads=1 -p shape=512x512x512:NN</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
@State(Scope.Thread)
public class GemmBench {

    @Param({"64x64x64:NN", "128x128x128:NN", "256x256x256:NN", "512x512x512:NN", "1024x1024x1024:NN",
            "2048x2048x2048:NN",
            // MLP 784-256-128-10, batch 128: forward (NT), weight gradients (TN), input gradients (NN)
            "128x256x784:NT", "128x128x256:NT", "128x10x128:NT",
            "256x784x128:TN", "128x256x128:TN", "10x128x128:TN",
            "128x256x128:NN", "128x128x10:NN",
            // batch 256
            "256x256x784:NT", "256x10x128:NT", "256x784x256:TN", "256x128x10:NN"})
    public String shape;

    @Param({"simd", "scalar", "ejml"})
    public String backend;

    @Param({"1", "2"})
    public int threads;

    private int m, n, k;
    private boolean transA, transB;
    private float[] a, b, c;
    private Kernels kernels;
    private FMatrixRMaj ea, eb, ec;

    /** FLOPs done, reported by JMH as a rate. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Flops {
        public long flops;
    }

    @Setup(Level.Trial)
    public void setUp() {
        String[] parts = shape.split("[x:]");
        m = Integer.parseInt(parts[0]);
        n = Integer.parseInt(parts[1]);
        k = Integer.parseInt(parts[2]);
        transA = parts[3].charAt(0) == 'T';
        transB = parts[3].charAt(1) == 'T';
        SplittableRandom rng = new SplittableRandom(1);
        a = random(rng, m * k);
        b = random(rng, k * n);
        c = new float[m * n];
        if (backend.equals("ejml")) {
            if (threads != 1) {
                throw new IllegalArgumentException("EJML's CommonOps_FDRM is single-threaded");
            }
            ea = FMatrixRMaj.wrap(transA ? k : m, transA ? m : k, a);
            eb = FMatrixRMaj.wrap(transB ? n : k, transB ? k : n, b);
            ec = FMatrixRMaj.wrap(m, n, c);
        } else {
            kernels = BenchEnvironment.kernels(backend, threads);
        }
        System.out.println("# " + BenchEnvironment.describe());
    }

    private static float[] random(SplittableRandom rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        return x;
    }

    @Benchmark
    public float gemm(Flops counter) {
        if (kernels != null) {
            kernels.blas().gemm(transA, transB, m, n, k, 1f, a, 0, transA ? m : k, b, 0, transB ? k : n, 0f, c, 0, n);
        } else if (!transA && !transB) {
            CommonOps_FDRM.mult(ea, eb, ec);
        } else if (transA && !transB) {
            CommonOps_FDRM.multTransA(ea, eb, ec);
        } else if (!transA) {
            CommonOps_FDRM.multTransB(ea, eb, ec);
        } else {
            CommonOps_FDRM.multTransAB(ea, eb, ec);
        }
        counter.flops += 2L * m * n * k;
        return c[0];
    }
}
