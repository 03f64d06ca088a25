package dev.simdnn.kernel;

/**
 * The element-wise part of one time step of the gated recurrent cells, as PyTorch defines them (the
 * products with the weights run in {@link Blas}); each over {@code rows} sequences of a batch and
 * {@code hidden} units, every matrix contiguous, {@code rows × (gates·hidden)} or {@code rows × hidden}.
 *
 * <p>LSTM, gates in torch's order {@code i, f, g, o}: {@code i, f, o = σ(·)}, {@code g = tanh(·)},
 * {@code c = f⊙c' + i⊙g}, {@code h = o⊙tanh(c)}. GRU, gates {@code r, z, n}: {@code r, z = σ(ih + hh)},
 * {@code n = tanh(ih_n + r⊙hh_n)}, {@code h = (1 − z)⊙n + z⊙h'} ({@code ih = x·W_ihᵀ + b_ih},
 * {@code hh = h'·W_hhᵀ + b_hh}).
 *
 * <p>One family of the {@link Kernels} contract; its conventions apply.
 */
public interface Recurrences {

    /**
     * One LSTM step forward.
     *
     * @param gates modified: in, the pre-activations {@code x·W_ihᵀ + h'·W_hhᵀ + b} ({@code rows × 4H});
     *              out, the gate values {@code i, f, g, o}
     * @param cPrev not modified: {@code c'} ({@code rows × H})
     * @param c     modified: the new cell state
     * @param tanhC modified: {@code tanh(c)}, kept for backward
     * @param h     modified: the new hidden state
     */
    void lstmForward(int rows, int hidden, float[] gates, int gatesOffset, float[] cPrev, int cPrevOffset,
                     float[] c, int cOffset, float[] tanhC, int tanhCOffset, float[] h, int hOffset);

    /**
     * One LSTM step backward: from {@code dh} and the cell gradient of the next step, the gradient of
     * the gate pre-activations and the cell gradient for the previous step.
     *
     * @param gates  not modified: the gate values of {@link #lstmForward}
     * @param dh     not modified: {@code ∂L/∂h} of this step (from above and from the next step)
     * @param dc     modified: in, {@code ∂L/∂c} from the next step; out, {@code ∂L/∂c'} for the previous one
     * @param dGates modified: {@code ∂L/∂(pre-activations)} ({@code rows × 4H})
     */
    void lstmBackward(int rows, int hidden, float[] gates, int gatesOffset, float[] cPrev, int cPrevOffset,
                      float[] tanhC, int tanhCOffset, float[] dh, int dhOffset, float[] dc, int dcOffset,
                      float[] dGates, int dGatesOffset);

    /**
     * One GRU step forward.
     *
     * @param ih    not modified: {@code x·W_ihᵀ + b_ih} ({@code rows × 3H})
     * @param hh    not modified: {@code h'·W_hhᵀ + b_hh} ({@code rows × 3H})
     * @param hPrev not modified: {@code h'}
     * @param gates modified: {@code r, z, n} ({@code rows × 3H}), kept for backward
     * @param h     modified: the new hidden state
     */
    void gruForward(int rows, int hidden, float[] ih, int ihOffset, float[] hh, int hhOffset, float[] hPrev, int hPrevOffset,
                    float[] gates, int gatesOffset, float[] h, int hOffset);

    /**
     * One GRU step backward.
     *
     * @param dh     not modified: {@code ∂L/∂h} of this step
     * @param dIh    modified: {@code ∂L/∂ih} ({@code rows × 3H})
     * @param dHh    modified: {@code ∂L/∂hh} ({@code rows × 3H})
     * @param dhPrev modified: the direct part of {@code ∂L/∂h'}, {@code dh⊙z} (the part through
     *               {@code hh} is {@code dHh·W_hh}, added by the caller)
     */
    void gruBackward(int rows, int hidden, float[] gates, int gatesOffset, float[] hh, int hhOffset, float[] hPrev,
                     int hPrevOffset, float[] dh, int dhOffset, float[] dIh, int dIhOffset, float[] dHh, int dHhOffset,
                     float[] dhPrev, int dhPrevOffset);
}
