package dev.simdnn.simd;

import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.kernel.PackedWeights;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every SIMD kernel is allocation-free in steady state, with every activation kind having been
 * seen by the JIT (as in a real network). The Vector API boxes a vector whenever C2 fails to
 * inline or intrinsify an operation on it, which happened several times in development (a switch
 * over kinds inside a loop, exp and log1p in one loop, a nullable vector): each cost ~12 bytes per
 * element and a 5-20x slowdown, invisible to the correctness tests. Each operation is repeated
 * until a round allocates zero bytes; one that never gets there in time fails.
 */
class SimdAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static final int[] PREDICTED = new int[70];

    private static long steadyStateBytes(Runnable op) {
        long deadline = System.nanoTime() + 15_000_000_000L;
        long last = -1;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 500; i++) {
                op.run();
            }
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 50; i++) {
                op.run();
            }
            last = THREADS.getCurrentThreadAllocatedBytes() - before;
            if (last == 0) {
                return 0;
            }
        }
        return last;
    }

    @Test
    void everyKernelIsAllocationFree() {
        Kernels k = SimdKernels.INSTANCE;
        SplittableRandom rng = new SplittableRandom(1);
        int rows = 70, in = 40, out = 48, narrow = 10;
        float[] x = new float[rows * in], w = new float[out * in], wn = new float[narrow * in], b = new float[out];
        float[] z = new float[rows * out], y = new float[rows * out], g = new float[rows * out];
        float[] zn = new float[rows * narrow], yn = new float[rows * narrow], labels = new float[rows];
        for (float[] a : List.of(x, w, wn, b, g)) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rng.nextDouble(-2, 2);
            }
        }
        for (int i = 0; i < rows; i++) {
            labels[i] = rng.nextInt(narrow);
        }
        List<Activation> acts = List.of(Activation.IDENTITY, Activation.STEP, Activation.SIGMOID, Activation.TANH,
                Activation.RELU, Activation.leakyRelu(0.1f), Activation.elu(1f), Activation.SELU, Activation.GELU, Activation.GELU_ERF,
                Activation.SWISH, Activation.SOFTPLUS);
        // Let the JIT see every kind first, as a network mixing activations makes it.
        for (int round = 0; round < 200; round++) {
            for (Activation a : acts) {
                k.activations().activationForward(a, z.length, g, 0, y, 0);
                k.activations().activationBackward(a, rows, out, g, 0, y, 0, g, 0, z, 0, b, 0);
            }
        }
        List<String> failures = new ArrayList<>();
        for (Activation a : acts) {
            check(failures, a + " forward", () -> k.activations().activationForward(a, z.length, g, 0, y, 0));
            check(failures, a + " backward", () -> k.activations().activationBackward(a, rows, out, g, 0, y, 0, g, 0, z, 0, b, 0));
            check(failures, a + " dense (packed, z kept)",
                    () -> k.blas().denseForward(rows, in, out, x, 0, w, 0, b, 0, a, z, 0, y, 0));
            check(failures, a + " dense (narrow)",
                    () -> k.blas().denseForward(rows, in, narrow, x, 0, wn, 0, b, 0, a, zn, 0, yn, 0));
            check(failures, a + " dense (batch 1)",
                    () -> k.blas().denseForward(1, in, out, x, 0, w, 0, b, 0, a, null, 0, y, 0));
        }
        // frozen weights at batch 1..4 (the GEMV over packed panels: four slivers at once, one, a partial one; two k-slices)
        int wideIn = 300, wideOut = 161;
        float[] wideW = new float[wideOut * wideIn], wideX = new float[4 * wideIn], wideB = new float[wideOut], wideY = new float[4 * wideOut];
        java.util.Arrays.fill(wideW, 0.01f);
        java.util.Arrays.fill(wideX, 1f);
        PackedWeights wide = k.blas().packDenseWeights(wideIn, wideOut, wideW, 0);
        PackedWeights narrowPacked = k.blas().packDenseWeights(in, narrow, wn, 0);
        check(failures, "dense (packed weights, batch 1)", () -> k.blas().denseForward(1, wide, wideX, 0, wideB, 0, Activation.RELU, wideY, 0));
        check(failures, "dense (packed weights, batch 4)", () -> k.blas().denseForward(4, wide, wideX, 0, wideB, 0, Activation.RELU, wideY, 0));
        check(failures, "dense (packed weights, narrow, batch 3)",
                () -> k.blas().denseForward(3, narrowPacked, x, 0, b, 0, Activation.IDENTITY, yn, 0));
        check(failures, "softmax cross-entropy", () -> k.losses().softmaxCrossEntropy(rows, narrow, 0f, yn, 0, labels, 0, zn, 0));
        check(failures, "softmax cross-entropy, smoothed", () -> k.losses().softmaxCrossEntropy(rows, narrow, 0.1f, yn, 0, labels, 0, zn, 0));
        float[] c1 = new float[out], c2 = new float[out], c3 = new float[out], r1 = new float[rows], r2 = new float[rows];
        float[] h = new float[rows * out], d = new float[rows * out];
        java.util.Arrays.fill(c3, 1f);
        check(failures, "prelu forward", () -> k.activations().preluForward(rows, out, g, 0, b, 0, y, 0));
        check(failures, "prelu backward", () -> k.activations().preluBackward(rows, out, g, 0, b, 0, g, 0, d, 0, c1, 0));
        check(failures, "maxout forward", () -> k.activations().maxoutForward(rows, out / 3, 3, g, 0, y, 0));
        check(failures, "maxout backward", () -> k.activations().maxoutBackward(rows, out / 3, 3, g, 0, y, 0, d, 0));
        check(failures, "batch norm forward", () -> k.norms().batchNormForward(rows, out, 1e-5f, g, 0, c3, 0, b, 0, c1, 0, c2, 0, h, 0, y, 0));
        check(failures, "batch norm backward", () -> k.norms().batchNormBackward(rows, out, 1e-5f, g, 0, h, 0, c3, 0, c2, 0, c1, 0, b, 0, d, 0));
        check(failures, "scale shift columns", () -> k.norms().scaleShiftColumns(rows, out, g, 0, c3, 0, c1, 0, y, 0));
        check(failures, "layer norm forward", () -> k.norms().layerNormForward(rows, out, 1e-5f, g, 0, c3, 0, b, 0, r1, 0, r2, 0, h, 0, y, 0));
        check(failures, "layer norm backward", () -> k.norms().layerNormBackward(rows, out, 1e-5f, g, 0, h, 0, c3, 0, r2, 0, c1, 0, c2, 0, d, 0));
        check(failures, "elastic net", () -> k.updates().elasticNetPenalty(w.length, 1e-4f, 1e-4f, w, 0, d, 0));
        check(failures, "binary cross-entropy", () -> k.losses().binaryCrossEntropyWithLogits(z.length, g, 0, y, 0, z, 0));
        check(failures, "mae", () -> k.losses().meanAbsoluteError(z.length, g, 0, y, 0, z, 0));
        check(failures, "huber", () -> k.losses().huber(z.length, 1f, g, 0, y, 0, z, 0));
        check(failures, "log-cosh", () -> k.losses().logCosh(z.length, g, 0, y, 0, z, 0));
        check(failures, "hinge", () -> k.losses().hinge(rows, g, 0, labels, 0, zn, 0));
        check(failures, "adam", () -> k.updates().adamUpdate(w.length, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, 3, w, 0, x, 0, z, 0, y, 0));
        check(failures, "momentum", () -> k.updates().momentumUpdate(w.length, 1e-3f, 0.9f, true, 0f, w, 0, x, 0, z, 0));
        check(failures, "adagrad", () -> k.updates().adagradUpdate(w.length, 1e-3f, 1e-10f, 0f, w, 0, x, 0, z, 0));
        check(failures, "rmsprop", () -> k.updates().rmspropUpdate(w.length, 1e-3f, 0.9f, 1e-8f, 0f, w, 0, x, 0, z, 0));
        check(failures, "softmax", () -> k.activations().softmax(rows, narrow, yn, 0, zn, 0));
        check(failures, "mse", () -> k.losses().meanSquaredError(z.length, g, 0, y, 0, z, 0));
        check(failures, "sgd", () -> k.updates().sgdUpdate(w.length, 1e-3f, 0.01f, w, 0, x, 0));
        check(failures, "add", () -> k.blas().add(z.length, g, 0, y, 0, z, 0));
        check(failures, "multiply", () -> k.blas().multiply(z.length, g, 0, y, 0, z, 0));
        check(failures, "multiplyAccumulate", () -> k.blas().multiplyAccumulate(z.length, g, 0, y, 0, z, 0));
        check(failures, "axpy", () -> k.blas().axpy(z.length, 0.5f, g, 0, z, 0));
        check(failures, "scale", () -> k.blas().scale(z.length, 1f, z, 0));
        check(failures, "clamp", () -> k.blas().clamp(z.length, -1f, 1f, z, 0));
        check(failures, "sum", () -> k.blas().sum(z.length, g, 0));
        check(failures, "dot", () -> k.blas().dot(z.length, g, 0, y, 0));
        check(failures, "sumOfSquares", () -> k.blas().sumOfSquares(z.length, g, 0));
        check(failures, "sumOfAbs", () -> k.blas().sumOfAbs(z.length, g, 0));
        check(failures, "argmax", () -> k.blas().argmaxRows(rows, narrow, yn, 0, PREDICTED, 0));
        check(failures, "gemm NT packed", () -> k.blas().gemm(false, true, rows, out, in, 1f, x, 0, in, w, 0, in, 0f, z, 0, out));
        // a narrow product on the direct broadcast path (a dense layer of <= 4 outputs, its weight
        // gradient): arrays of exactly the product's size, so masked loads end at the array's end
        float[] dzN = new float[16 * 4], xN = new float[16 * 5], dwN = new float[4 * 5];
        check(failures, "gemm TN narrow (broadcast rows)", () -> k.blas().gemm(true, false, 4, 5, 16, 1f, dzN, 0, 4, xN, 0, 5,
                1f, dwN, 0, 5));
        // the recurrent cells on arrays of exactly their size, with hidden widths of a whole vector plus
        // a tail (37) and below one vector (5), and the 2×2 max pool on rows of 20 outputs (a vector and a tail)
        for (int hidden : new int[] {37, 5}) {
            int n = 3;
            float[] gates = new float[n * 4 * hidden], cp = new float[n * hidden], c = new float[n * hidden];
            float[] tc = new float[n * hidden], hv = new float[n * hidden], dh = new float[n * hidden];
            float[] dcv = new float[n * hidden], dg = new float[n * 4 * hidden];
            float[] ih = new float[n * 3 * hidden], hh = new float[n * 3 * hidden], gg = new float[n * 3 * hidden];
            float[] di = new float[n * 3 * hidden], dhh = new float[n * 3 * hidden];
            check(failures, "lstm forward " + hidden, () -> k.recurrences().lstmForward(n, hidden, gates, 0, cp, 0, c, 0, tc, 0, hv, 0));
            check(failures, "lstm backward " + hidden, () -> k.recurrences().lstmBackward(n, hidden, gates, 0, cp, 0, tc, 0, dh, 0,
                    dcv, 0, dg, 0));
            check(failures, "gru forward " + hidden, () -> k.recurrences().gruForward(n, hidden, ih, 0, hh, 0, cp, 0, gg, 0, hv, 0));
            check(failures, "gru backward " + hidden, () -> k.recurrences().gruBackward(n, hidden, gg, 0, hh, 0, cp, 0, dh, 0, di, 0,
                    dhh, 0, dcv, 0));
        }
        dev.simdnn.kernel.Window2d pool = new dev.simdnn.kernel.Window2d(3, 6, 40, 2, 2, 2, 2, 0, 0, 1, 1);
        float[] px = new float[2 * 3 * pool.pixels()], py = new float[2 * 3 * pool.outPixels()];
        int[] parg = new int[py.length];
        for (int i = 0; i < px.length; i++) {
            px[i] = (float) rng.nextDouble(-2, 2);
        }
        check(failures, "max pool 2x2", () -> k.convolutions().maxPoolForward(2, pool, px, 0, py, 0, parg, 0));
        check(failures, "avg pool 2x2", () -> k.convolutions().avgPoolForward(2, pool, px, 0, py, 0));
        float[] pdx = new float[px.length];
        check(failures, "avg pool 2x2 backward", () -> k.convolutions().avgPoolBackward(2, pool, py, 0, pdx, 0));
        dev.simdnn.kernel.Window2d globalPool = new dev.simdnn.kernel.Window2d(3, 6, 40, 6, 40, 1, 1, 0, 0, 1, 1);
        float[] gy = new float[2 * 3];
        check(failures, "global avg pool", () -> k.convolutions().avgPoolForward(2, globalPool, px, 0, gy, 0));
        check(failures, "global avg pool backward", () -> k.convolutions().avgPoolBackward(2, globalPool, gy, 0, pdx, 0));
        assertTrue(failures.isEmpty(), "kernels allocating in steady state: " + failures);
    }

    private static void check(List<String> failures, String what, Runnable op) {
        long bytes = steadyStateBytes(op);
        if (bytes != 0) {
            failures.add(what + " (" + bytes / 50 + " B/call)");
        }
    }
}
