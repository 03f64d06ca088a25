package dev.simdnn.kernel;

/**
 * The scalar reference backend: plain, readable loops, one element at a time.
 *
 * <p>This is both the "scalar backprop" users measure the SIMD backend against and the oracle the
 * tests compare every other backend with, so clarity wins over cleverness here. Loop orders are
 * the cache-friendly textbook ones (row of A times row of B for the non-transposed cases) so the
 * comparison is with reasonable scalar code, not a strawman. Sums of many terms (losses,
 * reductions) accumulate in {@code double}. No call allocates.
 *
 * <p>Stateless and thread-safe; use {@link #INSTANCE}.
 */
public final class ScalarKernels implements Kernels {

    /** The one instance; the class has no state. */
    public static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    // ------------------------------------------------------------------ GEMM

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

    // ------------------------------------------------------------------ dense layer

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
    public void activationForward(Activation act, int n, float[] x, int xOffset, float[] y, int yOffset) {
        for (int i = 0; i < n; i++) {
            y[yOffset + i] = act.apply(x[xOffset + i]);
        }
    }

    @Override
    public void activationBackward(Activation act, int rows, int cols,
                                   float[] z, int zOffset, float[] y, int yOffset,
                                   float[] dy, int dyOffset, float[] dz, int dzOffset,
                                   float[] dbias, int dbiasOffset) {
        boolean identity = act.kind() == Activation.Kind.IDENTITY;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                int e = r * cols + j;
                float g = dy[dyOffset + e];
                if (!identity) {
                    g *= act.derivative(z[zOffset + e]);
                }
                dz[dzOffset + e] = g;
            }
        }
        if (dbias != null) {
            for (int j = 0; j < cols; j++) {
                double s = 0;
                for (int r = 0; r < rows; r++) {
                    s += dz[dzOffset + r * cols + j];
                }
                dbias[dbiasOffset + j] += (float) s;
            }
        }
    }

    // ------------------------------------------------------------------ losses

    @Override
    public float softmaxCrossEntropy(int rows, int cols, float labelSmoothing, float[] logits, int logitsOffset,
                                     float[] labels, int labelsOffset, float[] grad, int gradOffset) {
        double eps = labelSmoothing;
        double total = 0;
        for (int r = 0; r < rows; r++) {
            int lr = logitsOffset + r * cols;
            int label = (int) labels[labelsOffset + r];
            // Subtract the row max before exp: no overflow for logits of any magnitude.
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, logits[lr + j]);
            }
            double sumExp = 0;
            for (int j = 0; j < cols; j++) {
                sumExp += Math.exp(logits[lr + j] - max);
            }
            double logSumExp = Math.log(sumExp);
            // -Σ q_j log p_j = lse - (1-ε)·z_y - (ε/cols)·Σ z_j, all relative to the row max
            double shiftedSum = 0;
            if (eps != 0) {
                for (int j = 0; j < cols; j++) {
                    shiftedSum += logits[lr + j] - max;
                }
            }
            total += logSumExp - (1 - eps) * (logits[lr + label] - max) - eps / cols * shiftedSum;
            if (grad != null) {
                int gr = gradOffset + r * cols;
                for (int j = 0; j < cols; j++) {
                    double p = Math.exp(logits[lr + j] - max - logSumExp);
                    double q = (j == label ? 1 - eps : 0.0) + eps / cols;
                    grad[gr + j] = flush((float) ((p - q) / rows));
                }
            }
        }
        return (float) (total / rows);
    }

    @Override
    public void softmax(int rows, int cols, float[] x, int xOffset, float[] y, int yOffset) {
        for (int r = 0; r < rows; r++) {
            int xr = xOffset + r * cols;
            int yr = yOffset + r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, x[xr + j]);
            }
            double sum = 0;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(x[xr + j] - max);
                y[yr + j] = e;
                sum += e;
            }
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < cols; j++) {
                y[yr + j] *= inv;
            }
        }
    }

    @Override
    public float meanSquaredError(int n, float[] pred, int predOffset, float[] target, int targetOffset,
                                  float[] grad, int gradOffset) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            float d = pred[predOffset + i] - target[targetOffset + i];
            total += (double) d * d;
            if (grad != null) {
                grad[gradOffset + i] = 2f * d / n;
            }
        }
        return (float) (total / n);
    }

    @Override
    public float binaryCrossEntropyWithLogits(int n, float[] logits, int logitsOffset,
                                              float[] target, int targetOffset, float[] grad, int gradOffset) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            double z = logits[logitsOffset + i];
            double t = target[targetOffset + i];
            // log(1 + e^z) - z·t, rewritten so e^x is only taken of x <= 0.
            total += Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
            if (grad != null) {
                // σ(z) - t = (1-t)·σ(z) - t·σ(-z): no cancellation when σ(z) ≈ t ∈ {0, 1}
                grad[gradOffset + i] = (float) (((1 - t) * Activation.sigmoid(z) - t * Activation.sigmoid(-z)) / n);
            }
        }
        return (float) (total / n);
    }

    @Override
    public float meanAbsoluteError(int n, float[] pred, int predOffset, float[] target, int targetOffset,
                                   float[] grad, int gradOffset) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            float d = pred[predOffset + i] - target[targetOffset + i];
            total += Math.abs(d);
            if (grad != null) {
                grad[gradOffset + i] = Math.signum(d) / n;
            }
        }
        return (float) (total / n);
    }

    @Override
    public float huber(int n, float delta, float[] pred, int predOffset, float[] target, int targetOffset,
                       float[] grad, int gradOffset) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            float d = pred[predOffset + i] - target[targetOffset + i];
            float a = Math.abs(d);
            total += a <= delta ? 0.5 * d * d : delta * (a - 0.5 * delta);
            if (grad != null) {
                grad[gradOffset + i] = Math.min(Math.max(d, -delta), delta) / n;
            }
        }
        return (float) (total / n);
    }

    @Override
    public float hinge(int n, float[] scores, int scoresOffset, float[] target, int targetOffset,
                       float[] grad, int gradOffset) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            float y = 2 * target[targetOffset + i] - 1;
            float margin = y * scores[scoresOffset + i];
            total += Math.max(0f, 1f - margin);
            if (grad != null) {
                grad[gradOffset + i] = margin < 1f ? -y / n : 0f;
            }
        }
        return (float) (total / n);
    }

    // ------------------------------------------------------------------ optimizer updates

    @Override
    public void sgdUpdate(int n, float lr, float weightDecay, float[] w, int wOffset, float[] g, int gOffset) {
        for (int i = 0; i < n; i++) {
            float wi = w[wOffset + i];
            w[wOffset + i] = wi - lr * (g[gOffset + i] + weightDecay * wi);
        }
    }

    @Override
    public void momentumUpdate(int n, float lr, float momentum, boolean nesterov, float weightDecay,
                               float[] w, int wOffset, float[] g, int gOffset, float[] v, int vOffset) {
        for (int i = 0; i < n; i++) {
            float wi = w[wOffset + i];
            float gi = g[gOffset + i] + weightDecay * wi;
            float vi = flush(momentum * v[vOffset + i] + gi);
            v[vOffset + i] = vi;
            w[wOffset + i] = wi - lr * (nesterov ? gi + momentum * vi : vi);
        }
    }

    @Override
    public void adamUpdate(int n, float lr, float beta1, float beta2, float epsilon, float weightDecay,
                           boolean decoupled, int t,
                           float[] w, int wOffset, float[] g, int gOffset,
                           float[] m, int mOffset, float[] v, int vOffset) {
        float bias1 = (float) (1.0 - Math.pow(beta1, t));
        float bias2 = (float) (1.0 - Math.pow(beta2, t));
        for (int i = 0; i < n; i++) {
            float wi = w[wOffset + i];
            float gi = g[gOffset + i];
            if (decoupled) {
                wi -= lr * weightDecay * wi;
            } else {
                gi += weightDecay * wi;
            }
            float mi = flush(beta1 * m[mOffset + i] + (1f - beta1) * gi);
            float vi = flush(beta2 * v[vOffset + i] + (1f - beta2) * gi * gi);
            m[mOffset + i] = mi;
            v[vOffset + i] = vi;
            float mHat = mi / bias1;
            float vHat = vi / bias2;
            w[wOffset + i] = wi - lr * mHat / ((float) Math.sqrt(vHat) + epsilon);
        }
    }

    /**
     * |x| below 2^-126 becomes 0, so optimizer state and loss gradients never enter the subnormal
     * range, where x86 arithmetic is about 20× slower (Java cannot set the CPU's flush-to-zero mode).
     */
    static float flush(float x) {
        return Math.abs(x) < Float.MIN_NORMAL ? 0f : x;
    }

    @Override
    public void adagradUpdate(int n, float lr, float epsilon, float weightDecay,
                              float[] w, int wOffset, float[] g, int gOffset, float[] s, int sOffset) {
        for (int i = 0; i < n; i++) {
            float wi = w[wOffset + i];
            float gi = g[gOffset + i] + weightDecay * wi;
            float si = s[sOffset + i] + gi * gi;
            s[sOffset + i] = si;
            w[wOffset + i] = wi - lr * gi / ((float) Math.sqrt(si) + epsilon);
        }
    }

    @Override
    public void rmspropUpdate(int n, float lr, float rho, float epsilon, float weightDecay,
                              float[] w, int wOffset, float[] g, int gOffset, float[] s, int sOffset) {
        for (int i = 0; i < n; i++) {
            float wi = w[wOffset + i];
            float gi = g[gOffset + i] + weightDecay * wi;
            float si = flush(rho * s[sOffset + i] + (1f - rho) * gi * gi);
            s[sOffset + i] = si;
            w[wOffset + i] = wi - lr * gi / ((float) Math.sqrt(si) + epsilon);
        }
    }

    // ------------------------------------------------------------------ elementwise and reductions

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
            for (int j = 1; j < cols; j++) {
                if (x[xr + j] > x[xr + best]) {
                    best = j;
                }
            }
            out[outOffset + r] = best;
        }
    }

    // ------------------------------------------------------------------ layers

    @Override
    public void preluForward(int rows, int cols, float[] x, int xOffset, float[] slope, int slopeOffset,
                             float[] y, int yOffset) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                float v = x[xOffset + r * cols + c];
                y[yOffset + r * cols + c] = v > 0 ? v : slope[slopeOffset + c] * v;
            }
        }
    }

    @Override
    public void preluBackward(int rows, int cols, float[] x, int xOffset, float[] slope, int slopeOffset,
                              float[] dy, int dyOffset, float[] dx, int dxOffset, float[] dslope, int dslopeOffset) {
        for (int c = 0; c < cols; c++) {
            double ds = 0;
            float a = slope[slopeOffset + c];
            for (int r = 0; r < rows; r++) {
                float v = x[xOffset + r * cols + c];
                float g = dy[dyOffset + r * cols + c];
                if (v <= 0) {
                    ds += (double) g * v;
                }
                if (dx != null) {
                    dx[dxOffset + r * cols + c] = v > 0 ? g : a * g;
                }
            }
            dslope[dslopeOffset + c] += (float) ds;
        }
    }

    @Override
    public void maxoutForward(int rows, int units, int pieces, float[] z, int zOffset, float[] y, int yOffset) {
        for (int r = 0; r < rows; r++) {
            int zr = zOffset + r * units * pieces;
            for (int u = 0; u < units; u++) {
                float best = z[zr + u];
                for (int p = 1; p < pieces; p++) {
                    best = Math.max(best, z[zr + p * units + u]);
                }
                y[yOffset + r * units + u] = best;
            }
        }
    }

    @Override
    public void maxoutBackward(int rows, int units, int pieces, float[] z, int zOffset, float[] dy, int dyOffset,
                               float[] dz, int dzOffset) {
        for (int r = 0; r < rows; r++) {
            int zr = zOffset + r * units * pieces;
            int dzr = dzOffset + r * units * pieces;
            for (int u = 0; u < units; u++) {
                int best = 0;
                for (int p = 1; p < pieces; p++) {
                    if (z[zr + p * units + u] > z[zr + best * units + u]) {
                        best = p;
                    }
                }
                for (int p = 0; p < pieces; p++) {
                    dz[dzr + p * units + u] = p == best ? dy[dyOffset + r * units + u] : 0f;
                }
            }
        }
    }

    @Override
    public void batchNormForward(int rows, int cols, float epsilon, float[] x, int xOffset,
                                 float[] gamma, int gammaOffset, float[] beta, int betaOffset,
                                 float[] mean, int meanOffset, float[] variance, int varianceOffset,
                                 float[] xhat, int xhatOffset, float[] y, int yOffset) {
        for (int c = 0; c < cols; c++) {
            double s = 0;
            for (int r = 0; r < rows; r++) {
                s += x[xOffset + r * cols + c];
            }
            double mu = s / rows;
            double ss = 0;
            for (int r = 0; r < rows; r++) {
                double d = x[xOffset + r * cols + c] - mu;
                ss += d * d;
            }
            double var = ss / rows;
            double inv = 1 / Math.sqrt(var + epsilon);
            mean[meanOffset + c] = (float) mu;
            variance[varianceOffset + c] = (float) var;
            for (int r = 0; r < rows; r++) {
                double h = (x[xOffset + r * cols + c] - mu) * inv;
                xhat[xhatOffset + r * cols + c] = (float) h;
                y[yOffset + r * cols + c] = (float) (gamma[gammaOffset + c] * h + beta[betaOffset + c]);
            }
        }
    }

    @Override
    public void batchNormBackward(int rows, int cols, float epsilon, float[] dy, int dyOffset, float[] xhat, int xhatOffset,
                                  float[] gamma, int gammaOffset, float[] variance, int varianceOffset,
                                  float[] sumDy, int sumDyOffset, float[] sumDyXhat, int sumDyXhatOffset,
                                  float[] dx, int dxOffset) {
        for (int c = 0; c < cols; c++) {
            double s = 0;
            double sh = 0;
            for (int r = 0; r < rows; r++) {
                double g = dy[dyOffset + r * cols + c];
                s += g;
                sh += g * xhat[xhatOffset + r * cols + c];
            }
            sumDy[sumDyOffset + c] = (float) s;
            sumDyXhat[sumDyXhatOffset + c] = (float) sh;
            if (dx != null) {
                double k = gamma[gammaOffset + c] / (rows * Math.sqrt(variance[varianceOffset + c] + (double) epsilon));
                for (int r = 0; r < rows; r++) {
                    int i = r * cols + c;
                    dx[dxOffset + i] = (float) (k * ((double) rows * dy[dyOffset + i] - s - xhat[xhatOffset + i] * sh));
                }
            }
        }
    }

    @Override
    public void scaleShiftColumns(int rows, int cols, float[] x, int xOffset, float[] scale, int scaleOffset,
                                  float[] shift, int shiftOffset, float[] y, int yOffset) {
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                y[yOffset + r * cols + c] = x[xOffset + r * cols + c] * scale[scaleOffset + c] + shift[shiftOffset + c];
            }
        }
    }

    @Override
    public void layerNormForward(int rows, int cols, float epsilon, float[] x, int xOffset,
                                 float[] gamma, int gammaOffset, float[] beta, int betaOffset,
                                 float[] mean, int meanOffset, float[] variance, int varianceOffset,
                                 float[] xhat, int xhatOffset, float[] y, int yOffset) {
        for (int r = 0; r < rows; r++) {
            int xr = xOffset + r * cols;
            double s = 0;
            for (int c = 0; c < cols; c++) {
                s += x[xr + c];
            }
            double mu = s / cols;
            double ss = 0;
            for (int c = 0; c < cols; c++) {
                double d = x[xr + c] - mu;
                ss += d * d;
            }
            double var = ss / cols;
            double inv = 1 / Math.sqrt(var + epsilon);
            mean[meanOffset + r] = (float) mu;
            variance[varianceOffset + r] = (float) var;
            for (int c = 0; c < cols; c++) {
                double h = (x[xr + c] - mu) * inv;
                xhat[xhatOffset + r * cols + c] = (float) h;
                y[yOffset + r * cols + c] = (float) (gamma[gammaOffset + c] * h + beta[betaOffset + c]);
            }
        }
    }

    @Override
    public void layerNormBackward(int rows, int cols, float epsilon, float[] dy, int dyOffset, float[] xhat, int xhatOffset,
                                  float[] gamma, int gammaOffset, float[] variance, int varianceOffset,
                                  float[] dgamma, int dgammaOffset, float[] dbeta, int dbetaOffset,
                                  float[] dx, int dxOffset) {
        for (int c = 0; c < cols; c++) {
            double sg = 0;
            double sb = 0;
            for (int r = 0; r < rows; r++) {
                double g = dy[dyOffset + r * cols + c];
                sb += g;
                sg += g * xhat[xhatOffset + r * cols + c];
            }
            dgamma[dgammaOffset + c] += (float) sg;
            dbeta[dbetaOffset + c] += (float) sb;
        }
        if (dx == null) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            double s = 0;
            double sh = 0;
            for (int c = 0; c < cols; c++) {
                double g = (double) gamma[gammaOffset + c] * dy[dyOffset + r * cols + c];
                s += g;
                sh += g * xhat[xhatOffset + r * cols + c];
            }
            double k = 1 / (cols * Math.sqrt(variance[varianceOffset + r] + (double) epsilon));
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                double g = (double) gamma[gammaOffset + c] * dy[dyOffset + i];
                dx[dxOffset + i] = (float) (k * (cols * g - s - xhat[xhatOffset + i] * sh));
            }
        }
    }

    // ------------------------------------------------------------------ regularisation

    @Override
    public float elasticNetPenalty(int n, float l1, float l2, float[] w, int wOffset, float[] g, int gOffset) {
        double abs = 0;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            float v = w[wOffset + i];
            abs += Math.abs(v);
            sq += (double) v * v;
            if (g != null) {
                g[gOffset + i] += l1 * Math.signum(v) + l2 * v;
            }
        }
        return (float) (l1 * abs + 0.5 * l2 * sq);
    }
}
