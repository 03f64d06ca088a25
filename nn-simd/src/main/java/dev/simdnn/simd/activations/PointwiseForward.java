package dev.simdnn.simd.activations;

import dev.simdnn.kernel.Activation;
import dev.simdnn.simd.SimdConfig;
import dev.simdnn.simd.gemm.Blocking;
import dev.simdnn.simd.math.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The forward loops of {@link SimdActivations#activationForward}, one per activation kind.
 */
final class PointwiseForward {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = S.length();

    private PointwiseForward() {
    }

    /**
     * {@code y[i] = f(x[i])} for {@code n} elements; {@code y} (modified) may alias {@code x}.
     *
     * <p>Dispatches once per call to a loop of its own for each kind. One loop holding every kind's
     * code (a switch inside the loop) exceeds C2's inlining budget as soon as the JIT has seen two
     * kinds, as in any real network, and then boxes a vector per element: measured 12 bytes per
     * element and a 10× slowdown. Each loop below compiles separately and allocates nothing.
     */
    static void forward(Activation.Kind kind, float alpha, int n, float[] x, int xo, float[] y, int yo) {
        switch (kind) {
            case IDENTITY -> forwardIdentity(alpha, n, x, xo, y, yo);
            case STEP -> forwardStep(alpha, n, x, xo, y, yo);
            case SIGMOID -> forwardSigmoid(alpha, n, x, xo, y, yo);
            case TANH -> forwardTanh(alpha, n, x, xo, y, yo);
            case RELU -> forwardRelu(alpha, n, x, xo, y, yo);
            case LEAKY_RELU -> forwardLeakyRelu(alpha, n, x, xo, y, yo);
            case ELU -> forwardElu(alpha, n, x, xo, y, yo);
            case SELU -> forwardSelu(alpha, n, x, xo, y, yo);
            case GELU -> forwardGelu(alpha, n, x, xo, y, yo);
            case GELU_ERF -> forwardGeluErf(alpha, n, x, xo, y, yo);
            case SWISH -> forwardSwish(alpha, n, x, xo, y, yo);
            case SOFTPLUS -> forwardSoftplus(alpha, n, x, xo, y, yo);
        }
    }

    // Identity and ReLU, the MLP's hot pair: full vectors unmasked, the last few in scalar code with the
    // same operation (a mask built per iteration costs more than the work; a second, masked vector
    // loop per kind made the dispatching method too large for C2 to inline without boxing).
    private static void forwardIdentity(float alpha, int n, float[] x, int xo, float[] y, int yo) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, x, xo + i).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = x[xo + i];
        }
    }

    private static void forwardStep(float alpha, int n, float[] x, int xo, float[] y, int yo) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector z = FloatVector.fromArray(S, x, xo + i, m);
            z.broadcast(0f).blend(1f, z.compare(VectorOperators.GE, 0f)).intoArray(y, yo + i, m);
        }
    }

    private static void forwardSigmoid(float alpha, int n, float[] x, int xo, float[] y, int yo) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector z = FloatVector.fromArray(S, x, xo + i, m);
            ActivationMath.sigmoid(z).intoArray(y, yo + i, m);
        }
    }

    private static void forwardTanh(float alpha, int n, float[] x, int xo, float[] y, int yo) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector z = FloatVector.fromArray(S, x, xo + i, m);
            VectorMath.tanh(z).intoArray(y, yo + i, m);
        }
    }

    private static void forwardRelu(float alpha, int n, float[] x, int xo, float[] y, int yo) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector.fromArray(S, x, xo + i).max(0f).intoArray(y, yo + i); // lane-wise Math.max
        }
        for (; i < n; i++) {
            y[yo + i] = Math.max(x[xo + i], 0f);
        }
    }

    private static void forwardLeakyRelu(float alpha, int n, float[] x, int xo, float[] y, int yo) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector z = FloatVector.fromArray(S, x, xo + i, m);
            z.mul(alpha).blend(z, z.compare(VectorOperators.GT, 0f)).intoArray(y, yo + i, m);
        }
    }

    private static void forwardElu(float alpha, int n, float[] x, int xo, float[] y, int yo) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector z = FloatVector.fromArray(S, x, xo + i, m);
            ActivationMath.elu(z, alpha, 1f).intoArray(y, yo + i, m);
        }
    }

    private static void forwardSelu(float alpha, int n, float[] x, int xo, float[] y, int yo) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector z = FloatVector.fromArray(S, x, xo + i, m);
            ActivationMath.elu(z, ActivationMath.SELU_A, ActivationMath.SELU_L).intoArray(y, yo + i, m);
        }
    }

    private static void forwardGelu(float alpha, int n, float[] x, int xo, float[] y, int yo) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector z = FloatVector.fromArray(S, x, xo + i, m);
            z.mul(ActivationMath.sigmoid(ActivationMath.geluU(z).mul(2f))).intoArray(y, yo + i, m);
        }
    }

    private static void forwardGeluErf(float alpha, int n, float[] x, int xo, float[] y, int yo) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector z = FloatVector.fromArray(S, x, xo + i, m);
            z.mul(ActivationMath.normalCdf(z)).intoArray(y, yo + i, m);
        }
    }

    private static void forwardSwish(float alpha, int n, float[] x, int xo, float[] y, int yo) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector z = FloatVector.fromArray(S, x, xo + i, m);
            z.mul(ActivationMath.sigmoid(z)).intoArray(y, yo + i, m);
        }
    }

    /**
     * Softplus in two passes per chunk, e = exp(-|z|) into scratch, then max(z, 0) + log1p(e): one
     * loop holding both exp and log1p exceeded C2's inlining limits and boxed a vector per element.
     */
    private static void forwardSoftplus(float alpha, int n, float[] x, int xo, float[] y, int yo) {
        float[] e = SOFTPLUS_SCRATCH.get();
        for (int c = 0; c < n; c += SOFTPLUS_CHUNK) {
            int len = Math.min(SOFTPLUS_CHUNK, n - c);
            softplusExpPass(len, x, xo + c, e);
            softplusLogPass(len, x, xo + c, e, y, yo + c);
        }
    }

    /** Chunk of the softplus scratch buffer (per thread). */
    private static final int SOFTPLUS_CHUNK = Blocking.CURRENT.chunk();

    private static final ThreadLocal<float[]> SOFTPLUS_SCRATCH = ThreadLocal.withInitial(() -> new float[SOFTPLUS_CHUNK]);

    /** e = exp(-|x|); its own method, so it has its own compilation budget. */
    private static void softplusExpPass(int len, float[] x, int xo, float[] e) {
        for (int i = 0; i < len; i += L) {
            VectorMask<Float> m = S.indexInRange(i, len);
            VectorMath.exp(FloatVector.fromArray(S, x, xo + i, m).abs().neg()).intoArray(e, i, m);
        }
    }

    /** y = max(x, 0) + log1p(e). */
    private static void softplusLogPass(int len, float[] x, int xo, float[] e, float[] y, int yo) {
        for (int i = 0; i < len; i += L) {
            VectorMask<Float> m = S.indexInRange(i, len);
            FloatVector z = FloatVector.fromArray(S, x, xo + i, m);
            z.max(0f).add(VectorMath.log1p(FloatVector.fromArray(S, e, i, m))).intoArray(y, yo + i, m);
        }
    }
}
