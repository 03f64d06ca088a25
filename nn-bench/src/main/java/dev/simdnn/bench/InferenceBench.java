package dev.simdnn.bench;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Mode;
import dev.simdnn.nn.Sequential;
import dev.simdnn.tensor.Tensor;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Inference of the MLP 784-256-128-10: batch-1 latency ({@code latency}, µs per call, average)
 * and batch throughput ({@code samples} per second), on one thread and on two concurrent threads
 * ({@code …2Threads}). The two threads each run their own model instance (same weights), since
 * model instances keep per-call scratch buffers; GEMM itself runs single-threaded here so the two
 * concurrent calls do not compete for the pool. {@code frozen…}: the same on {@link Sequential#frozen()},
 * whose dense weights are packed once.
 *
 * <pre>./simdnn bench InferenceBench -p backend=simd</pre>
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dsimdnn.threads=1"})
public class InferenceBench {

    /** One model instance and its inputs per benchmark thread. */
    @State(Scope.Thread)
    public static class Model {
        @Param({"simd", "scalar"})
        public String backend;

        @Param({"128"})
        public int batch;

        Kernels kernels;
        Sequential model;
        Sequential frozen;
        Tensor one;
        Tensor many;

        @Setup
        public void setUp() {
            kernels = BenchEnvironment.kernels(backend, 1);
            model = MlpWorkload.model(kernels);
            frozen = model.frozen();
            one = MlpWorkload.inputs(1, 5);
            many = MlpWorkload.inputs(batch, 6);
        }
    }

    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Samples {
        public long samples;
    }

    @Benchmark
    @BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public float latency(Model m) {
        return m.model.forward(m.kernels, m.one, Mode.INFERENCE).getFlat(0);
    }

    @Benchmark
    @BenchmarkMode(org.openjdk.jmh.annotations.Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public float throughput(Model m, Samples s) {
        s.samples += m.batch;
        return m.model.forward(m.kernels, m.many, Mode.INFERENCE).getFlat(0);
    }

    @Benchmark
    @BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Threads(2)
    public float latency2Threads(Model m) {
        return m.model.forward(m.kernels, m.one, Mode.INFERENCE).getFlat(0);
    }

    @Benchmark
    @BenchmarkMode(org.openjdk.jmh.annotations.Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @Threads(2)
    public float throughput2Threads(Model m, Samples s) {
        s.samples += m.batch;
        return m.model.forward(m.kernels, m.many, Mode.INFERENCE).getFlat(0);
    }

    /** {@link Sequential#frozen()}: the weights packed once, not on every call. */
    @Benchmark
    @BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public float frozenLatency(Model m) {
        return m.frozen.forward(m.kernels, m.one, Mode.INFERENCE).getFlat(0);
    }

    @Benchmark
    @BenchmarkMode(org.openjdk.jmh.annotations.Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public float frozenThroughput(Model m, Samples s) {
        s.samples += m.batch;
        return m.frozen.forward(m.kernels, m.many, Mode.INFERENCE).getFlat(0);
    }
}
