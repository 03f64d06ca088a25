package dev.simdnn.nn;

import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.layer.RowBuffer;
import dev.simdnn.tensor.Tensor;

import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * One recurrent layer over sequences of a fixed length, as PyTorch's {@code nn.RNN} (tanh or
 * ReLU), {@code nn.LSTM} and {@code nn.GRU} with {@code batch_first=True} and one layer: the input
 * rows are {@code steps × features} values ({@code [batch, time, features]}), the output rows every
 * hidden state, {@code steps × hidden} ({@link LastStep} keeps the last). The state starts at zero.
 * Parameters as torch names them: {@code weight_ih_l0 [G·H, F]}, {@code weight_hh_l0 [G·H, H]},
 * {@code bias_ih_l0}, {@code bias_hh_l0} ({@code G} = 1, 4 or 3), drawn from {@code U(−1/√H, 1/√H)}
 * as in torch.
 *
 * <p>The course's {@code h_t = σ(W_hh·h_{t−1} + W_xh·x_t + b)}: all input products in one GEMM
 * ({@code Blas.denseForward} over every step at once), then per step the recurrent product and
 * the cell ({@code Recurrences} for LSTM and GRU). Backward is full backpropagation through time;
 * the input gradient and {@code dW_ih} are again one GEMM each.
 */
public final class Recurrent implements Layer {
    /** The cells. */
    public enum Cell {
        RNN_TANH(1), RNN_RELU(1), LSTM(4), GRU(3);

        final int gates;

        Cell(int gates) {
            this.gates = gates;
        }

        /** Weight rows per hidden unit: 1 (RNN), 4 (LSTM: i, f, g, o) or 3 (GRU: r, z, n). */
        public int gates() {
            return gates;
        }
    }

    private final Cell cell;
    private final int features;
    private final int hidden;
    private final int steps;
    private final Parameter wIh;
    private final Parameter wHh;
    private final Parameter bIh;
    private final Parameter bHh;
    // time-major work buffers, rows t·N + n
    private final RowBuffer xT;
    private final RowBuffer pre;     // x·W_ihᵀ + b, then (RNN, LSTM) the pre-activations and gate values per step
    private final RowBuffer hhBuf;   // GRU: h'·W_hhᵀ + b_hh per step
    private final RowBuffer gateBuf; // GRU: r, z, n per step
    private final RowBuffer hs;      // (T + 1)·N rows: h_{-1} = 0, h_0 … h_{T-1}
    private final RowBuffer cs;      // LSTM: the cell states, likewise
    private final RowBuffer tanhCs;  // LSTM: tanh(c_t)
    private final RowBuffer yBuf;
    private final RowBuffer dHs;
    private final RowBuffer dPre;
    private final RowBuffer dHh;
    private final RowBuffer dhNext;
    private final RowBuffer dcNext;
    private final RowBuffer dh;
    private final RowBuffer dxT;
    private final RowBuffer dxBuf;
    private final RowBuffer biasSum;
    private int lastBatch = -1;

    /** A {@code cell} layer over sequences of {@code steps} steps of {@code features}, with {@code hidden} units. */
    public Recurrent(Cell cell, int features, int hidden, int steps, RandomGenerator rng) {
        this(cell, features, hidden, steps, 0, rng);
    }

    /**
     * Level {@code level} of a stack ({@link StackedRecurrent}): its parameters are torch's
     * {@code weight_ih_l<level>}, … of one multi-layer module.
     */
    Recurrent(Cell cell, int features, int hidden, int steps, int level, RandomGenerator rng) {
        this(cell, features, hidden, steps, "l" + level, rng);
    }

    /**
     * A layer whose parameters end in {@code suffix} ({@code l0}, {@code l1_reverse}, …): a level or a
     * direction of a torch module.
     */
    Recurrent(Cell cell, int features, int hidden, int steps, String suffix, RandomGenerator rng) {
        this(Objects.requireNonNull(cell, "cell"), checked(features, hidden, steps), hidden, steps,
                new Parameter("weight_ih_" + suffix, Tensor.zeros(cell.gates * hidden, features), true),
                new Parameter("weight_hh_" + suffix, Tensor.zeros(cell.gates * hidden, hidden), true),
                new Parameter("bias_ih_" + suffix, Tensor.zeros(cell.gates * hidden)),
                new Parameter("bias_hh_" + suffix, Tensor.zeros(cell.gates * hidden)));
        double bound = 1 / Math.sqrt(hidden);
        for (Parameter p : List.of(wIh, wHh, bIh, bHh)) {
            Tensor t = p.value();
            for (int i = 0; i < t.size(); i++) {
                t.setFlat(i, (float) ((2 * rng.nextDouble() - 1) * bound));
            }
        }
    }

    private static int checked(int features, int hidden, int steps) {
        Shapes.positive("recurrent input features", features);
        Shapes.positive("recurrent hidden units", hidden);
        Shapes.positive("recurrent steps", steps);
        if ((long) features * steps > Integer.MAX_VALUE / 4 || (long) hidden * steps * 4 > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("a sequence of " + steps + " steps of " + features + " features into "
                    + hidden + " units is too large");
        }
        return features;
    }

    private Recurrent(Cell cell, int features, int hidden, int steps, Parameter wIh, Parameter wHh, Parameter bIh,
                      Parameter bHh) {
        this.cell = cell;
        this.features = features;
        this.hidden = hidden;
        this.steps = steps;
        this.wIh = wIh;
        this.wHh = wHh;
        this.bIh = bIh;
        this.bHh = bHh;
        int gh = cell.gates * hidden;
        xT = new RowBuffer(features);
        pre = new RowBuffer(gh);
        hhBuf = new RowBuffer(gh);
        gateBuf = new RowBuffer(gh);
        hs = new RowBuffer(hidden);
        cs = new RowBuffer(hidden);
        tanhCs = new RowBuffer(hidden);
        yBuf = new RowBuffer(steps * hidden);
        dHs = new RowBuffer(hidden);
        dPre = new RowBuffer(gh);
        dHh = new RowBuffer(gh);
        dhNext = new RowBuffer(hidden);
        dcNext = new RowBuffer(hidden);
        dh = new RowBuffer(hidden);
        dxT = new RowBuffer(features);
        dxBuf = new RowBuffer(steps * features);
        biasSum = new RowBuffer(gh);
    }

    public Cell cell() {
        return cell;
    }

    public int inputFeatures() {
        return features;
    }

    public int hiddenUnits() {
        return hidden;
    }

    public int steps() {
        return steps;
    }

    /** {@code [batch, T·F]} (batch-major) to {@code [T·batch, F]} (time-major), or back. */
    private static void turn(int batch, int steps, int width, float[] src, int so, float[] dst, int dO, boolean toTimeMajor) {
        for (int n = 0; n < batch; n++) {
            for (int t = 0; t < steps; t++) {
                int batchMajor = (n * steps + t) * width;
                int timeMajor = (t * batch + n) * width;
                if (toTimeMajor) {
                    System.arraycopy(src, so + batchMajor, dst, dO + timeMajor, width);
                } else {
                    System.arraycopy(src, so + timeMajor, dst, dO + batchMajor, width);
                }
            }
        }
    }

    @Override
    public Tensor forward(Kernels k, Tensor input, Mode mode) {
        Shapes.checkInput(this, input, steps * features);
        int n = input.rows();
        int gh = cell.gates * hidden;
        if ((long) (steps + 1) * n * gh > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(this + ": a batch of " + n + " sequences needs " + (long) (steps + 1) * n * gh
                    + " values of gate state, more than an array holds; use smaller batches");
        }
        Tensor x = xT.rows(steps * n);
        turn(n, steps, features, input.data(), input.offset(), x.data(), x.offset(), true);
        Tensor p = pre.rows(steps * n);
        float[] bias = bIh.value().data();
        int biasOff = bIh.value().offset();
        if (cell != Cell.GRU) { // both biases add alike: fold b_hh into the input product's epilogue
            Tensor b = biasSum.rows(1);
            k.blas().add(gh, bIh.value().data(), bIh.value().offset(), bHh.value().data(), bHh.value().offset(), b.data(), b.offset());
            bias = b.data();
            biasOff = b.offset();
        }
        k.blas().denseForward(steps * n, features, gh, x.data(), x.offset(), wIh.value().data(), wIh.value().offset(),
                bias, biasOff, Activation.IDENTITY, null, 0, p.data(), p.offset());
        Tensor h = hs.rows((steps + 1) * n);
        java.util.Arrays.fill(h.data(), h.offset(), h.offset() + n * hidden, 0f);
        Tensor c = cell == Cell.LSTM ? cs.rows((steps + 1) * n) : null;
        Tensor tc = cell == Cell.LSTM ? tanhCs.rows(steps * n) : null;
        if (c != null) {
            java.util.Arrays.fill(c.data(), c.offset(), c.offset() + n * hidden, 0f);
        }
        Tensor hh = cell == Cell.GRU ? hhBuf.rows(steps * n) : null;
        Tensor gates = cell == Cell.GRU ? gateBuf.rows(steps * n) : null;
        for (int t = 0; t < steps; t++) {
            int hPrev = h.offset() + t * n * hidden;
            int hNow = h.offset() + (t + 1) * n * hidden;
            int pt = p.offset() + t * n * gh;
            switch (cell) {
                case RNN_TANH, RNN_RELU -> {
                    k.blas().gemm(false, true, n, hidden, hidden, 1f, h.data(), hPrev, hidden, wHh.value().data(),
                            wHh.value().offset(), hidden, 1f, p.data(), pt, hidden);
                    k.activations().activationForward(cell == Cell.RNN_TANH ? Activation.TANH : Activation.RELU, n * hidden,
                            p.data(), pt, h.data(), hNow);
                }
                case LSTM -> {
                    k.blas().gemm(false, true, n, gh, hidden, 1f, h.data(), hPrev, hidden, wHh.value().data(),
                            wHh.value().offset(), hidden, 1f, p.data(), pt, gh);
                    k.recurrences().lstmForward(n, hidden, p.data(), pt, c.data(), c.offset() + t * n * hidden,
                            c.data(), c.offset() + (t + 1) * n * hidden, tc.data(), tc.offset() + t * n * hidden, h.data(), hNow);
                }
                case GRU -> {
                    int ht = hh.offset() + t * n * gh;
                    k.blas().denseForward(n, hidden, gh, h.data(), hPrev, wHh.value().data(), wHh.value().offset(),
                            bHh.value().data(), bHh.value().offset(), Activation.IDENTITY, null, 0, hh.data(), ht);
                    k.recurrences().gruForward(n, hidden, p.data(), pt, hh.data(), ht, h.data(), hPrev, gates.data(),
                            gates.offset() + t * n * gh, h.data(), hNow);
                }
            }
        }
        Tensor y = yBuf.rows(n);
        turn(n, steps, hidden, h.data(), h.offset() + n * hidden, y.data(), y.offset(), false);
        lastBatch = mode == Mode.TRAINING ? n : -1;
        return y;
    }

    @Override
    public Tensor backward(Kernels k, Tensor gradOutput, boolean needInputGradient) {
        if (lastBatch < 0) {
            throw new IllegalStateException(this + ": backward needs a forward in training mode first");
        }
        int n = lastBatch;
        int gh = cell.gates * hidden;
        if (gradOutput.rank() != 2 || gradOutput.rows() != n || gradOutput.cols() != steps * hidden) {
            throw new IllegalArgumentException(this + ": the gradient must be [" + n + ", " + steps * hidden + "], got "
                    + gradOutput.shape());
        }
        Tensor dy = dHs.rows(steps * n);
        turn(n, steps, hidden, gradOutput.data(), gradOutput.offset(), dy.data(), dy.offset(), true);
        Tensor h = hs.rows((steps + 1) * n);
        Tensor p = pre.rows(steps * n);
        Tensor dp = dPre.rows(steps * n);
        Tensor next = dhNext.rows(n);
        next.fill(0f);
        Tensor dhT = dh.rows(n);
        Tensor dc = cell == Cell.LSTM ? dcNext.rows(n) : null;
        if (dc != null) {
            dc.fill(0f);
        }
        Tensor dhh = cell == Cell.GRU ? dHh.rows(n) : null;
        Tensor c = cell == Cell.LSTM ? cs.rows((steps + 1) * n) : null;     // the forward's states, for the cells
        Tensor tc = cell == Cell.LSTM ? tanhCs.rows(steps * n) : null;
        Tensor hh = cell == Cell.GRU ? hhBuf.rows(steps * n) : null;
        Tensor g = cell == Cell.GRU ? gateBuf.rows(steps * n) : null;
        Tensor dWhh = wHh.grad();
        for (int t = steps - 1; t >= 0; t--) {
            int hPrev = h.offset() + t * n * hidden;
            int pt = p.offset() + t * n * gh;
            int dpt = dp.offset() + t * n * gh;
            k.blas().add(n * hidden, dy.data(), dy.offset() + t * n * hidden, next.data(), next.offset(), dhT.data(), dhT.offset());
            switch (cell) {
                case RNN_TANH, RNN_RELU -> {
                    Activation a = cell == Cell.RNN_TANH ? Activation.TANH : Activation.RELU;
                    k.activations().activationBackward(a, n, hidden, p.data(), pt, h.data(), h.offset() + (t + 1) * n * hidden,
                            dhT.data(), dhT.offset(), dp.data(), dpt, null, 0);
                }
                case LSTM -> k.recurrences().lstmBackward(n, hidden, p.data(), pt, c.data(), c.offset() + t * n * hidden,
                        tc.data(), tc.offset() + t * n * hidden, dhT.data(), dhT.offset(), dc.data(), dc.offset(),
                        dp.data(), dpt);
                case GRU -> k.recurrences().gruBackward(n, hidden, g.data(), g.offset() + t * n * gh, hh.data(), hh.offset() + t * n * gh,
                        h.data(), hPrev, dhT.data(), dhT.offset(), dp.data(), dpt, dhh.data(), dhh.offset(),
                        next.data(), next.offset());
            }
            // the recurrent product's gradients: from the pre-activations (RNN, LSTM) or from ∂L/∂hh (GRU)
            float[] dr = cell == Cell.GRU ? dhh.data() : dp.data();
            int dro = cell == Cell.GRU ? dhh.offset() : dpt;
            k.blas().gemm(true, false, gh, hidden, n, 1f, dr, dro, gh, h.data(), hPrev, hidden, 1f, dWhh.data(), dWhh.offset(), hidden);
            if (cell == Cell.GRU) {
                Tensor db = bHh.grad();
                k.activations().activationBackward(Activation.IDENTITY, n, gh, null, 0, null, 0, dhh.data(), dhh.offset(),
                        dhh.data(), dhh.offset(), db.data(), db.offset());
            }
            k.blas().gemm(false, false, n, hidden, gh, 1f, dr, dro, gh, wHh.value().data(), wHh.value().offset(), hidden,
                    cell == Cell.GRU ? 1f : 0f, next.data(), next.offset(), hidden);
        }
        // the input product over every step at once
        Tensor x = xT.rows(steps * n);
        Tensor dWih = wIh.grad();
        k.blas().gemm(true, false, gh, features, steps * n, 1f, dp.data(), dp.offset(), gh, x.data(), x.offset(), features,
                1f, dWih.data(), dWih.offset(), features);
        Tensor dbIh = bIh.grad();
        k.activations().activationBackward(Activation.IDENTITY, steps * n, gh, null, 0, null, 0, dp.data(), dp.offset(),
                dp.data(), dp.offset(), dbIh.data(), dbIh.offset());
        if (cell != Cell.GRU) { // b_hh entered exactly as b_ih did
            Tensor dbHh = bHh.grad();
            k.activations().activationBackward(Activation.IDENTITY, steps * n, gh, null, 0, null, 0, dp.data(), dp.offset(),
                    dp.data(), dp.offset(), dbHh.data(), dbHh.offset());
        }
        if (!needInputGradient) {
            return null;
        }
        Tensor dxt = dxT.rows(steps * n);
        k.blas().gemm(false, false, steps * n, features, gh, 1f, dp.data(), dp.offset(), gh, wIh.value().data(),
                wIh.value().offset(), features, 0f, dxt.data(), dxt.offset(), features);
        Tensor dx = dxBuf.rows(n);
        turn(n, steps, features, dxt.data(), dxt.offset(), dx.data(), dx.offset(), false);
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(wIh, wHh, bIh, bHh);
    }

    @Override
    public int outputFeatures(int inputFeatures) {
        Shapes.same(this, inputFeatures, steps * features);
        return steps * hidden;
    }

    @Override
    public Layer inferenceCopy() {
        return new Recurrent(cell, features, hidden, steps, wIh, wHh, bIh, bHh);
    }

    Recurrent detachedCopy() {
        return new Recurrent(cell, features, hidden, steps, Frozen.copy(wIh), Frozen.copy(wHh), Frozen.copy(bIh), Frozen.copy(bHh));
    }

    @Override
    public String toString() {
        String name = switch (cell) {
            case RNN_TANH -> "RNN(tanh, ";
            case RNN_RELU -> "RNN(relu, ";
            case LSTM -> "LSTM(";
            case GRU -> "GRU(";
        };
        return name + features + " -> " + hidden + ", " + steps + " steps)";
    }
}
