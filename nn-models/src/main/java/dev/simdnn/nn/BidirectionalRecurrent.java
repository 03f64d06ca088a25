package dev.simdnn.nn;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.layer.RowBuffer;
import dev.simdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A recurrent layer read in both directions, as torch's {@code bidirectional=True}: one
 * {@link Recurrent} over the sequence as it comes, one over it reversed, and at every step the two
 * states side by side, {@code [h_fwd(t), h_bwd(t)]} ({@code 2·H} features per step; the backward
 * state at step {@code t} has read steps {@code T−1 … t}). Parameters as torch names one level of
 * such a module: {@code weight_ih_l0, …, bias_hh_l0} and {@code weight_ih_l0_reverse, …}. A level
 * of a {@link StackedRecurrent} reads the {@code 2·H} features of the level below.
 */
public final class BidirectionalRecurrent implements Layer {
    private final Recurrent forward;
    private final Recurrent backward;
    private final int steps;
    private final int features;
    private final int hidden;
    private final RowBuffer reversedIn;
    private final RowBuffer outBuf;
    private final RowBuffer gradFwd;
    private final RowBuffer gradBwd;
    private final RowBuffer dxBuf;

    /** Level 0 of {@code cell} in both directions, {@code hidden} units each, over {@code steps} steps of {@code features}. */
    public BidirectionalRecurrent(Recurrent.Cell cell, int features, int hidden, int steps, RandomGenerator rng) {
        this(cell, features, hidden, steps, 0, rng);
    }

    /** Level {@code level} of a stack (its parameters {@code _l<level>} and {@code _l<level>_reverse}). */
    BidirectionalRecurrent(Recurrent.Cell cell, int features, int hidden, int steps, int level, RandomGenerator rng) {
        // torch draws every parameter of a level, then of its reverse direction: the same order here
        this(new Recurrent(cell, features, hidden, steps, "l" + level, rng),
                new Recurrent(cell, features, hidden, steps, "l" + level + "_reverse", rng));
    }

    private BidirectionalRecurrent(Recurrent forward, Recurrent backward) {
        this.forward = forward;
        this.backward = backward;
        this.steps = forward.steps();
        this.features = forward.inputFeatures();
        this.hidden = forward.hiddenUnits();
        reversedIn = new RowBuffer(steps * features);
        outBuf = new RowBuffer(steps * 2 * hidden);
        gradFwd = new RowBuffer(steps * hidden);
        gradBwd = new RowBuffer(steps * hidden);
        dxBuf = new RowBuffer(steps * features);
    }

    public Recurrent.Cell cell() {
        return forward.cell();
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

    /** The direction reading the sequence as it comes, then the one reading it reversed. */
    public List<Recurrent> directions() {
        return List.of(forward, backward);
    }

    /** Rows of {@code steps} blocks of {@code width}: block {@code t} of {@code src} to block {@code steps−1−t} of {@code dst}. */
    private void reverse(int rows, int width, float[] src, int so, float[] dst, int dO) {
        for (int n = 0; n < rows; n++) {
            int row = n * steps * width;
            for (int t = 0; t < steps; t++) {
                System.arraycopy(src, so + row + t * width, dst, dO + row + (steps - 1 - t) * width, width);
            }
        }
    }

    @Override
    public Tensor forward(Kernels k, Tensor input, Mode mode) {
        Shapes.checkInput(this, input, steps * features);
        int n = input.rows();
        Tensor yf = forward.forward(k, input, mode);
        Tensor xr = reversedIn.rows(n);
        reverse(n, features, input.data(), input.offset(), xr.data(), xr.offset());
        Tensor yr = backward.forward(k, xr, mode); // in reversed time: its block t is the state at step T−1−t
        Tensor out = outBuf.rows(n);
        float[] o = out.data();
        for (int r = 0; r < n; r++) {
            int row = out.offset() + r * steps * 2 * hidden;
            for (int t = 0; t < steps; t++) {
                System.arraycopy(yf.data(), yf.offset() + (r * steps + t) * hidden, o, row + t * 2 * hidden, hidden);
                System.arraycopy(yr.data(), yr.offset() + (r * steps + steps - 1 - t) * hidden, o,
                        row + t * 2 * hidden + hidden, hidden);
            }
        }
        return out;
    }

    @Override
    public Tensor backward(Kernels k, Tensor gradOutput, boolean needInputGradient) {
        int n = gradOutput.rows();
        Tensor gf = gradFwd.rows(n);
        Tensor gb = gradBwd.rows(n);
        float[] g = gradOutput.data();
        for (int r = 0; r < n; r++) {
            int row = gradOutput.offset() + r * steps * 2 * hidden;
            for (int t = 0; t < steps; t++) {
                System.arraycopy(g, row + t * 2 * hidden, gf.data(), gf.offset() + (r * steps + t) * hidden, hidden);
                System.arraycopy(g, row + t * 2 * hidden + hidden, gb.data(),
                        gb.offset() + (r * steps + steps - 1 - t) * hidden, hidden);
            }
        }
        Tensor dxf = forward.backward(k, gf, needInputGradient);
        Tensor dxr = backward.backward(k, gb, needInputGradient);
        if (!needInputGradient) {
            return dxf;
        }
        Tensor dx = dxBuf.rows(n);
        reverse(n, features, dxr.data(), dxr.offset(), dx.data(), dx.offset());
        k.blas().add(dx.size(), dx.data(), dx.offset(), dxf.data(), dxf.offset(), dx.data(), dx.offset());
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>(forward.parameters());
        all.addAll(backward.parameters());
        return Collections.unmodifiableList(all);
    }

    @Override
    public int outputFeatures(int inputFeatures) {
        Shapes.same(this, inputFeatures, steps * features);
        return steps * 2 * hidden;
    }

    @Override
    public Layer inferenceCopy() {
        return new BidirectionalRecurrent((Recurrent) forward.inferenceCopy(), (Recurrent) backward.inferenceCopy());
    }

    BidirectionalRecurrent detachedCopy() {
        return new BidirectionalRecurrent(forward.detachedCopy(), backward.detachedCopy());
    }

    @Override
    public String toString() {
        String one = forward.toString();
        return one.substring(0, one.length() - 1) + ", bidirectional)";
    }
}
