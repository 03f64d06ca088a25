package dev.simdnn.optim;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.layer.Parameter;
import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One or two steps of each optimizer on w = 1, worked out by hand (to 1e-6). */
class OptimizerTest {

    private static Parameter param() {
        return new Parameter("w", Tensor.of(new float[] {1f}, 1));
    }

    private static float stepWith(Optimizer opt, Parameter p, float grad) {
        opt.on(KernelsProvider.best()); // the backend under test (-Dsimdnn.kernels)
        opt.zeroGrad();
        p.grad().setFlat(0, grad);
        opt.step();
        return p.value().getFlat(0);
    }

    @Test
    void sgd() {
        Parameter p = param();
        Sgd sgd = new Sgd(List.of(p), 0.1f);
        assertEquals(0.95f, stepWith(sgd, p, 0.5f), 1e-6f); // 1 - 0.1·0.5
        Parameter q = param();
        Optimizer decayed = new Sgd(List.of(q), 0.1f).weightDecay(0.1f);
        assertEquals(0.94f, stepWith(decayed, q, 0.5f), 1e-6f); // 1 - 0.1·(0.5 + 0.1·1)
    }

    @Test
    void momentumAndNesterov() {
        Parameter p = param();
        Momentum m = new Momentum(List.of(p), 0.1f, 0.9f);
        assertEquals(0.95f, stepWith(m, p, 0.5f), 1e-6f);  // v = 0.5, w = 1 - 0.05
        assertEquals(0.855f, stepWith(m, p, 0.5f), 1e-6f); // v = 0.45 + 0.5 = 0.95, w = 0.95 - 0.095
        Parameter q = param();
        Momentum n = new Momentum(List.of(q), 0.1f, 0.9f).nesterov(true);
        assertEquals(0.905f, stepWith(n, q, 0.5f), 1e-6f); // v = 0.5, w = 1 - 0.1·(0.5 + 0.45)
    }

    @Test
    void adamAndAdamW() {
        Parameter p = param();
        Adam adam = new Adam(List.of(p), 0.1f);
        // m = 0.05, v = 0.00025, m̂ = 0.5, v̂ = 0.25: w = 1 - 0.1·0.5/(0.5 + 1e-8)
        assertEquals(0.900000002f, stepWith(adam, p, 0.5f), 1e-6f);
        // m = 0.015, v = 0.00033975, m̂ = 0.0789474, v̂ = 0.1699600: w = 0.9 - 0.1·0.0789474/0.4122621
        assertEquals(0.8808502f, stepWith(adam, p, -0.3f), 1e-6f);
        assertEquals(2, adam.steps());

        Parameter q = param();
        Adam adamW = new Adam(List.of(q), 0.1f).decoupled();
        adamW.weightDecay(0.1f);
        // decay first: 1 - 0.1·0.1·1 = 0.99; then the Adam step of size ≈ 0.1
        assertEquals(0.89f, stepWith(adamW, q, 0.5f), 1e-6f);
    }

    @Test
    void adaGradAndRmsProp() {
        Parameter p = param();
        AdaGrad ada = new AdaGrad(List.of(p), 0.1f);
        // s = 0.25: w = 1 - 0.1·0.5/(0.5 + 1e-10) = 0.9
        assertEquals(0.9f, stepWith(ada, p, 0.5f), 1e-6f);
        // s = 0.5: w = 0.9 - 0.1·0.5/√0.5 = 0.9 - 0.0707107 = 0.8292893
        assertEquals(0.8292893f, stepWith(ada, p, 0.5f), 1e-6f);
        Parameter q = param();
        RmsProp rms = new RmsProp(List.of(q), 0.1f, 0.9f);
        // s = 0.1·0.25 = 0.025: w = 1 - 0.1·0.5/√0.025 = 1 - 0.3162278 = 0.6837722
        assertEquals(0.6837722f, stepWith(rms, q, 0.5f), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> new RmsProp(List.of(q), 0.1f, 1f));
        assertThrows(IllegalArgumentException.class, () -> new AdaGrad(List.of(q), 0.1f).epsilon(0f));
    }

    @Test
    void zeroGradClearsEveryGradient() {
        Parameter a = new Parameter("a", Tensor.of(new float[] {1, 2}, 2));
        Parameter b = new Parameter("b", Tensor.of(new float[] {3}, 1));
        a.grad().fill(5);
        b.grad().fill(7);
        new Sgd(List.of(a, b), 0.1f).zeroGrad();
        assertEquals(0f, a.grad().getFlat(1));
        assertEquals(0f, b.grad().getFlat(0));
    }

    @Test
    void hyperparametersAreValidated() {
        List<Parameter> ps = List.of(param());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, -0.1f));
        assertEquals("learning rate must be > 0, got -0.1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Adam(ps, 0f));
        assertThrows(IllegalArgumentException.class, () -> new Adam(ps, Float.NaN));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Momentum(ps, 0.1f, 1.0f))
                .getMessage().contains("momentum"));
        assertThrows(IllegalArgumentException.class, () -> new Adam(ps, 0.1f).betas(0.9f, 1f));
        assertThrows(IllegalArgumentException.class, () -> new Adam(ps, 0.1f).epsilon(0f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, 0.1f).weightDecay(-1f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(), 0.1f));
    }

    @Test
    void anUnboundOptimizerRefusesToStepAndNamesTheRemedy() {
        // no silent default backend: the model's backend is bound by a Trainer or by on(...)
        Sgd sgd = new Sgd(List.of(param()), 0.1f);
        assertEquals(null, sgd.kernels());
        IllegalStateException e = assertThrows(IllegalStateException.class, sgd::step);
        assertTrue(e.getMessage().contains("not bound to a backend") && e.getMessage().contains("on(model.kernels())"),
                e.getMessage());
        assertEquals(KernelsProvider.best(), sgd.on(KernelsProvider.best()).kernels());
    }
}
