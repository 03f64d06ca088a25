package dev.simdnn.kernel.scalar;

import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Blas;

/**
 * The scalar reference of {@link Blas}: plain loops, one element at a time, sums in
 * {@code double} (see {@link ScalarKernels}). Stateless and thread-safe.
 */
public final class ScalarBlas implements Blas {
    /** The one instance; the class has no state. */
    public static final ScalarBlas INSTANCE = new ScalarBlas();

    private ScalarBlas() {
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int aOffset, int lda,
                     float[] b, int bOffset, int ldb,
                     float beta, float[] c, int cOffset, int ldc) {
        for (int i = 0; i < m; i++) {
            int ci = cOffset + i * ldc;
            // beta == 0 overwrites: C may hold garbage or NaN, which 0·NaN would propagate.
            if (beta == 0f) {
                for (int j = 0; j < n; j++) {
                    c[ci + j] = 0f;
                }
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) {
                    c[ci + j] *= beta;
                }
            }
            if (alpha == 0f || k == 0) {
                continue;
            }
            if (!transB) {
                // C[i,:] += (alpha·A[i,p]) · B[p,:]: streams rows of B, unit stride everywhere.
                for (int p = 0; p < k; p++) {
                    float aip = alpha * (transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p]);
                    int bp = bOffset + p * ldb;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += aip * b[bp + j];
                    }
                }
            } else {
                // Bᵀ: C[i,j] is the dot product of row i of op(A) with row j of B.
                for (int j = 0; j < n; j++) {
                    int bj = bOffset + j * ldb;
                    float s = 0f;
                    for (int p = 0; p < k; p++) {
                        float aip = transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p];
                        s += aip * b[bj + p];
                    }
                    c[ci + j] += alpha * s;
                }
            }
        }
    }

    @Override
    public void denseForward(int rows, int in, int out,
                             float[] x, int xOffset, float[] w, int wOffset, float[] bias, int biasOffset,
                             Activation act, float[] z, int zOffset, float[] y, int yOffset) {
        boolean keepZ = z != null;
        float[] pre = keepZ ? z : y;
        int preOffset = keepZ ? zOffset : yOffset;
        gemm(false, true, rows, out, in, 1f, x, xOffset, in, w, wOffset, in, 0f, pre, preOffset, out);
        for (int r = 0; r < rows; r++) {
            int pr = preOffset + r * out;
            int yr = yOffset + r * out;
            for (int j = 0; j < out; j++) {
                float v = pre[pr + j];
                if (bias != null) {
                    v += bias[biasOffset + j];
                    pre[pr + j] = v;
                }
                y[yr + j] = act.apply(v);
            }
        }
    }

    @Override
    public void add(int n, float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset) {
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = a[aOffset + i] + b[bOffset + i];
        }
    }

    @Override
    public void multiply(int n, float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset) {
        for (int i = 0; i < n; i++) {
            out[outOffset + i] = a[aOffset + i] * b[bOffset + i];
        }
    }

    @Override
    public void multiplyAccumulate(int n, float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset) {
        for (int i = 0; i < n; i++) {
            out[outOffset + i] += a[aOffset + i] * b[bOffset + i];
        }
    }

    @Override
    public void axpy(int n, float alpha, float[] x, int xOffset, float[] y, int yOffset) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] += alpha * x[xOffset + i];
        }
    }

    @Override
    public void scale(int n, float alpha, float[] x, int xOffset) {
        for (int i = 0; i < n; i++) {
            x[xOffset + i] *= alpha;
        }
    }

    @Override
    public void clamp(int n, float lo, float hi, float[] x, int xOffset) {
        for (int i = 0; i < n; i++) {
            x[xOffset + i] = Math.min(Math.max(x[xOffset + i], lo), hi);
        }
    }

    @Override
    public float sum(int n, float[] x, int xOffset) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += x[xOffset + i];
        }
        return (float) s;
    }

    @Override
    public float dot(int n, float[] a, int aOffset, float[] b, int bOffset) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) a[aOffset + i] * b[bOffset + i];
        }
        return (float) s;
    }

    @Override
    public float sumOfSquares(int n, float[] x, int xOffset) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double v = x[xOffset + i];
            s += v * v;
        }
        return (float) s;
    }

    @Override
    public float sumOfAbs(int n, float[] x, int xOffset) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.abs(x[xOffset + i]);
        }
        return (float) s;
    }

    @Override
    public void argmaxRows(int rows, int cols, float[] x, int xOffset, int[] out, int outOffset) {
        for (int r = 0; r < rows; r++) {
            int xr = xOffset + r * cols;
            int best = 0;
            for (int j = 1; j < cols && !Float.isNaN(x[xr + best]); j++) {
                if (x[xr + j] > x[xr + best] || Float.isNaN(x[xr + j])) {
                    best = j;
                }
            }
            out[outOffset + r] = best;
        }
    }
}
