package dev.simdnn.bench;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Adam;
import dev.simdnn.optim.Momentum;
import dev.simdnn.optim.Optimizer;
import dev.simdnn.tensor.Tensor;
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
 * One full training step of the MLP 784-256-128-10 (ReLU, softmax cross-entropy): zeroGrad,
 * forward, loss, backward, optimizer step, through the public API the trainer uses. The
 * {@code samples} counter is training samples per second. Run with {@code -prof gc} to see the
 * allocation per step ({@code gc.alloc.rate.norm}, which should be ~0 B/op).
 *
 * <pre>./simdnn bench TrainStepBench -p backend=simd -p threads=1 -prof gc</pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class TrainStepBench {

    @Param({"32", "128", "512"})
    public int batch;

    @Param({"momentum", "adam"})
    public String optimizer;

    @Param({"simd", "scalar"})
    public String backend;

    @Param({"1", "2"})
    public int threads;

    private Sequential model;
    private Kernels kernels;
    private Optimizer opt;
    private final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    private Tensor x;
    private Tensor y;

    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Samples {
        public long samples;
    }

    @Setup
    public void setUp() {
        kernels = BenchEnvironment.kernels(backend, threads);
        model = MlpWorkload.model(kernels);
        opt = optimizer.equals("adam") ? new Adam(model.parameters(), 1e-3f)
                : new Momentum(model.parameters(), 0.01f, 0.9f);
        opt.on(kernels);
        x = MlpWorkload.inputs(batch, 2);
        y = MlpWorkload.labels(batch, 3);
        System.out.println("# " + BenchEnvironment.describe());
    }

    @Benchmark
    public float step(Samples counter) {
        opt.zeroGrad();
        Tensor logits = model.forward(kernels, x, dev.simdnn.layer.Mode.TRAINING); // qualified: JMH has a Mode too
        float l = loss.forward(kernels, logits, y);
        model.backward(kernels, loss.backward(), false);
        opt.step();
        counter.samples += batch;
        return l;
    }
}
