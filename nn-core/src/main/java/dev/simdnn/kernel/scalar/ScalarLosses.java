package dev.simdnn.kernel.scalar;

import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Losses;

/**
 * The scalar reference of {@link Losses}: plain loops, one element at a time, sums in
 * {@code double} (see {@link ScalarKernels}). Stateless and thread-safe.
 */
public final class ScalarLosses implements Losses {
    /** The one instance; the class has no state. */
    public static final ScalarLosses INSTANCE = new ScalarLosses();

    private ScalarLosses() {
    }

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
                    grad[gr + j] = Subnormals.flush((float) ((p - q) / rows));
                }
            }
        }
        return (float) (total / rows);
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

    @Override
    public float logCosh(int n, float[] pred, int predOffset, float[] target, int targetOffset,
                         float[] grad, int gradOffset) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            double d = (double) pred[predOffset + i] - target[targetOffset + i];
            double a = Math.abs(d);
            // log(cosh d) = |d| + log(1 + e^-2|d|) - log 2: no overflow of cosh for large |d|
            total += a + Math.log1p(Math.exp(-2 * a)) - Math.log(2);
            if (grad != null) {
                grad[gradOffset + i] = (float) (Math.tanh(d) / n);
            }
        }
        return (float) (total / n);
    }
}
