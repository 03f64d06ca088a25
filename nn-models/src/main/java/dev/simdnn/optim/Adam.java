package dev.simdnn.optim;

import dev.simdnn.kernel.Updates;
import dev.simdnn.layer.Parameter;
import dev.simdnn.tensor.Tensor;

import java.util.List;

/**
 * Adam (Kingma &amp; Ba, 2015), at step t = 1, 2, …:
 * <pre>
 *   g' = g + λ·w                         (L2 weight decay, coupled to the gradient)
 *   m ← β1·m + (1-β1)·g'
 *   v ← β2·v + (1-β2)·g'²
 *   w ← w - η · (m / (1-β1^t)) / (√(v / (1-β2^t)) + ε)
 * </pre>
 * Defaults: β1 = 0.9, β2 = 0.999, ε = 1e-8, λ = 0. {@link #decoupled()} turns it into AdamW, whose
 * decay {@code w ← w - η·λ·w} bypasses the moments (Loshchilov &amp; Hutter, 2019).
 */
public final class Adam extends Optimizer {
    private float beta1 = 0.9f;
    private float beta2 = 0.999f;
    private float epsilon = 1e-8f;
    private boolean decoupled;
    private int t;
    private final List<Tensor> m;
    private final List<Tensor> v;

    public Adam(List<Parameter> parameters, float learningRate) {
        super(parameters, learningRate);
        this.m = zerosLikeParameters();
        this.v = zerosLikeParameters();
    }

    /** The moment decay rates, each in [0, 1). */
    public Adam betas(float beta1, float beta2) {
        this.beta1 = checkUnitInterval("beta1", beta1);
        this.beta2 = checkUnitInterval("beta2", beta2);
        return this;
    }

    /** The denominator's ε > 0. */
    public Adam epsilon(float epsilon) {
        this.epsilon = checkEpsilon(epsilon);
        return this;
    }

    /** Switches weight decay to the decoupled (AdamW) form. */
    public Adam decoupled() {
        this.decoupled = true;
        return this;
    }

    /** Steps taken so far. */
    public int steps() {
        return t;
    }

    @Override
    public void step() {
        Updates updates = bound().updates();
        t++;
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            Tensor mi = m.get(i);
            Tensor vi = v.get(i);
            updates.adamUpdate(p.size(), learningRate, beta1, beta2, epsilon, weightDecay, decoupled, t,
                    p.value().data(), p.value().offset(), p.grad().data(), p.grad().offset(),
                    mi.data(), mi.offset(), vi.data(), vi.offset());
        }
    }

    @Override
    public String toString() {
        return (decoupled ? "adamw" : "adam") + "(lr=" + learningRate + ", betas=(" + beta1 + ", " + beta2
                + "), eps=" + epsilon + ", weight_decay=" + weightDecay + ")";
    }
}
