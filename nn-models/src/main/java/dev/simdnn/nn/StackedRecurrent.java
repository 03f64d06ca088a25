package dev.simdnn.nn;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A stack of recurrent layers as torch builds one module of {@code num_layers} ({@code nn.LSTM(F,
 * H, num_layers=L, batch_first=True)}, no dropout between levels): level 0 reads the sequence,
 * level {@code l} reads every state of level {@code l − 1}, and the output is every state of the
 * last level. One torch module: its parameters are {@code weight_ih_l0 … bias_hh_l<L−1>}, in torch's
 * order and shapes ({@code weight_ih_l1 [G·H, H]}). Forward and backward chain the levels'
 * {@link Recurrent}s, so a stack computes what the same layers one after the other compute.
 */
public final class StackedRecurrent implements Layer {
    private final List<Layer> levels;
    private final Recurrent.Cell cell;
    private final int features;
    private final int hidden;
    private final int steps;
    private final boolean bidirectional;

    /**
     * {@code layers} levels of {@code cell}, {@code hidden} units each, over sequences of {@code steps}
     * steps of {@code features}; weights drawn in torch's order (level by level, as {@link Recurrent}).
     *
     * @throws IllegalArgumentException if {@code layers < 2} (one level is a {@link Recurrent}) or a size is not positive
     */
    public StackedRecurrent(Recurrent.Cell cell, int features, int hidden, int steps, int layers, RandomGenerator rng) {
        this(cell, features, hidden, steps, layers, false, rng);
    }

    /**
     * As {@link #StackedRecurrent(Recurrent.Cell, int, int, int, int, RandomGenerator)}, each level
     * read in both directions when {@code bidirectional} ({@link BidirectionalRecurrent}: level
     * {@code l > 0} reads {@code 2·H} features).
     */
    public StackedRecurrent(Recurrent.Cell cell, int features, int hidden, int steps, int layers, boolean bidirectional,
                            RandomGenerator rng) {
        if (layers < 2) {
            throw new IllegalArgumentException("a stack needs 2 or more recurrent layers, got " + layers
                    + " (one layer is a Recurrent)");
        }
        Objects.requireNonNull(rng, "rng");
        List<Layer> l = new ArrayList<>();
        int width = bidirectional ? 2 * hidden : hidden;
        for (int i = 0; i < layers; i++) {
            int in = i == 0 ? features : width;
            l.add(bidirectional ? new BidirectionalRecurrent(cell, in, hidden, steps, i, rng)
                    : new Recurrent(cell, in, hidden, steps, i, rng));
        }
        this.levels = Collections.unmodifiableList(l);
        this.cell = cell;
        this.features = features;
        this.hidden = hidden;
        this.steps = steps;
        this.bidirectional = bidirectional;
    }

    private StackedRecurrent(List<Layer> levels, StackedRecurrent like) {
        this.levels = Collections.unmodifiableList(levels);
        this.cell = like.cell;
        this.features = like.features;
        this.hidden = like.hidden;
        this.steps = like.steps;
        this.bidirectional = like.bidirectional;
    }

    /** The levels, first to last: {@link Recurrent}s, or {@link BidirectionalRecurrent}s. */
    public List<Layer> levels() {
        return levels;
    }

    public Recurrent.Cell cell() {
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

    /** Whether each level reads the sequence both ways. */
    public boolean bidirectional() {
        return bidirectional;
    }

    /** The number of levels ({@code num_layers}). */
    public int layers() {
        return levels.size();
    }

    @Override
    public Tensor forward(Kernels k, Tensor input, Mode mode) {
        Tensor x = input;
        for (int i = 0; i < levels.size(); i++) { // by index: an iterator per call would be garbage per step
            x = levels.get(i).forward(k, x, mode);
        }
        return x;
    }

    @Override
    public Tensor backward(Kernels k, Tensor gradOutput, boolean needInputGradient) {
        Tensor g = gradOutput;
        for (int i = levels.size() - 1; i >= 0; i--) {
            g = levels.get(i).backward(k, g, i > 0 || needInputGradient);
        }
        return g;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> all = new ArrayList<>();
        for (Layer r : levels) {
            all.addAll(r.parameters());
        }
        return Collections.unmodifiableList(all);
    }

    @Override
    public int outputFeatures(int inputFeatures) {
        int w = inputFeatures;
        for (Layer r : levels) {
            w = r.outputFeatures(w);
        }
        return w;
    }

    @Override
    public Layer inferenceCopy() {
        List<Layer> copies = new ArrayList<>();
        for (Layer r : levels) {
            copies.add(r.inferenceCopy());
        }
        return new StackedRecurrent(copies, this);
    }

    StackedRecurrent detachedCopy() {
        List<Layer> copies = new ArrayList<>();
        for (Layer r : levels) {
            copies.add(r instanceof BidirectionalRecurrent b ? b.detachedCopy() : ((Recurrent) r).detachedCopy());
        }
        return new StackedRecurrent(copies, this);
    }

    @Override
    public String toString() {
        String one = levels.get(0).toString();
        return one.substring(0, one.length() - 1) + ", " + levels.size() + " layers)";
    }
}
