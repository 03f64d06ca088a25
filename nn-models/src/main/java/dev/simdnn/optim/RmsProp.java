package dev.simdnn.optim;

import dev.simdnn.kernel.Updates;
import dev.simdnn.layer.Parameter;
import dev.simdnn.tensor.Tensor;

import java.util.List;

/**
 * RMSProp (Hinton's lecture notes, 2012): per-weight rates from a running mean of squared gradients.
 * <pre>
 *   g' = g + λ·w
 *   s ← ρ·s + (1-ρ)·g'²
 *   w ← w - η·g' / (√s + ε)
 * </pre>
 * Defaults: ρ = 0.99 and ε = 1e-8 (PyTorch's), λ = 0; s starts at 0.
 */
public final class RmsProp extends Optimizer {
    private final float rho;
    private float epsilon = 1e-8f;
    private final List<Tensor> means;

    public RmsProp(List<Parameter> parameters, float learningRate) {
        this(parameters, learningRate, 0.99f);
    }

    /** Decay {@code rho ∈ [0, 1)}. */
    public RmsProp(List<Parameter> parameters, float learningRate, float rho) {
        super(parameters, learningRate);
        this.rho = checkUnitInterval("rho", rho);
        this.means = zerosLikeParameters();
    }

    /** The denominator's ε > 0. */
    public RmsProp epsilon(float epsilon) {
        this.epsilon = checkEpsilon(epsilon);
        return this;
    }

    @Override
    public void step() {
        Updates updates = bound().updates();
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            Tensor s = means.get(i);
            updates.rmspropUpdate(p.size(), learningRate, rho, epsilon, weightDecay, p.value().data(), p.value().offset(),
                    p.grad().data(), p.grad().offset(), s.data(), s.offset());
        }
    }

    @Override
    public String toString() {
        return "rmsprop(lr=" + learningRate + ", rho=" + rho + ", eps=" + epsilon + ", weight_decay=" + weightDecay + ")";
    }
}
