package dev.simdnn.nn;

import dev.simdnn.layer.Mode;
import dev.simdnn.layer.RowBuffer;
import dev.simdnn.tensor.Tensor;

/**
 * Inference on one thread over a model's shared, read-only weights, with buffers of its own: many
 * sessions (one per thread) predict concurrently without locks, and after the first call of a
 * given batch size a session allocates nothing ({@link #predictInto}). Create with
 * {@link Sequential#newSession()}; runs on the model's current backend.
 */
public final class InferenceSession {
    private final Sequential owner;
    private final Sequential net;
    private final RowBuffer inputBuf;

    InferenceSession(Sequential owner, Sequential net) {
        this.owner = owner;
        this.net = net;
        this.inputBuf = new RowBuffer(net.inputFeatures());
    }

    /**
     * Raw outputs for a batch {@code [rows, inputFeatures]}, in this session's buffer: valid until
     * its next call (copy it to keep it).
     *
     * @throws IllegalArgumentException if the width is wrong or an input is NaN or infinite
     */
    public Tensor predict(Tensor batch) {
        checkInput(net.inputFeatures(), batch);
        return predictChecked(batch);
    }

    /** The width and finiteness check of {@link #predict(Tensor)}, naming the row and column. */
    static void checkInput(int features, Tensor batch) {
        if (batch.rank() != 2 || batch.cols() != features) {
            throw new IllegalArgumentException("model expects input [batch, " + features + "] but got " + batch.shape());
        }
        int bad = batch.firstNonFinite();
        if (bad >= 0) {
            throw new IllegalArgumentException("input row " + bad / batch.cols() + ", column " + bad % batch.cols()
                    + " is " + batch.getFlat(bad) + "; inputs must be finite");
        }
    }

    /** {@link #predict(Tensor)} on a batch already checked by {@link #checkInput}. */
    Tensor predictChecked(Tensor batch) {
        return net.forward(owner.kernels(), batch, Mode.INFERENCE);
    }

    /** Raw outputs for one sample, as a new array. */
    public float[] predict(float[] sample) {
        float[] out = new float[net.outputFeatures()];
        predictInto(sample, out);
        return out;
    }

    /** Raw outputs for one sample written to {@code out}; allocation-free after the first call. */
    public void predictInto(float[] sample, float[] out) {
        if (sample.length != net.inputFeatures()) {
            throw new IllegalArgumentException("model expects " + net.inputFeatures() + " input features but the sample has "
                    + sample.length);
        }
        if (out.length != net.outputFeatures()) {
            throw new IllegalArgumentException("the model has " + net.outputFeatures() + " outputs but out has "
                    + out.length + " elements");
        }
        Tensor x = inputBuf.rows(1);
        System.arraycopy(sample, 0, x.data(), x.offset(), sample.length);
        Tensor y = predict(x);
        System.arraycopy(y.data(), y.offset(), out, 0, out.length);
    }
}
