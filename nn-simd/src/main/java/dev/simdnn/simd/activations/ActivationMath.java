package dev.simdnn.simd.activations;

import dev.simdnn.kernel.Activation;
import dev.simdnn.simd.SimdConfig;
import dev.simdnn.simd.math.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Activation values and slopes on whole vectors, shared by {@link PointwiseForward} and
 * {@link PointwiseBackward}.
 */
final class ActivationMath {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = S.length();

    private ActivationMath() {
    }

    static final float GELU_C = (float) Math.sqrt(2.0 / Math.PI);

    static final float GELU_A = 0.044715f;

    static final float SELU_L = (float) Activation.SELU_LAMBDA;

    static final float SELU_A = (float) Activation.SELU_ALPHA;

    /** scale·(z > 0 ? z : alpha·(e^z - 1)). */
    static FloatVector elu(FloatVector z, float alpha, float scale) {
        return VectorMath.expm1(z.min(0f)).mul(alpha).blend(z, z.compare(VectorOperators.GT, 0f)).mul(scale);
    }

    /** scale·(z > 0 ? 1 : alpha·e^z). */
    static FloatVector eluSlope(FloatVector z, float alpha, float scale) {
        return VectorMath.exp(z.min(0f)).mul(alpha).blend(1f, z.compare(VectorOperators.GT, 0f)).mul(scale);
    }

    /** d/dz [z·σ(2u)] = σ(2u) + z·σ'(2u)·2u', u' = c(1 + 3a z²); one exp for both σ and σ'. */
    static FloatVector geluSlope(FloatVector z) {
        FloatVector twoU = geluU(z).mul(2f);
        FloatVector du = z.mul(z).mul(3f * GELU_A).add(1f).mul(2f * GELU_C);
        return sigmoidPlusSlope(twoU, z.mul(du));
    }

    /**
     * Φ(z) = erfc(x)/2, x = -z/√2, with erfc from Numerical Recipes' Chebyshev fit
     * {@code erfc(|x|) = t·exp(-x² + P(t))}, {@code t = 1/(1 + |x|/2)} (fractional error < 1.2e-7
     * everywhere, so also in the lower tail), and {@code erfc(-|x|) = 2 - erfc(|x|)}.
     */
    static FloatVector normalCdf(FloatVector z) {
        FloatVector x = z.mul(-INV_SQRT2);
        FloatVector ax = x.abs();
        FloatVector t = ax.mul(0.5f).add(1f);
        t = t.broadcast(1f).div(t);
        FloatVector p = t.mul(0.17087277f).add(-0.82215223f).mul(t).add(1.48851587f).mul(t).add(-1.13520398f)
                .mul(t).add(0.27886807f).mul(t).add(-0.18628806f).mul(t).add(0.09678418f).mul(t).add(0.37409196f)
                .mul(t).add(1.00002368f).mul(t).add(-1.26551223f);
        FloatVector half = VectorMath.exp(p.sub(ax.mul(ax))).mul(t).mul(0.5f); // erfc(|x|)/2
        return half.neg().add(1f).blend(half, x.compare(VectorOperators.GE, 0f));
    }

    /** d/dz z·Φ(z) = Φ(z) + z·φ(z), φ(z) = e^(-z²/2)/√(2π). */
    static FloatVector geluErfSlope(FloatVector z) {
        FloatVector phi = VectorMath.exp(z.mul(z).mul(-0.5f)).mul(INV_SQRT_2PI);
        return normalCdf(z).add(z.mul(phi));
    }

    static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));

    static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));

    /** σ(z) + z·σ'(z). */
    static FloatVector swishSlope(FloatVector z) {
        return sigmoidPlusSlope(z, z);
    }

    /** σ(x) + w·σ'(x) from a single e = exp(-|x|): (x ≥ 0 ? 1 : e)/(1+e) + w·e/(1+e)². */
    static FloatVector sigmoidPlusSlope(FloatVector x, FloatVector w) {
        FloatVector e = VectorMath.exp(x.abs().neg());
        FloatVector d = e.add(1f);
        FloatVector sig = x.broadcast(1f).blend(e, x.compare(VectorOperators.LT, 0f)).div(d);
        return sig.add(w.mul(e).div(d.mul(d)));
    }

    static FloatVector geluU(FloatVector z) {
        // √(2/π)·(z + 0.044715 z³), as z·(c + c·a·z²)
        return z.mul(z).mul(GELU_C * GELU_A).add(GELU_C).mul(z);
    }

    /** σ(z) = (z ≥ 0 ? 1 : e)/(1 + e), e = exp(-|z|). */
    static FloatVector sigmoid(FloatVector z) {
        return VectorMath.sigmoid(z);
    }

    /** scale·σ(z)(1-σ(z)) = scale·e/(1+e)², e = exp(-|z|). */
    static FloatVector sigmoidSlope(FloatVector z, float scale) {
        FloatVector e = VectorMath.exp(z.abs().neg());
        FloatVector d = e.add(1f);
        return e.mul(scale).div(d.mul(d));
    }

    /** 1 - tanh²(z) = 4e/(1+e)², e = exp(-2|z|). */
    static FloatVector tanhSlope(FloatVector z) {
        FloatVector e = VectorMath.exp(z.abs().mul(-2f));
        FloatVector d = e.add(1f);
        return e.mul(4f).div(d.mul(d));
    }
}
