package dev.simdnn.optim;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.layer.Parameter;
import dev.simdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Updates parameters from their accumulated gradients, with PyTorch's contract:
 * {@code zeroGrad()}, forward, loss, backward, {@code step()}.
 *
 * <p>Each update is one fused {@link Kernels} pass over a parameter. Per-parameter state
 * (velocities, moments) is allocated once, in the constructor. Hyperparameters are validated when
 * set, with the bad value in the message. Runs on {@link KernelsProvider#best()} unless told
 * otherwise with {@link #on(Kernels)} (the trainer sets the model's backend).
 */
public abstract class Optimizer {
    protected final List<Parameter> parameters;
    protected Kernels kernels = KernelsProvider.best();
    protected float learningRate;
    protected float weightDecay;

    protected Optimizer(List<Parameter> parameters, float learningRate) {
        this.parameters = List.copyOf(Objects.requireNonNull(parameters, "parameters"));
        if (this.parameters.isEmpty()) {
            throw new IllegalArgumentException("an optimizer needs at least one parameter");
        }
        setLearningRate(learningRate);
    }

    /** Clears every parameter's gradient. */
    public void zeroGrad() {
        for (int i = 0; i < parameters.size(); i++) { // indexed: no iterator on the hot path
            parameters.get(i).zeroGrad();
        }
    }

    /** Applies one update to every parameter from its current gradient. */
    public abstract void step();

    /** The backend the updates run on. */
    public Optimizer on(Kernels kernels) {
        this.kernels = Objects.requireNonNull(kernels, "kernels");
        return this;
    }

    public float learningRate() {
        return learningRate;
    }

    /** Sets the learning rate (schedules call this between steps). */
    public final void setLearningRate(float lr) {
        if (!(lr > 0) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
        }
        this.learningRate = lr;
    }

    public float weightDecay() {
        return weightDecay;
    }

    /** L2 weight decay λ ≥ 0 (0 by default); how it enters the update is each optimizer's rule. */
    public Optimizer weightDecay(float lambda) {
        if (!(lambda >= 0) || !Float.isFinite(lambda)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + lambda);
        }
        this.weightDecay = lambda;
        return this;
    }

    public List<Parameter> parameters() {
        return parameters;
    }

    /** Per-parameter optimizer state: one zero tensor shaped like each parameter, allocated once. */
    protected final List<Tensor> zerosLikeParameters() {
        List<Tensor> state = new ArrayList<>(parameters.size());
        for (Parameter p : parameters) {
            state.add(Tensor.zeros(p.value().shape()));
        }
        return state;
    }

    static float checkEpsilon(float epsilon) {
        if (!(epsilon > 0) || !Float.isFinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
        }
        return epsilon;
    }

    static float checkUnitInterval(String name, float v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + v);
        }
        return v;
    }
}
