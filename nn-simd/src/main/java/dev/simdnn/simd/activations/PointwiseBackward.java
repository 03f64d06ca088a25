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
 * The backward loops of {@link SimdActivations#activationBackward}, one per activation kind, each
 * fused with the bias-gradient column sum.
 */
final class PointwiseBackward {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = S.length();

    private PointwiseBackward() {
    }

    /**
     * {@code dz = dy ⊙ f'(z)} over {@code rows × cols}, and {@code dbias[j] += Σ_r dz[r, j]} when
     * {@code dbias != null} (fused: the gradient is still in registers). {@code z} is not read for
     * identity; {@code dz} may alias {@code dy}. Same one-loop-per-kind structure as {@link #forward}.
     */
    static void backward(Activation.Kind kind, float alpha, int rows, int cols, float[] z, int zo,
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
            case GELU_ERF -> backwardGeluErf(alpha, rows, cols, z, zo, dy, dyo, dz, dzo, dbias, bo);
            case SWISH -> backwardSwish(alpha, rows, cols, z, zo, dy, dyo, dz, dzo, dbias, bo);
            case SOFTPLUS -> backwardSoftplus(alpha, rows, cols, z, zo, dy, dyo, dz, dzo, dbias, bo);
        }
    }

    // Identity and ReLU, the MLP's hot pair: full vectors unmasked, the last few columns in scalar code
    // with the same operations (see PointwiseForward).
    private static void backwardIdentity(float alpha, int rows, int cols, float[] z0, int zo,
                                         float[] dy, int dyo, float[] dz, int dzo, float[] dbias, int bo) {
        boolean hasBias = dbias != null;
        float[] biasArr = hasBias ? dbias : dz; // never null: see Epilogue
        for (int r = 0; r < rows; r++) {
            int j = 0;
            for (; j <= cols - L; j += L) {
                int e = r * cols + j;
                FloatVector g = FloatVector.fromArray(S, dy, dyo + e);
                g.intoArray(dz, dzo + e);
                if (hasBias) {
                    FloatVector.fromArray(S, biasArr, bo + j).add(g).intoArray(biasArr, bo + j);
                }
            }
            for (; j < cols; j++) {
                int e = r * cols + j;
                float g = dy[dyo + e];
                dz[dzo + e] = g;
                if (hasBias) {
                    biasArr[bo + j] += g;
                }
            }
        }
    }

    private static void backwardStep(float alpha, int rows, int cols, float[] z0, int zo,
                                         float[] dy, int dyo, float[] dz, int dzo, float[] dbias, int bo) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j += L) {
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
            for (int j = 0; j < cols; j += L) {
                int e = r * cols + j;
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector z = FloatVector.fromArray(S, z0, zo + e, m);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + e, m);
                g = g.mul(ActivationMath.sigmoidSlope(z, 1f));
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
            for (int j = 0; j < cols; j += L) {
                int e = r * cols + j;
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector z = FloatVector.fromArray(S, z0, zo + e, m);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + e, m);
                g = g.mul(ActivationMath.tanhSlope(z));
                g.intoArray(dz, dzo + e, m);
                if (dbias != null) {
                    FloatVector.fromArray(S, dbias, bo + j, m).add(g).intoArray(dbias, bo + j, m);
                }
            }
        }
    }

    private static void backwardRelu(float alpha, int rows, int cols, float[] z0, int zo,
                                         float[] dy, int dyo, float[] dz, int dzo, float[] dbias, int bo) {
        boolean hasBias = dbias != null;
        float[] biasArr = hasBias ? dbias : dz;
        for (int r = 0; r < rows; r++) {
            int j = 0;
            for (; j <= cols - L; j += L) {
                int e = r * cols + j;
                FloatVector z = FloatVector.fromArray(S, z0, zo + e);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + e);
                g = g.mul(z.broadcast(0f).blend(1f, z.compare(VectorOperators.GT, 0f)));
                g.intoArray(dz, dzo + e);
                if (hasBias) {
                    FloatVector.fromArray(S, biasArr, bo + j).add(g).intoArray(biasArr, bo + j);
                }
            }
            for (; j < cols; j++) {
                int e = r * cols + j;
                float g = dy[dyo + e] * (z0[zo + e] > 0f ? 1f : 0f);
                dz[dzo + e] = g;
                if (hasBias) {
                    biasArr[bo + j] += g;
                }
            }
        }
    }

    private static void backwardLeakyRelu(float alpha, int rows, int cols, float[] z0, int zo,
                                         float[] dy, int dyo, float[] dz, int dzo, float[] dbias, int bo) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j += L) {
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
            for (int j = 0; j < cols; j += L) {
                int e = r * cols + j;
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector z = FloatVector.fromArray(S, z0, zo + e, m);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + e, m);
                g = g.mul(ActivationMath.eluSlope(z, alpha, 1f));
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
            for (int j = 0; j < cols; j += L) {
                int e = r * cols + j;
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector z = FloatVector.fromArray(S, z0, zo + e, m);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + e, m);
                g = g.mul(ActivationMath.eluSlope(z, ActivationMath.SELU_A, ActivationMath.SELU_L));
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
            for (int j = 0; j < cols; j += L) {
                int e = r * cols + j;
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector z = FloatVector.fromArray(S, z0, zo + e, m);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + e, m);
                g = g.mul(ActivationMath.geluSlope(z));
                g.intoArray(dz, dzo + e, m);
                if (dbias != null) {
                    FloatVector.fromArray(S, dbias, bo + j, m).add(g).intoArray(dbias, bo + j, m);
                }
            }
        }
    }

    /**
     * Exact GELU in passes per chunk of a row: Φ(z) into scratch, then + z·φ(z), then dy times that
     * (with the bias sum). Its slope in one loop (two exps and the erfc fit) exceeds C2's inlining
     * budget and boxed a vector per element (measured: 40 KB per call), as softplus did.
     */
    private static void backwardGeluErf(float alpha, int rows, int cols, float[] z0, int zo,
                                         float[] dy, int dyo, float[] dz, int dzo, float[] dbias, int bo) {
        float[] s = SCRATCH.get();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c += CHUNK) {
                int len = Math.min(CHUNK, cols - c);
                int at = r * cols + c;
                normalCdfs(len, z0, zo + at, s);
                addDensityTerms(len, z0, zo + at, s);
                for (int j = 0; j < len; j += L) {
                    VectorMask<Float> m = S.indexInRange(j, len);
                    FloatVector g = FloatVector.fromArray(S, dy, dyo + at + j, m).mul(FloatVector.fromArray(S, s, j, m));
                    g.intoArray(dz, dzo + at + j, m);
                    if (dbias != null) {
                        FloatVector.fromArray(S, dbias, bo + c + j, m).add(g).intoArray(dbias, bo + c + j, m);
                    }
                }
            }
        }
    }

    private static void normalCdfs(int n, float[] z, int zo, float[] s) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            ActivationMath.normalCdf(FloatVector.fromArray(S, z, zo + i, m)).intoArray(s, i, m);
        }
    }

    /** s += z·φ(z), φ(z) = e^(-z²/2)/√(2π). */
    private static void addDensityTerms(int n, float[] z, int zo, float[] s) {
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, z, zo + i, m);
            FloatVector phi = VectorMath.exp(v.mul(v).mul(-0.5f)).mul(ActivationMath.INV_SQRT_2PI);
            FloatVector.fromArray(S, s, i, m).add(v.mul(phi)).intoArray(s, i, m);
        }
    }

    /** Chunk of the exact GELU's scratch buffer (per thread). */
    private static final int CHUNK = Blocking.CURRENT.chunk();

    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[CHUNK]);

    private static void backwardSwish(float alpha, int rows, int cols, float[] z0, int zo,
                                         float[] dy, int dyo, float[] dz, int dzo, float[] dbias, int bo) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j += L) {
                int e = r * cols + j;
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector z = FloatVector.fromArray(S, z0, zo + e, m);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + e, m);
                g = g.mul(ActivationMath.swishSlope(z));
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
            for (int j = 0; j < cols; j += L) {
                int e = r * cols + j;
                VectorMask<Float> m = S.indexInRange(j, cols);
                FloatVector z = FloatVector.fromArray(S, z0, zo + e, m);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + e, m);
                g = g.mul(ActivationMath.sigmoid(z));
                g.intoArray(dz, dzo + e, m);
                if (dbias != null) {
                    FloatVector.fromArray(S, dbias, bo + j, m).add(g).intoArray(dbias, bo + j, m);
                }
            }
        }
    }
}
