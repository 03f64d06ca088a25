package dev.simdnn.optim;

import dev.simdnn.kernel.Updates;
import dev.simdnn.layer.Parameter;
import dev.simdnn.tensor.Tensor;

import java.util.List;

/**
 * SGD with momentum μ (PyTorch's form; the velocity starts at zero):
 * <pre>
 *   g' = g + λ·w
 *   v  ← μ·v + g'
 *   w  ← w - η·v                (heavy ball)
 *   w  ← w - η·(g' + μ·v)       (Nesterov)
 * </pre>
 * For a constant η this is the course's {@code v ← μ·v - η·g; w ← w + v}, with v scaled by η.
 */
public final class Momentum extends Optimizer {
    private final float momentum;
    private boolean nesterov;
    private final List<Tensor> velocity;

    /** Momentum {@code μ ∈ [0, 1)}, usually 0.9. */
    public Momentum(List<Parameter> parameters, float learningRate, float momentum) {
        super(parameters, learningRate);
        this.momentum = checkUnitInterval("momentum", momentum);
        this.velocity = zerosLikeParameters();
    }

    /** Uses Nesterov's look-ahead form of the update. */
    public Momentum nesterov(boolean on) {
        this.nesterov = on;
        return this;
    }

    @Override
    public void step() {
        Updates updates = bound().updates();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            Tensor v = velocity.get(i);
            updates.momentumUpdate(p.size(), learningRate, momentum, nesterov, weightDecay,
                    p.value().data(), p.value().offset(), p.grad().data(), p.grad().offset(),
                    v.data(), v.offset());
        }
    }

    @Override
    public String toString() {
        return (nesterov ? "nesterov" : "momentum") + "(lr=" + learningRate + ", momentum=" + momentum
                + ", weight_decay=" + weightDecay + ")";
    }
}
