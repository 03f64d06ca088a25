package dev.simdnn.simd.fused;

import dev.simdnn.simd.Lanes;
import dev.simdnn.simd.SimdConfig;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector kernels of the layers beyond Dense: PReLU, maxout, batch and layer normalisation, the
 * per-column affine map, and the elastic-net penalty. The contracts are those of the same-named
 * {@link dev.simdnn.kernel.Kernels} methods.
 *
 * <p>Column-wise operations (PReLU's slope, batch statistics, γ and β) vectorise along the
 * columns of a row, so their per-column values load as vectors; batch normalisation walks one
 * column chunk down all rows, keeping its mean and variance in registers. Sums run in float
 * along the rows (the scalar reference sums in double; the contract tolerances cover both).
 * Each method is small on purpose: C1 must be able to compile it, and C2 must inline its vector
 * calls, or vectors get boxed.
 */
public final class LayerKernels {
    private static final VectorSpecies<Float> S = SimdConfig.SPECIES;
    private static final int L = S.length();

    private LayerKernels() {
    }

    // ------------------------------------------------------------------ PReLU

    public static void preluForward(int rows, int cols, float[] x, int xo, float[] slope, int so, float[] y, int yo) {
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

    public static void preluBackward(int rows, int cols, float[] x, int xo, float[] slope, int so,
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

    // ------------------------------------------------------------------ maxout

    public static void maxoutForward(int rows, int units, int pieces, float[] z, int zo, float[] y, int yo) {
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

    public static void maxoutBackward(int rows, int units, int pieces, float[] z, int zo, float[] dy, int dyo,
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

    // ------------------------------------------------------------------ batch normalisation

    /**
     * Three passes per column chunk (mean, variance, normalise), each its own small method taking
     * arrays: one method doing all three was too large for C1 ("out of virtual registers"), which
     * left it interpreted until C2 took over, allocating vectors all the while.
     */
    public static void batchNormForward(int rows, int cols, float eps, float[] x, int xo,
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
            v = d.fma(d, v);
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
            h.fma(ga, be).intoArray(y, yo + r * cols + c, m);
        }
    }

    public static void batchNormBackward(int rows, int cols, float eps, float[] dy, int dyo, float[] xhat, int ho,
                                         float[] gamma, int go, float[] var, int vo,
                                         float[] sumDy, int s1o, float[] sumDyXhat, int s2o, float[] dx, int dxo) {
        for (int c = 0; c < cols; c += L) {
            VectorMask<Float> m = S.indexInRange(c, cols);
            FloatVector s = FloatVector.zero(S);
            FloatVector sh = FloatVector.zero(S);
            for (int r = 0; r < rows; r++) {
                FloatVector g = FloatVector.fromArray(S, dy, dyo + r * cols + c, m);
                s = s.add(g);
                sh = g.fma(FloatVector.fromArray(S, xhat, ho + r * cols + c, m), sh);
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

    public static void scaleShiftColumns(int rows, int cols, float[] x, int xo, float[] scale, int so,
                                         float[] shift, int sho, float[] y, int yo) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c += L) {
                VectorMask<Float> m = S.indexInRange(c, cols);
                FloatVector.fromArray(S, x, xo + r * cols + c, m)
                        .fma(FloatVector.fromArray(S, scale, so + c, m), FloatVector.fromArray(S, shift, sho + c, m))
                        .intoArray(y, yo + r * cols + c, m);
            }
        }
    }

    // ------------------------------------------------------------------ layer normalisation

    public static void layerNormForward(int rows, int cols, float eps, float[] x, int xo,
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
            for (int c = 0; c < cols; c += L) {
                VectorMask<Float> m = S.indexInRange(c, cols);
                FloatVector h = FloatVector.fromArray(S, x, xr + c, m).sub(mu).mul(inv);
                h.intoArray(xhat, ho + r * cols + c, m);
                h.fma(FloatVector.fromArray(S, gamma, go + c, m), FloatVector.fromArray(S, beta, bo + c, m))
                        .intoArray(y, yo + r * cols + c, m);
            }
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
            s = d.fma(d, s);
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

    public static void layerNormBackward(int rows, int cols, float eps, float[] dy, int dyo, float[] xhat, int ho,
                                         float[] gamma, int go, float[] var, int vo,
                                         float[] dgamma, int dgo, float[] dbeta, int dbo, float[] dx, int dxo) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c += L) {
                VectorMask<Float> m = S.indexInRange(c, cols);
                FloatVector g = FloatVector.fromArray(S, dy, dyo + r * cols + c, m);
                g.add(FloatVector.fromArray(S, dbeta, dbo + c, m)).intoArray(dbeta, dbo + c, m);
                g.fma(FloatVector.fromArray(S, xhat, ho + r * cols + c, m), FloatVector.fromArray(S, dgamma, dgo + c, m))
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
            sh = g.fma(FloatVector.fromArray(S, xhat, ho + c, m), sh);
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

    // ------------------------------------------------------------------ elastic net

    public static float elasticNetPenalty(int n, float l1, float l2, float[] w, int wo, float[] g, int go) {
        FloatVector abs = FloatVector.zero(S);
        FloatVector sq = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            VectorMask<Float> m = S.indexInRange(i, n);
            FloatVector v = FloatVector.fromArray(S, w, wo + i, m);
            abs = abs.add(v.abs());
            sq = v.fma(v, sq);
            if (g != null) {
                // l1·sign(w) with sign(±0) = 0, then + l2·w
                FloatVector sign = FloatVector.broadcast(S, l1).blend(-l1, v.compare(VectorOperators.LT, 0f))
                        .blend(0f, v.compare(VectorOperators.EQ, 0f));
                v.mul(l2).add(sign).add(FloatVector.fromArray(S, g, go + i, m)).intoArray(g, go + i, m);
            }
        }
        abs = abs.add(abs.rearrange(Lanes.R8, Lanes.M8)); // fixed-order lane sum (see Lanes)
        abs = abs.add(abs.rearrange(Lanes.R4, Lanes.M4));
        abs = abs.add(abs.rearrange(Lanes.R2));
        abs = abs.add(abs.rearrange(Lanes.R1));
        sq = sq.add(sq.rearrange(Lanes.R8, Lanes.M8)); // fixed-order lane sum (see Lanes)
        sq = sq.add(sq.rearrange(Lanes.R4, Lanes.M4));
        sq = sq.add(sq.rearrange(Lanes.R2));
        sq = sq.add(sq.rearrange(Lanes.R1));
        return (float) (l1 * (double) abs.lane(0) + 0.5 * l2 * (double) sq.lane(0));
    }
}
