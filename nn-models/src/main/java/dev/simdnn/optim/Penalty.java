package dev.simdnn.optim;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Parameter;
import dev.simdnn.tensor.Tensor;

import java.util.List;

/**
 * An L1, L2 or elastic-net penalty on the weights, added to the loss:
 * {@code P(w) = l1·Σ|w| + (l2/2)·Σw²}, with gradient {@code l1·sign(w) + l2·w} (and
 * {@code sign(0) = 0}). L1 pushes weights to exactly zero (sparse models), L2 shrinks them all in
 * proportion (the classic weight decay: with plain SGD, {@code l2} here equals PyTorch's
 * {@code weight_decay}), elastic net mixes the two.
 *
 * <p>It applies to the weight matrices of linear maps only ({@link Parameter#penalized()}: Dense and
 * Maxout weights), not to biases, normalisation scales and shifts or PReLU slopes, though PyTorch
 * names some of those {@code weight} too: penalising those does not reduce overfitting and can hurt (the usual practice in PyTorch
 * and Keras, where penalties are set on kernels). Give it to
 * {@link dev.simdnn.train.Trainer.Builder#penalty}; the training loss it reports includes the
 * penalty, the validation loss does not (it measures the data fit).
 */
public final class Penalty {
    private final float l1;
    private final float l2;

    private Penalty(float l1, float l2) {
        check("l1", l1);
        check("l2", l2);
        this.l1 = l1;
        this.l2 = l2;
    }

    private static void check(String name, float v) {
        if (!(v >= 0 && Float.isFinite(v))) {
            throw new IllegalArgumentException("penalty " + name + " strength must be finite and >= 0, got " + v);
        }
    }

    /** {@code λ·Σ|w|} (lasso). */
    public static Penalty l1(float lambda) {
        return new Penalty(lambda, 0f);
    }

    /** {@code (λ/2)·Σw²} (ridge, weight decay). */
    public static Penalty l2(float lambda) {
        return new Penalty(0f, lambda);
    }

    /** {@code l1·Σ|w| + (l2/2)·Σw²}. */
    public static Penalty elasticNet(float l1, float l2) {
        return new Penalty(l1, l2);
    }

    public float l1() {
        return l1;
    }

    public float l2() {
        return l2;
    }

    /** Whether this penalty applies to {@code p}: the {@linkplain Parameter#penalized() penalized} weight matrices. */
    public boolean appliesTo(Parameter p) {
        return p.penalized();
    }

    /** Adds the penalty's gradient to the gradients of the weights among {@code params}; returns its value. */
    public float apply(Kernels kernels, List<Parameter> params) {
        double total = 0;
        for (int i = 0; i < params.size(); i++) { // indexed: runs every step
            Parameter p = params.get(i);
            if (appliesTo(p)) {
                Tensor w = p.value();
                Tensor g = p.grad();
                total += kernels.updates().elasticNetPenalty(w.size(), l1, l2, w.data(), w.offset(), g.data(), g.offset());
            }
        }
        return (float) total;
    }

    /** The penalty's value only. */
    public float value(Kernels kernels, List<Parameter> params) {
        double total = 0;
        for (Parameter p : params) {
            if (appliesTo(p)) {
                total += kernels.updates().elasticNetPenalty(p.size(), l1, l2, p.value().data(), p.value().offset(), null, 0);
            }
        }
        return (float) total;
    }

    @Override
    public String toString() {
        return l1 == 0 ? "L2(" + l2 + ")" : l2 == 0 ? "L1(" + l1 + ")" : "ElasticNet(l1=" + l1 + ", l2=" + l2 + ")";
    }
}
