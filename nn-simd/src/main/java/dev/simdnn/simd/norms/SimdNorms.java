package dev.simdnn.simd.norms;

import dev.simdnn.kernel.Norms;
import dev.simdnn.simd.Lanes;
import dev.simdnn.simd.SimdConfig;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

import static dev.simdnn.simd.SimdConfig.FMA;

/**
 * The Vector API {@link Norms}: batch and layer normalisation and the per-column affine map.
 *
 * <p>Batch statistics, γ and β vectorise along the columns of a row, so their per-column values
 * load as vectors; batch normalisation walks one column chunk down all rows, keeping its mean and
 * variance in registers. Sums run in float along the rows (the scalar reference sums in double;
 * the contract tolerances cover both). Each method is small on purpose: C1 must be able to compile
 * it, and C2 must inline its vector calls, or vectors get boxed.
 */
public final class SimdNorms implements Norms {
    /** The one instance; the class has no state. */
    public static final SimdNorms INSTANCE = new SimdNorms();

    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = S.length();

    private SimdNorms() {
    }

    /**
     * Three passes per column chunk (mean, variance, normalise), each its own small method taking
     * arrays: one method doing all three was too large for C1 ("out of virtual registers"), which
     * left it interpreted until C2 took over, allocating vectors all the while.
     */
    @Override
    public void batchNormForward(int rows, int cols, float eps, float[] x, int xo,
                                        float[] gamma, int go, float[] beta, int bo,
                                        float[] mean, int mo, float[] var, int vo,
                                        float[] xhat, int ho, float[] y, int yo) {
        for (int c = 0; c < cols; c += L) {
            columnMean(rows, cols, c, x, xo, mean, mo);
            columnVariance(rows, cols, c, x, xo, mean, mo, var, vo);
            normalizeColumns(rows, cols, c, eps, x, xo, gamma, go, beta, bo, mean, mo, var, vo, xhat, ho, y, yo);
        }
    }

    /** The mean of the column chunk at {@code c}, as row 0 + the mean deviation from row 0 (an error of n·u·σ, not n·u·|mean|). */
    private static void columnMean(int rows, int cols, int c, float[] x, int xo, float[] mean, int mo) {
        VectorMask<Float> m = S.indexInRange(c, cols);
        FloatVector shift = FloatVector.fromArray(S, x, xo + c, m);
        FloatVector dev = FloatVector.zero(S);
        for (int r = 1; r < rows; r++) {
            dev = dev.add(FloatVector.fromArray(S, x, xo + r * cols + c, m).sub(shift));
        }
        dev.mul(1f / rows).add(shift).intoArray(mean, mo + c, m);
    }

    private static void columnVariance(int rows, int cols, int c, float[] x, int xo, float[] mean, int mo,
                                       float[] var, int vo) {
        VectorMask<Float> m = S.indexInRange(c, cols);
        FloatVector mu = FloatVector.fromArray(S, mean, mo + c, m);
        FloatVector v = FloatVector.zero(S);
        for (int r = 0; r < rows; r++) {
            FloatVector d = FloatVector.fromArray(S, x, xo + r * cols + c, m).sub(mu);
            v = FMA ? d.fma(d, v) : d.mul(d).add(v);
        }
        v.mul(1f / rows).intoArray(var, vo + c, m);
    }

    private static void normalizeColumns(int rows, int cols, int c, float eps, float[] x, int xo,
                                         float[] gamma, int go, float[] beta, int bo, float[] mean, int mo,
                                         float[] var, int vo, float[] xhat, int ho, float[] y, int yo) {
        VectorMask<Float> m = S.indexInRange(c, cols);
        FloatVector mu = FloatVector.fromArray(S, mean, mo + c, m);
        FloatVector inv = FloatVector.broadcast(S, 1f).div(FloatVector.fromArray(S, var, vo + c, m).add(eps).sqrt());
        FloatVector ga = FloatVector.fromArray(S, gamma, go + c, m);
        FloatVector be = FloatVector.fromArray(S, beta, bo + c, m);
        for (int r = 0; r < rows; r++) {
            FloatVector h = FloatVector.fromArray(S, x, xo + r * cols + c, m).sub(mu).mul(inv);
            h.intoArray(xhat, ho + r * cols + c, m);
            (FMA ? h.fma(ga, be) : h.mul(ga).add(be)).intoArray(y, yo + r * cols + c, m);
        }
    }

    @Override
    public void batchNormBackward(int rows, int cols, float eps, float[] dy, int dyo, float[] xhat, int ho,
                                         float[] gamma, int go, float[] var, int vo,
                                         float[] sumDy, int s1o, float[] sumDyXhat, int s2o, float[] dx, int dxo) {
        for (int c = 0; c < cols; c += L) {
            VectorMask<Float> m = S.indexInRange(c, cols);
            FloatVector s = FloatVector.zero(S);
            FloatVector sh = FloatVector.zero(S);
            for (int r = 0; r < rows; r++) {
                FloatVector g = FloatVector.fromArray(S, dy, dyo + r * cols + c, m);
                s = s.add(g);
                sh = FMA ? g.fma(FloatVector.fromArray(S, xhat, ho + r * cols + c, m), sh) : g.mul(FloatVector.fromArray(S, xhat, ho + r * cols + c, m)).add(sh);
            }
            s.intoArray(sumDy, s1o + c, m);
            sh.intoArray(sumDyXhat, s2o + c, m);
            if (dx != null) {
                // the sums go through memory: a vector argument to a call C2 does not inline is boxed
                batchNormDx(rows, cols, c, eps, dy, dyo + c, xhat, ho + c, gamma, go + c, var, vo + c,
                        sumDy, s1o + c, sumDyXhat, s2o + c, dx, dxo + c);
            }
        }
    }

    private static void batchNormDx(int rows, int cols, int c, float eps, float[] dy, int dyo, float[] xhat, int ho,
                                    float[] gamma, int go, float[] var, int vo, float[] sumDy, int s1o,
                                    float[] sumDyXhat, int s2o, float[] dx, int dxo) {
        VectorMask<Float> m = S.indexInRange(c, cols);
        FloatVector s = FloatVector.fromArray(S, sumDy, s1o, m);
        FloatVector sh = FloatVector.fromArray(S, sumDyXhat, s2o, m);
        FloatVector k = FloatVector.fromArray(S, gamma, go, m)
                .div(FloatVector.fromArray(S, var, vo, m).add(eps).sqrt().mul((float) rows));
        float n = rows;
        for (int r = 0; r < rows; r++) {
            FloatVector g = FloatVector.fromArray(S, dy, dyo + r * cols, m);
            FloatVector h = FloatVector.fromArray(S, xhat, ho + r * cols, m);
            // k·(n·dy - Σdy - xhat·Σ(dy·xhat))
            g.mul(n).sub(s).sub(h.mul(sh)).mul(k).intoArray(dx, dxo + r * cols, m);
        }
    }

    @Override
    public void scaleShiftColumns(int rows, int cols, float[] x, int xo, float[] scale, int so,
                                         float[] shift, int sho, float[] y, int yo) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c += L) {
                VectorMask<Float> m = S.indexInRange(c, cols);
                (FMA ? FloatVector.fromArray(S, x, xo + r * cols + c, m).fma(FloatVector.fromArray(S, scale, so + c, m), FloatVector.fromArray(S, shift, sho + c, m)) : FloatVector.fromArray(S, x, xo + r * cols + c, m).mul(FloatVector.fromArray(S, scale, so + c, m)).add(FloatVector.fromArray(S, shift, sho + c, m))).intoArray(y, yo + r * cols + c, m);
            }
        }
    }

    @Override
    public void layerNormForward(int rows, int cols, float eps, float[] x, int xo,
                                        float[] gamma, int go, float[] beta, int bo,
                                        float[] mean, int mo, float[] var, int vo,
                                        float[] xhat, int ho, float[] y, int yo) {
        for (int r = 0; r < rows; r++) {
            int xr = xo + r * cols;
            float shift = x[xr]; // as in batch norm: sum deviations from the first value
            float mu = shift + rowSumShifted(cols, x, xr, shift) / cols;
            float v = rowSquaredDeviation(cols, x, xr, mu) / cols;
            mean[mo + r] = mu;
            var[vo + r] = v;
            float inv = (float) (1 / Math.sqrt((double) v + eps));
            normalizeRow(cols, mu, inv, x, xr, gamma, go, beta, bo, xhat, ho + r * cols, y, yo + r * cols);
        }
    }

    /**
     * One row's {@code xhat = (x - mu)·inv} and {@code y = gamma·xhat + beta}; a method of its own,
     * like the two reductions, so each C2 compilation stays well inside its inlining budget (one
     * method holding all three boxed vectors once in the allocation test).
     */
    private static void normalizeRow(int cols, float mu, float inv, float[] x, int xr, float[] gamma, int go,
                                     float[] beta, int bo, float[] xhat, int hr, float[] y, int yr) {
        for (int c = 0; c < cols; c += L) {
            VectorMask<Float> m = S.indexInRange(c, cols);
            FloatVector h = FloatVector.fromArray(S, x, xr + c, m).sub(mu).mul(inv);
            h.intoArray(xhat, hr + c, m);
            (FMA ? h.fma(FloatVector.fromArray(S, gamma, go + c, m), FloatVector.fromArray(S, beta, bo + c, m)) : h.mul(FloatVector.fromArray(S, gamma, go + c, m)).add(FloatVector.fromArray(S, beta, bo + c, m)))
                    .intoArray(y, yr + c, m);
        }
    }

    // Row reductions: an unmasked main loop and one masked tail (building a mask every iteration
    // costs more than the arithmetic here).

    private static float rowSumShifted(int n, float[] x, int xo, float shift) {
        FloatVector s = FloatVector.zero(S);
        int c = 0;
        for (; c <= n - L; c += L) {
            s = s.add(FloatVector.fromArray(S, x, xo + c).sub(shift));
        }
        float tail = 0;
        for (; c < n; c++) {
            tail += x[xo + c] - shift;
        }
        s = s.add(s.rearrange(Lanes.R8, Lanes.M8)); // fixed-order lane sum (see Lanes)
        s = s.add(s.rearrange(Lanes.R4, Lanes.M4));
        s = s.add(s.rearrange(Lanes.R2));
        s = s.add(s.rearrange(Lanes.R1));
        return s.lane(0) + tail;
    }

    private static float rowSquaredDeviation(int n, float[] x, int xo, float mu) {
        FloatVector s = FloatVector.zero(S);
        int c = 0;
        for (; c <= n - L; c += L) {
            FloatVector d = FloatVector.fromArray(S, x, xo + c).sub(mu);
            s = FMA ? d.fma(d, s) : d.mul(d).add(s);
        }
        float tail = 0;
        for (; c < n; c++) {
            float d = x[xo + c] - mu;
            tail += d * d;
        }
        s = s.add(s.rearrange(Lanes.R8, Lanes.M8)); // fixed-order lane sum (see Lanes)
        s = s.add(s.rearrange(Lanes.R4, Lanes.M4));
        s = s.add(s.rearrange(Lanes.R2));
        s = s.add(s.rearrange(Lanes.R1));
        return s.lane(0) + tail;
    }

    @Override
    public void layerNormBackward(int rows, int cols, float eps, float[] dy, int dyo, float[] xhat, int ho,
                                         float[] gamma, int go, float[] var, int vo,
                                         float[] dgamma, int dgo, float[] dbeta, int dbo, float[] dx, int dxo) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c += L) {
                VectorMask<Float> m = S.indexInRange(c, cols);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + r * cols + c, m);
                g.add(FloatVector.fromArray(S, dbeta, dbo + c, m)).intoArray(dbeta, dbo + c, m);
                (FMA ? g.fma(FloatVector.fromArray(S, xhat, ho + r * cols + c, m), FloatVector.fromArray(S, dgamma, dgo + c, m)) : g.mul(FloatVector.fromArray(S, xhat, ho + r * cols + c, m)).add(FloatVector.fromArray(S, dgamma, dgo + c, m)))
                        .intoArray(dgamma, dgo + c, m);
            }
            if (dx != null) {
                layerNormDxRow(cols, eps, dy, dyo + r * cols, xhat, ho + r * cols, gamma, go, var[vo + r], dx, dxo + r * cols);
            }
        }
    }

    private static void layerNormDxRow(int cols, float eps, float[] dy, int dyo, float[] xhat, int ho,
                                       float[] gamma, int go, float variance, float[] dx, int dxo) {
        FloatVector s = FloatVector.zero(S);
        FloatVector sh = FloatVector.zero(S);
        for (int c = 0; c < cols; c += L) {
            VectorMask<Float> m = S.indexInRange(c, cols);
            FloatVector g = FloatVector.fromArray(S, dy, dyo + c, m).mul(FloatVector.fromArray(S, gamma, go + c, m));
            s = s.add(g);
            sh = FMA ? g.fma(FloatVector.fromArray(S, xhat, ho + c, m), sh) : g.mul(FloatVector.fromArray(S, xhat, ho + c, m)).add(sh);
        }
        s = s.add(s.rearrange(Lanes.R8, Lanes.M8)); // fixed-order lane sum (see Lanes)
        s = s.add(s.rearrange(Lanes.R4, Lanes.M4));
        s = s.add(s.rearrange(Lanes.R2));
        s = s.add(s.rearrange(Lanes.R1));
        float sum = s.lane(0);
        sh = sh.add(sh.rearrange(Lanes.R8, Lanes.M8)); // fixed-order lane sum (see Lanes)
        sh = sh.add(sh.rearrange(Lanes.R4, Lanes.M4));
        sh = sh.add(sh.rearrange(Lanes.R2));
        sh = sh.add(sh.rearrange(Lanes.R1));
        float sumH = sh.lane(0);
        float k = (float) (1 / (cols * Math.sqrt((double) variance + eps)));
        float n = cols;
        for (int c = 0; c < cols; c += L) {
            VectorMask<Float> m = S.indexInRange(c, cols);
            FloatVector g = FloatVector.fromArray(S, dy, dyo + c, m).mul(FloatVector.fromArray(S, gamma, go + c, m));
            FloatVector h = FloatVector.fromArray(S, xhat, ho + c, m);
            g.mul(n).sub(sum).sub(h.mul(sumH)).mul(k).intoArray(dx, dxo + c, m);
        }
    }
}
