package dev.simdnn.optim;

import dev.simdnn.kernel.Kernels;
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
 * set, with the bad value in the message.
 *
 * <p>The backend comes from the model: a {@link dev.simdnn.train.Trainer} binds the optimizer to
 * its model's backend; a hand-written loop binds it once with {@code on(model.kernels())}. There
 * is no default: {@link #step()} on an unbound optimizer is an error, never a silent choice.
 */
public abstract class Optimizer {
    protected final List<Parameter> parameters;
    /** The backend the updates run on; {@code null} until {@link #on} binds it. */
    protected Kernels kernels;
    protected float learningRate;
    protected float weightDecay;

    protected Optimizer(List<Parameter> parameters, float learningRate) {
        this.parameters = List.copyOf(Objects.requireNonNull(parameters, "parameters"));
        if (this.parameters.isEmpty()) {
            throw new IllegalArgumentException("an optimizer needs at least one parameter");
        }
        setLearningRate(learningRate);
    }

    /**
     * The optimizer {@code spec} names over {@code parameters}, unbound: the command line's
     * vocabulary, {@code adam}, {@code momentum:lr=0.1,nesterov}, … (see {@link OptimizerConfig#parse}).
     *
     * @throws IllegalArgumentException for an unknown name, key or a bad value
     */
    public static Optimizer parse(String spec, List<Parameter> parameters) {
        return OptimizerConfig.parse(spec).build(parameters);
    }

    /** Clears every parameter's gradient. */
    public void zeroGrad() {
        for (int i = 0; i < parameters.size(); i++) { // indexed: no iterator on the hot path
            parameters.get(i).zeroGrad();
        }
    }

    /** Applies one update to every parameter from its current gradient. */
    public abstract void step();

    /** Binds the updates to {@code kernels} (the model's backend, {@code model.kernels()}). */
    public Optimizer on(Kernels kernels) {
        this.kernels = Objects.requireNonNull(kernels, "kernels");
        return this;
    }

    /** The backend the updates run on, or {@code null} before {@link #on} (or a trainer) bound one. */
    public Kernels kernels() {
        return kernels;
    }

    /** The bound backend; an unbound optimizer names the remedy. */
    protected final Kernels bound() {
        Kernels k = kernels;
        if (k == null) {
            throw new IllegalStateException(this + " is not bound to a backend: call on(model.kernels()), "
                    + "or train through a Trainer, which binds it to the model's backend");
        }
        return k;
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
