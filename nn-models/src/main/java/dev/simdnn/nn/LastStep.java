package dev.simdnn.nn;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.layer.RowBuffer;
import dev.simdnn.tensor.Tensor;

import java.util.List;

/**
 * The last of a sequence's {@code steps} states of {@code width} values ({@code output[:, -1]} in
 * torch): what a recurrent classifier reads after its {@link Recurrent} layer. It is no torch module
 * (a torch model does this in its {@code forward}), so it counts none in the numbering of names.
 */
public final class LastStep implements Layer {
    private final int steps;
    private final int width;
    private final RowBuffer yBuf;
    private final RowBuffer dxBuf;
    private int lastRows = -1;

    public LastStep(int steps, int width) {
        Shapes.positive("steps", steps);
        Shapes.positive("state width", width);
        this.steps = steps;
        this.width = width;
        this.yBuf = new RowBuffer(width);
        this.dxBuf = new RowBuffer(steps * width);
    }

    public int steps() {
        return steps;
    }

    @Override
    public Tensor forward(Kernels kernels, Tensor input, Mode mode) {
        Shapes.checkInput(this, input, steps * width);
        int n = input.rows();
        Tensor y = yBuf.rows(n);
        for (int r = 0; r < n; r++) {
            System.arraycopy(input.data(), input.offset() + (r * steps + steps - 1) * width, y.data(), y.offset() + r * width, width);
        }
        lastRows = mode == Mode.TRAINING ? n : -1;
        return y;
    }

    @Override
    public Tensor backward(Kernels kernels, Tensor gradOutput, boolean needInputGradient) {
        if (lastRows < 0) {
            throw new IllegalStateException(this + ": backward needs a forward in training mode first");
        }
        if (!needInputGradient) {
            return null;
        }
        Tensor dx = dxBuf.rows(lastRows);
        dx.fill(0f);
        for (int r = 0; r < lastRows; r++) {
            System.arraycopy(gradOutput.data(), gradOutput.offset() + r * width, dx.data(),
                    dx.offset() + (r * steps + steps - 1) * width, width);
        }
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public int torchModules() {
        return 0;
    }

    @Override
    public int outputFeatures(int inputFeatures) {
        Shapes.same(this, inputFeatures, steps * width);
        return width;
    }

    @Override
    public Layer inferenceCopy() {
        return new LastStep(steps, width);
    }

    @Override
    public String toString() {
        return "LastStep(" + steps + " x " + width + ")";
    }
}
