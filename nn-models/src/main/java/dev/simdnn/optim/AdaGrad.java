package dev.simdnn.optim;

import dev.simdnn.kernel.Updates;
import dev.simdnn.layer.Parameter;
import dev.simdnn.tensor.Tensor;

import java.util.List;

/**
 * AdaGrad (Duchi, Hazan &amp; Singer, 2011): per-weight rates that shrink with the squared
 * gradients seen so far.
 * <pre>
 *   g' = g + λ·w
 *   s ← s + g'²
 *   w ← w - η·g' / (√s + ε)
 * </pre>
 * Defaults: ε = 1e-10 (PyTorch's), λ = 0; s starts at 0.
 */
public final class AdaGrad extends Optimizer {
    private float epsilon = 1e-10f;
    private final List<Tensor> sums;

    public AdaGrad(List<Parameter> parameters, float learningRate) {
        super(parameters, learningRate);
        this.sums = zerosLikeParameters();
    }

    /** The denominator's ε > 0. */
    public AdaGrad epsilon(float epsilon) {
        this.epsilon = checkEpsilon(epsilon);
        return this;
    }

    @Override
    public void step() {
        Updates updates = bound().updates();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            Tensor s = sums.get(i);
            updates.adagradUpdate(p.size(), learningRate, epsilon, weightDecay, p.value().data(), p.value().offset(),
                    p.grad().data(), p.grad().offset(), s.data(), s.offset());
        }
    }

    @Override
    public String toString() {
        return "adagrad(lr=" + learningRate + ", eps=" + epsilon + ", weight_decay=" + weightDecay + ")";
    }
}
