package dev.simdnn.simd.fused;

import dev.simdnn.kernel.Activation;
import dev.simdnn.simd.SimdConfig;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

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
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int LANES = S.length();
    private static final float GELU_C = (float) Math.sqrt(2.0 / Math.PI);
    private static final float GELU_A = 0.044715f;
    private static final float SELU_L = (float) Activation.SELU_LAMBDA;
    private static final float SELU_A = (float) Activation.SELU_ALPHA;

    private VectorActivations() {
    }

    /**
     * {@code y[i] = f(x[i])} for {@code n} elements; {@code y} (modified) may alias {@code x}.
     *
     * <p>Dispatches once per call to a loop of its own for each kind. One loop holding every kind's
     * code (a switch inside the loop) exceeds C2's inlining budget as soon as the JIT has seen two
     * kinds, as in any real network, and then boxes a vector per element: measured 12 bytes per
     * element and a 10× slowdown. Each loop below compiles separately and allocates nothing.
     */
    public static void forward(Activation.Kind kind, float alpha, int n, float[] x, int xo, float[] y, int yo) {
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
            case SWISH -> forwardSwish(alpha, n, x, xo, y, yo);
            case SOFTPLUS -> forwardSoftplus(alpha, n, x, xo, y, yo);
        }
    }

    /**
     * {@code dz = dy ⊙ f'(z)} over {@code rows × cols}, and {@code dbias[j] += Σ_r dz[r, j]} when
     * {@code dbias != null} (fused: the gradient is still in registers). {@code z} is not read for
     * identity; {@code dz} may alias {@code dy}. Same one-loop-per-kind structure as {@link #forward}.
     */
    public static void backward(Activation.Kind kind, float alpha, int rows, int cols, float[] z, int zo,
                                float[] dy, int dyo, float[] dz, int dzo, float[] dbias, int bo) {
        switch (kind) {
            case IDENTITY -> backwardIdentity(alpha, rows, cols, z, zo, dy, dyo, dz, dzo, dbias, bo);
            case STEP -> backwardStep(alpha, rows, cols, z, zo, dy, dyo, dz, dzo, dbias, bo);
            case SIGMOID -> backwardSigmoid(alpha, rows, cols, z, zo, dy, dyo, dz, dzo, dbias, bo);
            case TANH -> backwardTanh(alpha, rows, cols, z, zo, dy, dyo, dz, dzo, dbias, bo);
            case RELU -> backwardRelu(alpha, rows, cols, z, zo, dy, dyo, dz, dzo, dbias, bo);
            case LEAKY_RELU -> backwardLeakyRelu(alpha, rows, cols, z, zo, dy, dyo, dz, dzo, dbias, bo);
            case ELU -> backwardElu(alpha, rows, cols, z, zo, dy, dyo, dz, dzo, dbias, bo);
            case SELU -> backwardSelu(alpha, rows, cols, z, zo, dy, dyo, dz, dzo, dbias, bo);
            case GELU -> backwardGelu(alpha, rows, cols, z, zo, dy, dyo, dz, dzo, dbias, bo);
            case SWISH -> backwardSwish(alpha, rows, cols, z, zo, dy, dyo, dz, dzo, dbias, bo);
            case SOFTPLUS -> backwardSoftplus(alpha, rows, cols, z, zo, dy, dyo, dz, dzo, dbias, bo);
        }
    }

    private static void forwardIdentity(float alpha, int n, float[] x, int xo, float[] y, int yo) {
        for (int i = 0; i < n; i += LANES) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector z = FloatVector.fromArray(S, x, xo + i, m);
            z.intoArray(y, yo + i, m);
        }
    }

    private static void forwardStep(float alpha, int n, float[] x, int xo, float[] y, int yo) {
        for (int i = 0; i < n; i += LANES) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector z = FloatVector.fromArray(S, x, xo + i, m);
            z.broadcast(0f).blend(1f, z.compare(VectorOperators.GE, 0f)).intoArray(y, yo + i, m);
        }
    }

    private static void forwardSigmoid(float alpha, int n, float[] x, int xo, float[] y, int yo) {
        for (int i = 0; i < n; i += LANES) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector z = FloatVector.fromArray(S, x, xo + i, m);
            sigmoid(z).intoArray(y, yo + i, m);
        }
    }

    private static void forwardTanh(float alpha, int n, float[] x, int xo, float[] y, int yo) {
        for (int i = 0; i < n; i += LANES) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector z = FloatVector.fromArray(S, x, xo + i, m);
            VectorMath.tanh(z).intoArray(y, yo + i, m);
        }
    }

    private static void forwardRelu(float alpha, int n, float[] x, int xo, float[] y, int yo) {
        for (int i = 0; i < n; i += LANES) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector z = FloatVector.fromArray(S, x, xo + i, m);
            z.max(0f).intoArray(y, yo + i, m);
        }
    }

    private static void forwardLeakyRelu(float alpha, int n, float[] x, int xo, float[] y, int yo) {
        for (int i = 0; i < n; i += LANES) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector z = FloatVector.fromArray(S, x, xo + i, m);
            z.mul(alpha).blend(z, z.compare(VectorOperators.GT, 0f)).intoArray(y, yo + i, m);
        }
    }

    private static void forwardElu(float alpha, int n, float[] x, int xo, float[] y, int yo) {
        for (int i = 0; i < n; i += LANES) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector z = FloatVector.fromArray(S, x, xo + i, m);
            elu(z, alpha, 1f).intoArray(y, yo + i, m);
        }
    }

    private static void forwardSelu(float alpha, int n, float[] x, int xo, float[] y, int yo) {
        for (int i = 0; i < n; i += LANES) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector z = FloatVector.fromArray(S, x, xo + i, m);
            elu(z, SELU_A, SELU_L).intoArray(y, yo + i, m);
        }
    }

    private static void forwardGelu(float alpha, int n, float[] x, int xo, float[] y, int yo) {
        for (int i = 0; i < n; i += LANES) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector z = FloatVector.fromArray(S, x, xo + i, m);
            z.mul(sigmoid(geluU(z).mul(2f))).intoArray(y, yo + i, m);
        }
    }

    private static void forwardSwish(float alpha, int n, float[] x, int xo, float[] y, int yo) {
        for (int i = 0; i < n; i += LANES) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector z = FloatVector.fromArray(S, x, xo + i, m);
            z.mul(sigmoid(z)).intoArray(y, yo + i, m);
        }
    }

    /** Chunk of the softplus scratch buffer (per thread). */
    private static final int SOFTPLUS_CHUNK = 1024;
    private static final ThreadLocal<float[]> SOFTPLUS_SCRATCH = ThreadLocal.withInitial(() -> new float[SOFTPLUS_CHUNK]);

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

    /** e = exp(-|x|); its own method, so it has its own compilation budget. */
    private static void softplusExpPass(int len, float[] x, int xo, float[] e) {
        for (int i = 0; i < len; i += LANES) {
            VectorMask<Float> m = S.indexInRange(i, len);
            VectorMath.exp(FloatVector.fromArray(S, x, xo + i, m).abs().neg()).intoArray(e, i, m);
        }
    }

    /** y = max(x, 0) + log1p(e). */
    private static void softplusLogPass(int len, float[] x, int xo, float[] e, float[] y, int yo) {
        for (int i = 0; i < len; i += LANES) {
            VectorMask<Float> m = S.indexInRange(i, len);
            FloatVector z = FloatVector.fromArray(S, x, xo + i, m);
            z.max(0f).add(VectorMath.log1p(FloatVector.fromArray(S, e, i, m))).intoArray(y, yo + i, m);
        }
    }

    private static void backwardIdentity(float alpha, int rows, int cols, float[] z0, int zo,
                                         float[] dy, int dyo, float[] dz, int dzo, float[] dbias, int bo) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j += LANES) {
                int e = r * cols + j;
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + e, m);
                g = g;
                g.intoArray(dz, dzo + e, m);
                if (dbias != null) {
                    FloatVector.fromArray(S, dbias, bo + j, m).add(g).intoArray(dbias, bo + j, m);
                }
            }
        }
    }

    private static void backwardStep(float alpha, int rows, int cols, float[] z0, int zo,
                                         float[] dy, int dyo, float[] dz, int dzo, float[] dbias, int bo) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j += LANES) {
                int e = r * cols + j;
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector z = FloatVector.fromArray(S, z0, zo + e, m);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + e, m);
                g = g.mul(0f);
                g.intoArray(dz, dzo + e, m);
                if (dbias != null) {
                    FloatVector.fromArray(S, dbias, bo + j, m).add(g).intoArray(dbias, bo + j, m);
                }
            }
        }
    }

    private static void backwardSigmoid(float alpha, int rows, int cols, float[] z0, int zo,
                                         float[] dy, int dyo, float[] dz, int dzo, float[] dbias, int bo) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j += LANES) {
                int e = r * cols + j;
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector z = FloatVector.fromArray(S, z0, zo + e, m);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + e, m);
                g = g.mul(sigmoidSlope(z, 1f));
                g.intoArray(dz, dzo + e, m);
                if (dbias != null) {
                    FloatVector.fromArray(S, dbias, bo + j, m).add(g).intoArray(dbias, bo + j, m);
                }
            }
        }
    }

    private static void backwardTanh(float alpha, int rows, int cols, float[] z0, int zo,
                                         float[] dy, int dyo, float[] dz, int dzo, float[] dbias, int bo) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j += LANES) {
                int e = r * cols + j;
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector z = FloatVector.fromArray(S, z0, zo + e, m);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + e, m);
                g = g.mul(tanhSlope(z));
                g.intoArray(dz, dzo + e, m);
                if (dbias != null) {
                    FloatVector.fromArray(S, dbias, bo + j, m).add(g).intoArray(dbias, bo + j, m);
                }
            }
        }
    }

    private static void backwardRelu(float alpha, int rows, int cols, float[] z0, int zo,
                                         float[] dy, int dyo, float[] dz, int dzo, float[] dbias, int bo) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j += LANES) {
                int e = r * cols + j;
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector z = FloatVector.fromArray(S, z0, zo + e, m);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + e, m);
                g = g.mul(z.broadcast(0f).blend(1f, z.compare(VectorOperators.GT, 0f)));
                g.intoArray(dz, dzo + e, m);
                if (dbias != null) {
                    FloatVector.fromArray(S, dbias, bo + j, m).add(g).intoArray(dbias, bo + j, m);
                }
            }
        }
    }

    private static void backwardLeakyRelu(float alpha, int rows, int cols, float[] z0, int zo,
                                         float[] dy, int dyo, float[] dz, int dzo, float[] dbias, int bo) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j += LANES) {
                int e = r * cols + j;
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector z = FloatVector.fromArray(S, z0, zo + e, m);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + e, m);
                g = g.mul(z.broadcast(alpha).blend(1f, z.compare(VectorOperators.GT, 0f)));
                g.intoArray(dz, dzo + e, m);
                if (dbias != null) {
                    FloatVector.fromArray(S, dbias, bo + j, m).add(g).intoArray(dbias, bo + j, m);
                }
            }
        }
    }

    private static void backwardElu(float alpha, int rows, int cols, float[] z0, int zo,
                                         float[] dy, int dyo, float[] dz, int dzo, float[] dbias, int bo) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j += LANES) {
                int e = r * cols + j;
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector z = FloatVector.fromArray(S, z0, zo + e, m);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + e, m);
                g = g.mul(eluSlope(z, alpha, 1f));
                g.intoArray(dz, dzo + e, m);
                if (dbias != null) {
                    FloatVector.fromArray(S, dbias, bo + j, m).add(g).intoArray(dbias, bo + j, m);
                }
            }
        }
    }

    private static void backwardSelu(float alpha, int rows, int cols, float[] z0, int zo,
                                         float[] dy, int dyo, float[] dz, int dzo, float[] dbias, int bo) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j += LANES) {
                int e = r * cols + j;
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector z = FloatVector.fromArray(S, z0, zo + e, m);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + e, m);
                g = g.mul(eluSlope(z, SELU_A, SELU_L));
                g.intoArray(dz, dzo + e, m);
                if (dbias != null) {
                    FloatVector.fromArray(S, dbias, bo + j, m).add(g).intoArray(dbias, bo + j, m);
                }
            }
        }
    }

    private static void backwardGelu(float alpha, int rows, int cols, float[] z0, int zo,
                                         float[] dy, int dyo, float[] dz, int dzo, float[] dbias, int bo) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j += LANES) {
                int e = r * cols + j;
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector z = FloatVector.fromArray(S, z0, zo + e, m);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + e, m);
                g = g.mul(geluSlope(z));
                g.intoArray(dz, dzo + e, m);
                if (dbias != null) {
                    FloatVector.fromArray(S, dbias, bo + j, m).add(g).intoArray(dbias, bo + j, m);
                }
            }
        }
    }

    private static void backwardSwish(float alpha, int rows, int cols, float[] z0, int zo,
                                         float[] dy, int dyo, float[] dz, int dzo, float[] dbias, int bo) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j += LANES) {
                int e = r * cols + j;
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector z = FloatVector.fromArray(S, z0, zo + e, m);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + e, m);
                g = g.mul(swishSlope(z));
                g.intoArray(dz, dzo + e, m);
                if (dbias != null) {
                    FloatVector.fromArray(S, dbias, bo + j, m).add(g).intoArray(dbias, bo + j, m);
                }
            }
        }
    }

    private static void backwardSoftplus(float alpha, int rows, int cols, float[] z0, int zo,
                                         float[] dy, int dyo, float[] dz, int dzo, float[] dbias, int bo) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j += LANES) {
                int e = r * cols + j;
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector z = FloatVector.fromArray(S, z0, zo + e, m);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + e, m);
                g = g.mul(sigmoid(z));
                g.intoArray(dz, dzo + e, m);
                if (dbias != null) {
                    FloatVector.fromArray(S, dbias, bo + j, m).add(g).intoArray(dbias, bo + j, m);
                }
            }
        }
    }

    /** scale·(z > 0 ? z : alpha·(e^z - 1)). */
    private static FloatVector elu(FloatVector z, float alpha, float scale) {
        return VectorMath.expm1(z.min(0f)).mul(alpha).blend(z, z.compare(VectorOperators.GT, 0f)).mul(scale);
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
