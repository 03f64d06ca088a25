package dev.simdnn.simd.activations;

import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Activations;
import dev.simdnn.simd.SimdConfig;
import dev.simdnn.simd.math.RowReductions;
import dev.simdnn.simd.math.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API {@link Activations}: every {@link Activation} and its derivative on whole
 * vectors in float, row-wise softmax, PReLU and maxout.
 *
 * <p>The pointwise activations dispatch once per call to a loop of their own for each kind
 * ({@link PointwiseForward}, {@link PointwiseBackward}): one loop holding every kind's code (a
 * switch inside the loop) exceeds C2's inlining budget as soon as the JIT has seen two kinds, as in
 * any real network, and then boxes a vector per element (measured: 12 bytes per element, 10×
 * slower). Each loop compiles separately and allocates nothing.
 *
 * <p>{@code exp}, {@code expm1}, {@code log1p} and {@code tanh} come from {@link VectorMath}
 * (polynomials of exact operations: the same bits before and after JIT compilation).
 * The formulas are rearranged so that no result comes from subtracting two nearly equal numbers,
 * which in float would lose most digits where the double reference keeps them:
 * <ul>
 *   <li>sigmoid and its derivative from {@code e = exp(-|z|) ∈ (0, 1]}:
 *       {@code σ = (z ≥ 0 ? 1 : e)/(1+e)}, {@code σ(1-σ) = e/(1+e)²} (never overflows, never 1 - σ);</li>
 *   <li>{@code 1 - tanh²(z) = 4e/(1+e)²} with {@code e = exp(-2|z|)};</li>
 *   <li>GELU (tanh form) as {@code z·σ(2u)}, since {@code (1 + tanh u)/2 = σ(2u)};</li>
 *   <li>exact GELU as {@code z·Φ(z)} with Φ from a fit of erfc with small relative error in both
 *       tails (never {@code 1 - erf}).</li>
 * </ul>
 * The measured worst error against the double reference is asserted in the tests (see
 * {@code SimdActivationAccuracyTest}).
 */
public final class SimdActivations implements Activations {
    /** The one instance; the class has no state. */
    public static final SimdActivations INSTANCE = new SimdActivations();

    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = S.length();

    private SimdActivations() {
    }

    @Override
    public void activationForward(Activation act, int n, float[] x, int xOffset, float[] y, int yOffset) {
        PointwiseForward.forward(act.kind(), act.alpha(), n, x, xOffset, y, yOffset);
    }

    @Override
    public void activationBackward(Activation act, int rows, int cols,
                                   float[] z, int zOffset, float[] y, int yOffset,
                                   float[] dy, int dyOffset, float[] dz, int dzOffset,
                                   float[] dbias, int dbiasOffset) {
        PointwiseBackward.backward(act.kind(), act.alpha(), rows, cols, z, zOffset, dy, dyOffset, dz, dzOffset,
                dbias, dbiasOffset);
    }

    @Override
    public void softmax(int rows, int cols, float[] x, int xOffset, float[] y, int yOffset) {
        for (int r = 0; r < rows; r++) {
            int xr = xOffset + r * cols;
            int yr = yOffset + r * cols;
            float max = RowReductions.max(cols, x, xr);
            float inv = 1f / RowReductions.sumExpShifted(cols, x, xr, max);
            for (int j = 0; j < cols; j += L) {
                VectorMask<Float> m = S.indexInRange(j, cols);
                VectorMath.exp(FloatVector.fromArray(S, x, xr + j, m).sub(max)).mul(inv).intoArray(y, yr + j, m);
            }
        }
    }

    @Override
    public void preluForward(int rows, int cols, float[] x, int xo, float[] slope, int so, float[] y, int yo) {
        for (int r = 0; r < rows; r++) {
            int xr = xo + r * cols;
            int yr = yo + r * cols;
            for (int c = 0; c < cols; c += L) {
                VectorMask<Float> m = S.indexInRange(c, cols);
                FloatVector v = FloatVector.fromArray(S, x, xr + c, m);
                FloatVector a = FloatVector.fromArray(S, slope, so + c, m);
                v.mul(a).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, yr + c, m);
            }
        }
    }

    @Override
    public void preluBackward(int rows, int cols, float[] x, int xo, float[] slope, int so,
                                     float[] dy, int dyo, float[] dx, int dxo, float[] dslope, int dso) {
        for (int r = 0; r < rows; r++) {
            int xr = xo + r * cols;
            int gr = dyo + r * cols;
            for (int c = 0; c < cols; c += L) {
                VectorMask<Float> m = S.indexInRange(c, cols);
                FloatVector v = FloatVector.fromArray(S, x, xr + c, m);
                FloatVector g = FloatVector.fromArray(S, dy, gr + c, m);
                VectorMask<Float> pos = v.compare(VectorOperators.GT, 0f);
                g.mul(v).blend(0f, pos).add(FloatVector.fromArray(S, dslope, dso + c, m)).intoArray(dslope, dso + c, m);
                if (dx != null) {
                    g.mul(FloatVector.fromArray(S, slope, so + c, m)).blend(g, pos).intoArray(dx, dxo + r * cols + c, m);
                }
            }
        }
    }

    @Override
    public void maxoutForward(int rows, int units, int pieces, float[] z, int zo, float[] y, int yo) {
        int width = units * pieces;
        for (int r = 0; r < rows; r++) {
            int zr = zo + r * width;
            for (int u = 0; u < units; u += L) {
                VectorMask<Float> m = S.indexInRange(u, units);
                FloatVector best = FloatVector.fromArray(S, z, zr + u, m);
                for (int p = 1; p < pieces; p++) {
                    best = best.max(FloatVector.fromArray(S, z, zr + p * units + u, m));
                }
                best.intoArray(y, yo + r * units + u, m);
            }
        }
    }

    @Override
    public void maxoutBackward(int rows, int units, int pieces, float[] z, int zo, float[] dy, int dyo,
                                      float[] dz, int dzo) {
        int width = units * pieces;
        for (int r = 0; r < rows; r++) {
            int zr = zo + r * width;
            int dzr = dzo + r * width;
            for (int u = 0; u < units; u += L) {
                VectorMask<Float> m = S.indexInRange(u, units);
                FloatVector best = FloatVector.fromArray(S, z, zr + u, m);
                for (int p = 1; p < pieces; p++) {
                    best = best.max(FloatVector.fromArray(S, z, zr + p * units + u, m));
                }
                FloatVector g = FloatVector.fromArray(S, dy, dyo + r * units + u, m);
                // the first piece equal to the max takes the gradient; "open" marks lanes not yet routed
                VectorMask<Float> open = m;
                for (int p = 0; p < pieces; p++) {
                    VectorMask<Float> hit = FloatVector.fromArray(S, z, zr + p * units + u, m)
                            .compare(VectorOperators.EQ, best).and(open);
                    g.blend(0f, hit.not()).intoArray(dz, dzr + p * units + u, m);
                    open = open.andNot(hit);
                }
            }
        }
    }
}
