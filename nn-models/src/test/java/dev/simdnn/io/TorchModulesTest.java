package dev.simdnn.io;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.nn.Sequential;
import dev.simdnn.tensor.Tensor;
import dev.simdnn.onnx.OnnxImportTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 13, part 3: the model of a bare state dict from its torch module list, checked against the tensors. */
class TorchModulesTest {

    private static Map<String, Tensor> state() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        s.put("0.weight", Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2));
        s.put("0.bias", Tensor.of(new float[] {0, 0, -1}, 3));
        s.put("3.weight", Tensor.of(new float[] {1, -1, 2}, 1, 3)); // after relu (1) and dropout (2); no bias
        return s;
    }

    @Test
    void widthsComeFromTheTensorsAndTheOutputsAreTheTorchModulesOutputs() {
        Sequential m = TorchModules.model("linear,relu,dropout,linear", state(), KernelsProvider.best());
        assertEquals(2, m.inputFeatures());
        // x = (2, 3): h = relu(2, 3, 4) = (2, 3, 4); y = 2 - 3 + 8 = 7
        assertEquals(7f, m.predict(new float[] {2, 3})[0], 1e-6f);
        assertEquals("Sequential(input 2, 0: Dense(2 -> 3, relu), 1: Dropout(0.5), 2: Dense(3 -> 1, identity, no bias))",
                m.toString(), "linear then relu fused into one dense layer: torch's modules 0 and 1");
        assertEquals(java.util.List.of("0.weight", "0.bias", "3.weight"), java.util.List.copyOf(m.namedParameters().keySet()));
    }

    @Test
    void everyActivationAndNormOfRealTorchStateDicts(@TempDir Path dir) throws IOException {
        // made by make-torch-fixtures.py: nn.PReLU() (one shared slope), ELU(0.7), GELU(tanh), SiLU, Softmax ...
        Sequential act = TorchModules.model("linear,relu,linear,leaky_relu(0.2),linear,prelu,linear,sigmoid,linear,tanh,"
                + "linear,elu(alpha=0.7),linear,selu,linear,softplus,linear,gelu_tanh,linear,silu,linear,softmax",
                Safetensors.read(OnnxImportTest.resource(dir, "torch_act.safetensors")), KernelsProvider.best());
        OnnxImportTest.assertReproducesTorch(dir, act, "torch_act_io.json", "outputs");
        // BatchNorm1d trained 20 steps (running statistics, num_batches_tracked as I64), Dropout, LayerNorm
        Map<String, Tensor> norm = Safetensors.read(OnnxImportTest.resource(dir, "torch_norm.safetensors"));
        assertEquals(20f, norm.get("1.num_batches_tracked").getFlat(0), 0f);
        Sequential m = TorchModules.model("linear,batchnorm1d,relu,dropout(0.2),linear,layernorm,tanh,linear", norm,
                KernelsProvider.best());
        assertEquals("Sequential(input 5, 0: Dense(5 -> 8, identity), 1: BatchNorm(8), 2: Activation(relu), 3: Dropout(0.2), "
                + "4: Dense(8 -> 8, identity), 5: LayerNorm(8), 6: Activation(tanh), 7: Dense(8 -> 3, identity))", m.toString());
        assertEquals(20f, m.buffers().get("1.num_batches_tracked").getFlat(0), 0f);
        OnnxImportTest.assertReproducesTorch(dir, m, "torch_norm_io.json", "outputs");
        // torch's default nn.GELU() is the exact (erf) form: module "gelu"
        Sequential gelu = TorchModules.model("linear,gelu,linear",
                Safetensors.read(OnnxImportTest.resource(dir, "torch_gelu_exact.safetensors")), KernelsProvider.best());
        assertEquals("Sequential(input 4, 0: Dense(4 -> 4, gelu_erf), 1: Dense(4 -> 2, identity))", gelu.toString());
        OnnxImportTest.assertReproducesTorch(dir, gelu, "torch_gelu_exact_io.json", "outputs");
        String eps = assertThrows(IllegalArgumentException.class, () -> TorchModules.model("linear,batchnorm1d(epsilon=1e-3)",
                norm, KernelsProvider.best())).getMessage();
        assertEquals("module 1 (batchnorm1d(epsilon=1e-3)): unknown argument 'epsilon'; it takes [eps, momentum]", eps);
    }

    @Test
    void aModuleListThatDisagreesWithTheTensorsIsNamed() {
        String chain = assertThrows(IllegalArgumentException.class,
                () -> TorchModules.model("linear,relu,linear", state(), KernelsProvider.best())).getMessage();
        assertTrue(chain.contains("module 2 (linear): the tensors have no 2-D 2.weight"), chain);
        String unknown = assertThrows(IllegalArgumentException.class,
                () -> TorchModules.model("linear,mish,dropout,linear", state(), KernelsProvider.best())).getMessage();
        assertTrue(unknown.contains("module 1 (mish) is not a module simdnn knows"), unknown);
        Map<String, Tensor> s = state();
        s.put("3.weight", Tensor.of(new float[] {1, -1}, 1, 2));
        String widths = assertThrows(IllegalArgumentException.class,
                () -> TorchModules.model("linear,relu,dropout,linear", s, KernelsProvider.best())).getMessage();
        assertTrue(widths.contains("module 3 (linear): 3.weight takes 2 inputs but module 2 gives 3"), widths);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> TorchModules.model("relu,linear", state(), KernelsProvider.best())).getMessage().contains("must start with linear"));
    }
}
