package dev.simdnn.train;

import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Mode;
import dev.simdnn.loss.Loss;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Adam;
import dev.simdnn.optim.Momentum;
import dev.simdnn.optim.Optimizer;
import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A steady-state training step allocates nothing: zeroGrad, forward, loss, backward, step, on a
 * network mixing activations (ReLU, tanh, identity logits), as a real one does. Measured with the
 * JVM's per-thread allocation counter; the step is repeated until the JIT has compiled it (a
 * round of steps with zero bytes allocated passes), and fails if that never happens in time.
 * Runs on whichever backend the build selected (the suite runs on scalar and on simd).
 */
@org.junit.jupiter.api.Tag("allocation")
class SteadyStateAllocationTest {

    /** Looked up once: getThreadMXBean() itself allocates. */
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static long allocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    static void assertStepAllocatesNothing(String what, Runnable step) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        long last = -1;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 200; i++) {
                step.run(); // warm-up and JIT
            }
            long before = allocatedBytes();
            for (int i = 0; i < 100; i++) {
                step.run();
            }
            last = allocatedBytes() - before;
            if (last == 0) {
                return;
            }
        }
        fail(what + ": a steady-state training step still allocates " + last / 100.0 + " bytes");
    }

    private static void check(Kernels k, String optimizerName) {
        Sequential model = Mlp.builder().input(64).dense(48, Activation.RELU).dense(32, Activation.TANH).dense(10)
                .seed(3).kernels(k).build();
        Optimizer opt = optimizerName.equals("adam") ? new Adam(model.parameters(), 1e-3f)
                : new Momentum(model.parameters(), 0.01f, 0.9f);
        opt.on(k);
        Loss loss = new SoftmaxCrossEntropy();
        SplittableRandom rng = new SplittableRandom(1);
        float[] xs = new float[40 * 64];
        float[] ys = new float[40];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = (float) rng.nextDouble(-1, 1);
        }
        for (int i = 0; i < ys.length; i++) {
            ys[i] = rng.nextInt(10);
        }
        Tensor x = Tensor.of(xs, 40, 64);
        Tensor y = Tensor.of(ys, 40, 1);
        assertStepAllocatesNothing(k.name() + " " + optimizerName, () -> {
            opt.zeroGrad();
            Tensor out = model.forward(x, Mode.TRAINING);
            loss.forward(k, out, y);
            model.backward(loss.backward());
            opt.step();
        });
    }

    @Test
    void trainingStepWithAdam() {
        check(dev.simdnn.backend.KernelsProvider.best(), "adam");
    }

    @Test
    void trainingStepWithMomentum() {
        check(dev.simdnn.backend.KernelsProvider.best(), "momentum");
    }
}
