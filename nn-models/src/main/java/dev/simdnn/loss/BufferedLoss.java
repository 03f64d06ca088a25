package dev.simdnn.loss;

import dev.simdnn.layer.RowBuffer;
import dev.simdnn.tensor.Tensor;

/**
 * The part every loss shares: the reusable buffer its fused forward writes the gradient into,
 * sized once per output width and reused (no allocation per batch), and {@link #backward()}.
 */
abstract class BufferedLoss implements Loss {
    private RowBuffer gradBuf;
    private int gradCols = -1;
    private Tensor grad;

    /** The gradient buffer for an output of this shape; remembered for {@link #backward()}. */
    final Tensor gradientFor(Tensor output) {
        if (output.cols() != gradCols) {
            gradBuf = new RowBuffer(output.cols());
            gradCols = output.cols();
        }
        grad = gradBuf.rows(output.rows());
        return grad;
    }

    @Override
    public final Tensor backward() {
        if (grad == null) {
            throw new IllegalStateException(this + ": backward needs a forward first");
        }
        return grad;
    }
}
