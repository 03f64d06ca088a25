package dev.simdnn.optim;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Parameter;

import java.util.List;

/**
 * Gradient clipping, applied between backward and the optimizer step (as PyTorch's
 * {@code clip_grad_norm_} and {@code clip_grad_value_}).
 */
public final class GradientClipping {
    private GradientClipping() {
    }

    /**
     * Scales every gradient by {@code maxNorm / ‖g‖} when the global L2 norm {@code ‖g‖} over all
     * parameters exceeds {@code maxNorm} (directions are kept). Returns the norm before clipping.
     */
    public static float byGlobalNorm(Kernels k, List<Parameter> parameters, float maxNorm) {
        if (!(maxNorm > 0) || !Float.isFinite(maxNorm)) {
            throw new IllegalArgumentException("max gradient norm must be > 0, got " + maxNorm);
        }
        double sq = 0;
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            sq += k.blas().sumOfSquares(p.size(), p.grad().data(), p.grad().offset());
        }
        float norm = (float) Math.sqrt(sq);
        if (norm > maxNorm) {
            float f = maxNorm / norm;
            for (int i = 0; i < parameters.size(); i++) {
                Parameter p = parameters.get(i);
                k.blas().scale(p.size(), f, p.grad().data(), p.grad().offset());
            }
        }
        return norm;
    }

    /** Clamps every gradient element to {@code [-limit, limit]}. */
    public static void byValue(Kernels k, List<Parameter> parameters, float limit) {
        if (!(limit > 0) || !Float.isFinite(limit)) {
            throw new IllegalArgumentException("gradient clip value must be > 0, got " + limit);
        }
        for (int i = 0; i < parameters.size(); i++) {
            Parameter p = parameters.get(i);
            k.blas().clamp(p.size(), -limit, limit, p.grad().data(), p.grad().offset());
        }
    }
}
