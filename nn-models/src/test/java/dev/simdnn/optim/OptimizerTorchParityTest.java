package dev.simdnn.optim;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.io.Json;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.kernel.scalar.ScalarKernels;
import dev.simdnn.layer.Parameter;
import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Five steps of each optimizer against {@code torch.optim}'s own trajectory on the same parameter
 * and gradients ({@code torch_optimizer_steps.json}, written by {@code make-optimizer-fixtures.py}
 * beside it with torch 1.13): SGD with momentum, plain and Nesterov, with L2 weight decay; Adam
 * with coupled L2; AdamW. On the default backend and the scalar reference, to a few float ulps.
 */
class OptimizerTorchParityTest {

    @Test
    void fiveStepsFollowTorchOptim() throws IOException {
        Map<String, Object> fixture = load();
        float[] w0 = floats(fixture.get("w0"));
        List<?> grads = (List<?>) fixture.get("grads");
        Map<?, ?> after = (Map<?, ?>) fixture.get("after");
        Map<String, Function<Parameter, Optimizer>> cases = Map.of(
                "momentum", p -> new Momentum(List.of(p), 0.05f, 0.9f).weightDecay(0.01f),
                "nesterov", p -> new Momentum(List.of(p), 0.05f, 0.9f).nesterov(true).weightDecay(0.01f),
                "adam", p -> new Adam(List.of(p), 1e-2f).betas(0.9f, 0.999f).epsilon(1e-8f).weightDecay(0.01f),
                "adamw", p -> new Adam(List.of(p), 1e-2f).betas(0.9f, 0.999f).epsilon(1e-8f).decoupled().weightDecay(0.01f));
        for (Kernels k : List.of(KernelsProvider.best(), ScalarKernels.INSTANCE)) {
            for (Map.Entry<String, Function<Parameter, Optimizer>> c : cases.entrySet()) {
                List<?> trajectory = (List<?>) after.get(c.getKey());
                assertNotNull(trajectory, c.getKey());
                Parameter p = new Parameter("w", Tensor.of(w0.clone(), w0.length));
                Optimizer opt = c.getValue().apply(p).on(k);
                for (int s = 0; s < grads.size(); s++) {
                    opt.zeroGrad();
                    float[] g = floats(grads.get(s));
                    for (int i = 0; i < g.length; i++) {
                        p.grad().setFlat(i, g[i]);
                    }
                    opt.step();
                    float[] want = floats(trajectory.get(s));
                    for (int i = 0; i < want.length; i++) {
                        float got = p.value().getFlat(i);
                        // float arithmetic in a possibly different order than torch's kernels: a few ulps
                        assertEquals(want[i], got, 4 * Math.ulp(Math.max(1f, Math.abs(want[i]))),
                                k + " " + c.getKey() + ", step " + (s + 1) + ", element " + i);
                    }
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> load() throws IOException {
        try (InputStream in = OptimizerTorchParityTest.class.getResourceAsStream(
                "/dev/simdnn/optim/torch_optimizer_steps.json")) {
            assertNotNull(in, "fixture torch_optimizer_steps.json");
            return (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private static float[] floats(Object list) {
        List<?> l = (List<?>) list;
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ((Number) l.get(i)).floatValue();
        }
        return f;
    }
}
