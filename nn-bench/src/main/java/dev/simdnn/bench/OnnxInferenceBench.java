package dev.simdnn.bench;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Mode;
import dev.simdnn.nn.Sequential;
import dev.simdnn.onnx.OnnxModels;
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

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Inference of an ONNX model exported by {@code torch.onnx.export} and imported by simdnn: batch-1
 * latency (µs per call) and batch throughput (samples per second), one thread, as
 * {@link InferenceBench} measures simdnn's own MLP. The file comes from
 * {@code nn-bench/scripts/onnx_peer.py}, which also measures the same model in PyTorch:
 *
 * <pre>
 * env -u OPENBLAS_CORETYPE /usr/bin/python3 nn-bench/scripts/onnx_peer.py /tmp/mlp784.onnx
 * ./simdnn bench OnnxInferenceBench -p onnx=/tmp/mlp784.onnx
 * </pre>
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dsimdnn.threads=1"})
public class OnnxInferenceBench {

    @State(Scope.Thread)
    public static class Model {
        /** The ONNX file (no default: it is made by onnx_peer.py). */
        @Param({""})
        public String onnx;

        @Param({"simd"})
        public String backend;

        @Param({"128"})
        public int batch;

        Kernels kernels;
        Sequential model;
        Tensor one;
        Tensor many;

        @Setup
        public void setUp() throws IOException {
            if (onnx.isEmpty()) {
                throw new IllegalArgumentException("give the ONNX file: -p onnx=FILE (made by nn-bench/scripts/onnx_peer.py)");
            }
            kernels = BenchEnvironment.kernels(backend, 1);
            model = OnnxModels.load(Path.of(onnx), kernels);
            one = random(1, model.inputFeatures(), 5);
            many = random(batch, model.inputFeatures(), 6);
        }

        private static Tensor random(int rows, int cols, long seed) {
            java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
            Tensor t = Tensor.zeros(rows, cols);
            for (int i = 0; i < t.size(); i++) {
                t.setFlat(i, (float) rng.nextDouble());
            }
            return t;
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
}
