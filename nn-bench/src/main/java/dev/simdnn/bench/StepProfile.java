package dev.simdnn.bench;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.nn.Dense;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Adam;
import dev.simdnn.optim.Momentum;
import dev.simdnn.optim.Optimizer;
import dev.simdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where the time of one training step and one inference pass goes, phase by phase, on the
 * benchmark MLP ({@link MlpWorkload}): each layer's forward and backward, the loss, the optimizer
 * update and zeroGrad, and each layer's inference forward. It runs the step exactly as
 * {@code Sequential} and {@code Trainer} do, through the same public calls, with a clock read
 * between them; the figure per phase is the median over the measured steps.
 *
 * <p>Dense layers are marked as GEMM phases: their time is the GEMM plus its fused epilogue (the
 * bias and activation forward; the activation derivative and the bias sum backward). This is a
 * profile, not a benchmark: JMH ({@link TrainStepBench}, {@link InferenceBench}) gives the figures
 * to quote; this says how they divide.
 */
public final class StepProfile {

    /** One phase: what it is, its median time in nanoseconds, whether it is GEMM-bound. */
    public record Phase(String name, double medianNanos, boolean gemm) {
    }

    /** A profile: the phases of a training step and of an inference pass, and what was measured. */
    public record Result(String setting, List<Phase> training, List<Phase> inference, double trainStepNanos,
                         double inferenceNanos, long flopsPerTrainingStep) {
        /** Effective GFLOP/s of the training step (its multiply-adds × 2 over the median step time). */
        public double trainGflops() {
            return flopsPerTrainingStep / trainStepNanos;
        }
    }

    private StepProfile() {
    }

    /**
     * Unmeasured steps by default: the loss kernel, called once per step, was measured at 34 µs per
     * call (128 × 10) from its 500th to its 1,100th call and 6.5 µs once C2 had compiled it; 300
     * warm-up steps had shown the loss at 87 µs, 9% of the step.
     */
    public static final int DEFAULT_WARMUP = 3000;

    /**
     * Profiles {@code steps} steps after {@code warmup} unmeasured ones.
     *
     * @param optimizer {@code momentum} or {@code adam}
     */
    public static Result measure(Kernels kernels, int batch, String optimizer, int warmup, int steps) {
        if (batch < 1 || steps < 1 || warmup < 0) {
            throw new IllegalArgumentException("batch and steps must be >= 1 and warm-up >= 0, got " + batch + ", " + steps
                    + ", " + warmup);
        }
        Sequential model = MlpWorkload.model(kernels);
        Optimizer opt = switch (optimizer) {
            case "adam" -> new Adam(model.parameters(), 1e-3f);
            case "momentum" -> new Momentum(model.parameters(), 0.01f, 0.9f);
            default -> throw new IllegalArgumentException("optimizer must be momentum or adam, got '" + optimizer + "'");
        };
        opt.on(kernels);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        Tensor x = MlpWorkload.inputs(batch, 2);
        Tensor y = MlpWorkload.labels(batch, 3);
        List<Layer> layers = model.layers();
        int n = layers.size();
        // phases: zeroGrad, forward per layer, loss, backward per layer (last first), optimizer
        int phases = 1 + n + 1 + n + 1;
        long[][] t = new long[phases][steps];
        long[] total = new long[steps];
        for (int s = -warmup; s < steps; s++) {
            long t0 = System.nanoTime();
            long last = t0;
            int p = 0;
            opt.zeroGrad();
            last = record(t, p++, s, last);
            Tensor a = x;
            for (Layer l : layers) {
                a = l.forward(kernels, a, Mode.TRAINING);
                last = record(t, p++, s, last);
            }
            loss.forward(kernels, a, y);
            last = record(t, p++, s, last);
            Tensor g = loss.backward();
            for (int i = n - 1; i >= 0; i--) {
                g = layers.get(i).backward(kernels, g, i > 0);
                last = record(t, p++, s, last);
            }
            opt.step();
            last = record(t, p, s, last);
            if (s >= 0) {
                total[s] = last - t0;
            }
        }
        List<Phase> training = new ArrayList<>();
        int p = 0;
        training.add(new Phase("zeroGrad", median(t[p++]), false));
        for (int i = 0; i < n; i++) {
            training.add(new Phase("forward " + i + ": " + layers.get(i), median(t[p++]), layers.get(i) instanceof Dense));
        }
        training.add(new Phase("loss: " + loss, median(t[p++]), false));
        for (int i = n - 1; i >= 0; i--) {
            training.add(new Phase("backward " + i + ": " + layers.get(i), median(t[p++]), layers.get(i) instanceof Dense));
        }
        training.add(new Phase("optimizer: " + optimizer, median(t[p]), false));

        Sequential inference = model.inferenceCopy();
        long[][] u = new long[n][steps];
        long[] inferTotal = new long[steps];
        for (int s = -warmup; s < steps; s++) {
            long t0 = System.nanoTime();
            long last = t0;
            Tensor a = x;
            for (int i = 0; i < n; i++) {
                a = inference.layers().get(i).forward(kernels, a, Mode.INFERENCE);
                last = record(u, i, s, last);
            }
            if (s >= 0) {
                inferTotal[s] = last - t0;
            }
        }
        List<Phase> infer = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            infer.add(new Phase("inference " + i + ": " + layers.get(i), median(u[i]), layers.get(i) instanceof Dense));
        }
        // multiply-adds of a step: forward, dW and dX of every layer but the first (no dX there)
        long macs = 3L * MlpWorkload.forwardMacsPerSample() - 784L * 256;
        return new Result(kernels.name() + ", batch " + batch + ", " + optimizer, training, infer, median(total),
                median(inferTotal), 2 * macs * batch);
    }

    private static long record(long[][] t, int phase, int step, long last) {
        long now = System.nanoTime();
        if (step >= 0) {
            t[phase][step] = now - last;
        }
        return now;
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2.0;
    }
}
