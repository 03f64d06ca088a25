package dev.simdnn.simd.fused;

import dev.simdnn.kernel.Activation;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Every {@link Activation} and its derivative on a whole vector, in float.
 *
 * <p>{@code exp}, {@code expm1}, {@code log1p} and {@code tanh} come from {@link VectorMath}
 * (polynomials of exact operations: the same bits before and after JIT compilation).
 * The formulas are rearranged so that no result comes from subtracting two nearly equal numbers,
 * which in float would lose most digits where the double reference keeps them:
 * <ul>
 *   <li>sigmoid and its derivative from {@code e = exp(-|z|) ∈ (0, 1]}:
 *       {@code σ = (z ≥ 0 ? 1 : e)/(1+e)}, {@code σ(1-σ) = e/(1+e)²} (never overflows, never 1 - σ);</li>
 *   <li>{@code 1 - tanh²(z) = 4e/(1+e)²} with {@code e = exp(-2|z|)};</li>
 *   <li>GELU (tanh form) as {@code z·σ(2u)}, since {@code (1 + tanh u)/2 = σ(2u)}.</li>
 * </ul>
 * The measured worst error against the double reference is asserted in the tests (see
 * {@code SimdActivationAccuracyTest}).
 */
public final class VectorActivations {
    private static final float GELU_C = (float) Math.sqrt(2.0 / Math.PI);
    private static final float GELU_A = 0.044715f;
    private static final float SELU_L = (float) Activation.SELU_LAMBDA;
    private static final float SELU_A = (float) Activation.SELU_ALPHA;

    private VectorActivations() {
    }

    /** {@code f(z)} lane by lane. */
    public static FloatVector apply(Activation.Kind kind, float alpha, FloatVector z) {
        return switch (kind) {
            case IDENTITY -> z;
            case STEP -> z.broadcast(0f).blend(1f, z.compare(VectorOperators.GE, 0f));
            case SIGMOID -> sigmoid(z);
            case TANH -> VectorMath.tanh(z);
            case RELU -> z.max(0f);
            case LEAKY_RELU -> z.mul(alpha).blend(z, z.compare(VectorOperators.GT, 0f));
            case ELU -> elu(z, alpha, 1f);
            case SELU -> elu(z, SELU_A, SELU_L);
            case GELU -> z.mul(sigmoid(geluU(z).mul(2f)));
            case SWISH -> z.mul(sigmoid(z));
            case SOFTPLUS -> softplus(z);
        };
    }

    /** scale·(z > 0 ? z : alpha·(e^z - 1)). */
    private static FloatVector elu(FloatVector z, float alpha, float scale) {
        return VectorMath.expm1(z.min(0f)).mul(alpha).blend(z, z.compare(VectorOperators.GT, 0f)).mul(scale);
    }

    /** max(z, 0) + log1p(e^-|z|). */
    private static FloatVector softplus(FloatVector z) {
        return z.max(0f).add(VectorMath.log1p(VectorMath.exp(z.abs().neg())));
    }

    /** {@code f'(z)} lane by lane. */
    public static FloatVector derivative(Activation.Kind kind, float alpha, FloatVector z) {
        // Each case is its own small method: the whole stays within C2's inlining budget, so no
        // vector is ever boxed across a call.
        return switch (kind) {
            case IDENTITY -> z.broadcast(1f);
            case STEP -> z.broadcast(0f);
            case SIGMOID -> sigmoidSlope(z, 1f);
            case SOFTPLUS -> sigmoid(z);
            case TANH -> tanhSlope(z);
            case RELU -> z.broadcast(0f).blend(1f, z.compare(VectorOperators.GT, 0f));
            case LEAKY_RELU -> z.broadcast(alpha).blend(1f, z.compare(VectorOperators.GT, 0f));
            case ELU -> eluSlope(z, alpha, 1f);
            case SELU -> eluSlope(z, SELU_A, SELU_L);
            case GELU -> geluSlope(z);
            case SWISH -> swishSlope(z);
        };
    }

    /** scale·(z > 0 ? 1 : alpha·e^z). */
    private static FloatVector eluSlope(FloatVector z, float alpha, float scale) {
        return VectorMath.exp(z.min(0f)).mul(alpha).blend(1f, z.compare(VectorOperators.GT, 0f)).mul(scale);
    }

    /** d/dz [z·σ(2u)] = σ(2u) + z·σ'(2u)·2u', u' = c(1 + 3a z²); one exp for both σ and σ'. */
    private static FloatVector geluSlope(FloatVector z) {
        FloatVector twoU = geluU(z).mul(2f);
        FloatVector du = z.mul(z).mul(3f * GELU_A).add(1f).mul(2f * GELU_C);
        return sigmoidPlusSlope(twoU, z.mul(du));
    }

    /** σ(z) + z·σ'(z). */
    private static FloatVector swishSlope(FloatVector z) {
        return sigmoidPlusSlope(z, z);
    }

    /** σ(x) + w·σ'(x) from a single e = exp(-|x|): (x ≥ 0 ? 1 : e)/(1+e) + w·e/(1+e)². */
    private static FloatVector sigmoidPlusSlope(FloatVector x, FloatVector w) {
        FloatVector e = VectorMath.exp(x.abs().neg());
        FloatVector d = e.add(1f);
        FloatVector sig = x.broadcast(1f).blend(e, x.compare(VectorOperators.LT, 0f)).div(d);
        return sig.add(w.mul(e).div(d.mul(d)));
    }

    private static FloatVector geluU(FloatVector z) {
        // √(2/π)·(z + 0.044715 z³), as z·(c + c·a·z²)
        return z.mul(z).mul(GELU_C * GELU_A).add(GELU_C).mul(z);
    }

    /** σ(z) = (z ≥ 0 ? 1 : e)/(1 + e), e = exp(-|z|). */
    static FloatVector sigmoid(FloatVector z) {
        FloatVector e = VectorMath.exp(z.abs().neg());
        VectorMask<Float> neg = z.compare(VectorOperators.LT, 0f);
        return z.broadcast(1f).blend(e, neg).div(e.add(1f));
    }

    /** scale·σ(z)(1-σ(z)) = scale·e/(1+e)², e = exp(-|z|). */
    private static FloatVector sigmoidSlope(FloatVector z, float scale) {
        FloatVector e = VectorMath.exp(z.abs().neg());
        FloatVector d = e.add(1f);
        return e.mul(scale).div(d.mul(d));
    }

    /** 1 - tanh²(z) = 4e/(1+e)², e = exp(-2|z|). */
    private static FloatVector tanhSlope(FloatVector z) {
        FloatVector e = VectorMath.exp(z.abs().mul(-2f));
        FloatVector d = e.add(1f);
        return e.mul(4f).div(d.mul(d));
    }
}
