package dev.simdnn.optim;

import dev.simdnn.layer.Parameter;
import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link OptimizerConfig} builds what the constructors build, from the command line's vocabulary. */
class OptimizerConfigTest {
    private static final List<Parameter> PS = List.of(new Parameter("w", Tensor.of(new float[] {1f}, 1)));

    @Test
    void defaultsPerName() {
        assertEquals(new Adam(PS, 0.001f).toString(), Optimizer.parse("adam", PS).toString());
        assertEquals(new Adam(PS, 0.001f).decoupled().toString(), Optimizer.parse("AdamW", PS).toString());
        assertEquals(new Sgd(PS, 0.05f).toString(), Optimizer.parse("sgd", PS).toString());
        assertEquals(new Momentum(PS, 0.05f, 0.9f).toString(), Optimizer.parse("momentum", PS).toString());
        assertEquals(new AdaGrad(PS, 0.05f).toString(), Optimizer.parse("adagrad", PS).toString(), "AdaGrad's own ε");
        assertEquals(new RmsProp(PS, 0.001f).toString(), Optimizer.parse("rmsprop", PS).toString());
        assertEquals(null, Optimizer.parse("sgd", PS).kernels(), "built unbound: the trainer binds the model's backend");
    }

    @Test
    void specsSetHyperparameters() {
        assertEquals(new Momentum(PS, 0.1f, 0.5f).nesterov(true).weightDecay(0.001f).toString(),
                Optimizer.parse("momentum:lr=0.1,momentum=0.5,nesterov,wd=0.001", PS).toString());
        assertEquals(new Adam(PS, 3e-4f).betas(0.8f, 0.99f).epsilon(1e-7f).toString(),
                Optimizer.parse("adam:lr=3e-4,beta1=0.8,beta2=0.99,eps=1e-7", PS).toString());
        OptimizerConfig c = OptimizerConfig.of("momentum").withLearningRate(0.2f).withNesterov(true);
        assertEquals(new Momentum(PS, 0.2f, 0.9f).nesterov(true).toString(), c.build(PS).toString());
    }

    @Test
    void badSpecsNameTheProblem() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OptimizerConfig.parse("lion")).getMessage()
                .contains("unknown optimizer 'lion'; known: sgd, momentum, adam"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OptimizerConfig.parse("adam:gamma=1")).getMessage()
                .contains("unknown key 'gamma'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OptimizerConfig.parse("adam:lr=fast")).getMessage()
                .contains("is not a number"));
        assertEquals("learning rate must be > 0, got -1.0", assertThrows(IllegalArgumentException.class,
                () -> Optimizer.parse("sgd:lr=-1", PS)).getMessage());
    }
}
