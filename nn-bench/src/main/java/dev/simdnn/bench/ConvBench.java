package dev.simdnn.bench;

import dev.simdnn.init.Initializer;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.kernel.Window2d;
import dev.simdnn.layer.Mode;
import dev.simdnn.nn.Conv2d;
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
 * A {@code Conv2d} forward + backward (weight and input gradients) on a batch, as GFLOP/s
 * ({@code flops} counter ÷ 1e9: 3 products of {@code 2·N·out·P·C·kh·kw} each). The LSTM is
 * {@link LstmBench}.
 *
 * <p>Shapes: {@code lenet1} 1→6 channels, 5×5 on 28×28 (LeNet's first layer); {@code lenet2}
 * 6→16, 5×5 on 12×12; {@code resnet} 64→64, 3×3, padding 1 on 28×28 (a ResNet stage).
 *
 * <pre>./simdnn bench ConvBench -p backend=simd,scalar</pre>
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Dsimdnn.threads=1"})
@State(Scope.Thread)
public class ConvBench {
    @Param({"simd", "scalar"})
    public String backend;

    @Param({"lenet1", "lenet2", "resnet"})
    public String shape;

    @Param({"64"})
    public int batch;

    Kernels kernels;
    Conv2d conv;
    Tensor x;
    Tensor dy;
    long flopsPerCall;

    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Counters {
        public long flops;
    }

    @Setup
    public void setUp() {
        kernels = BenchEnvironment.kernels(backend, 1);
        Window2d w = switch (shape) {
            case "lenet1" -> Window2d.square(1, 28, 28, 5, 1, 0);
            case "lenet2" -> Window2d.square(6, 12, 12, 5, 1, 0);
            default -> Window2d.square(64, 28, 28, 3, 1, 1);
        };
        int out = switch (shape) {
            case "lenet1" -> 6;
            case "lenet2" -> 16;
            default -> 64;
        };
        SplittableRandom rng = new SplittableRandom(1);
        conv = new Conv2d(w, out, true, Initializer.heUniform(), rng);
        x = random(batch, w.channels() * w.pixels(), rng);
        dy = random(batch, out * w.outPixels(), rng);
        flopsPerCall = 3L * 2 * batch * out * w.outPixels() * w.patch();
    }

    static Tensor random(int rows, int cols, SplittableRandom rng) {
        Tensor t = Tensor.zeros(rows, cols);
        for (int i = 0; i < t.size(); i++) {
            t.setFlat(i, (float) rng.nextGaussian());
        }
        return t;
    }

    @Benchmark
    @BenchmarkMode(org.openjdk.jmh.annotations.Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public float conv(Counters c) {
        conv.forward(kernels, x, Mode.TRAINING);
        Tensor dx = conv.backward(kernels, dy, true);
        c.flops += flopsPerCall;
        return dx.getFlat(0);
    }
}
