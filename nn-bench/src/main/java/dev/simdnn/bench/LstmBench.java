package dev.simdnn.bench;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Mode;
import dev.simdnn.nn.Recurrent;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * An LSTM forward + backward through time on Fashion-MNIST's shape read row by row (28 steps of 28
 * features into 128 units, batch 64), samples/s.
 *
 * <pre>./simdnn bench LstmBench -p backend=simd,scalar</pre>
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dsimdnn.threads=1"})
@State(Scope.Thread)
public class LstmBench {
    @Param({"simd", "scalar"})
    public String backend;

    @Param({"64"})
    public int batch;

    Kernels kernels;
    Recurrent lstm;
    Tensor seq;
    Tensor dSeq;

    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Samples {
        public long samples;
    }

    @Setup
    public void setUp() {
        kernels = BenchEnvironment.kernels(backend, 1);
        SplittableRandom rng = new SplittableRandom(2);
        lstm = new Recurrent(Recurrent.Cell.LSTM, 28, 128, 28, rng);
        seq = ConvBench.random(batch, 28 * 28, rng);
        dSeq = ConvBench.random(batch, 28 * 128, rng);
    }

    @Benchmark
    @BenchmarkMode(org.openjdk.jmh.annotations.Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public float step(Samples s) {
        lstm.forward(kernels, seq, Mode.TRAINING);
        Tensor dx = lstm.backward(kernels, dSeq, true);
        s.samples += batch;
        return dx.getFlat(0);
    }
}
