package dev.simdnn.optim;

import dev.simdnn.kernel.Updates;
import dev.simdnn.layer.Parameter;

import java.util.List;

/**
 * Stochastic gradient descent: {@code w ← w - η·(g + λ·w)}, with learning rate η and L2 weight
 * decay λ (default 0).
 */
public final class Sgd extends Optimizer {

    public Sgd(List<Parameter> parameters, float learningRate) {
        super(parameters, learningRate);
    }

    @Override
    public void step() {
        Updates updates = bound().updates();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            updates.sgdUpdate(p.size(), learningRate, weightDecay,
                    p.value().data(), p.value().offset(), p.grad().data(), p.grad().offset());
        }
    }

    @Override
    public String toString() {
        return "sgd(lr=" + learningRate + ", weight_decay=" + weightDecay + ")";
    }
}
