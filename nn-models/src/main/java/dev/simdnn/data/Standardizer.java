package dev.simdnn.data;

import dev.simdnn.tensor.Tensor;

import java.util.Arrays;

/**
 * Affine feature scaling per column, {@code x' = (x - μ) / σ}, fitted on the training split only
 * (fitting on all data would leak the test set into training): standardisation ({@link #fit}: zero
 * mean, unit variance; a constant column is only centred) or min-max to [0, 1]
 * ({@link #fitMinMax}: μ = min, σ = max - min).
 */
public final class Standardizer {
    private final float[] mean;
    private final float[] scale;

    private Standardizer(float[] mean, float[] scale) {
        this.mean = mean;
        this.scale = scale;
    }

    /** A standardizer with the given means and scales (copied; every scale finite and > 0). */
    public static Standardizer of(float[] mean, float[] scale) {
        if (mean.length != scale.length) {
            throw new IllegalArgumentException(mean.length + " means but " + scale.length + " scales");
        }
        for (int j = 0; j < scale.length; j++) {
            if (!(scale[j] >= Float.MIN_NORMAL) || !Float.isFinite(scale[j]) || !Float.isFinite(mean[j])) {
                throw new IllegalArgumentException("feature " + j + ": mean " + mean[j] + ", scale " + scale[j]
                        + " (means must be finite, scales finite and at least 2^-126: a subnormal scale turns"
                        + " finite inputs into infinity)");
            }
        }
        return new Standardizer(mean.clone(), scale.clone());
    }

    /** Fits μ and σ (population standard deviation) of each column of {@code features}. */
    public static Standardizer fit(Tensor features) {
        int n = features.rows();
        int f = features.cols();
        double[] sum = new double[f];
        double[] sumSq = new double[f];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < f; j++) {
                double v = features.get(r, j);
                sum[j] += v;
            }
        }
        float[] mean = new float[f];
        for (int j = 0; j < f; j++) {
            mean[j] = (float) (sum[j] / n);
        }
        // Second pass on centred values: no catastrophic cancellation for large means.
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < f; j++) {
                double d = features.get(r, j) - (double) mean[j];
                sumSq[j] += d * d;
            }
        }
        float[] scale = new float[f];
        for (int j = 0; j < f; j++) {
            double sd = Math.sqrt(sumSq[j] / n);
            scale[j] = sd > 1e-12 ? (float) sd : 1f;
        }
        return new Standardizer(mean, scale);
    }

    /**
     * Min-max scaling to [0, 1] per column, fitted on {@code features}: the same affine form with
     * μ = min and σ = max - min (a constant column is only shifted).
     */
    public static Standardizer fitMinMax(Tensor features) {
        int f = features.cols();
        float[] min = new float[f];
        float[] max = new float[f];
        Arrays.fill(min, Float.POSITIVE_INFINITY);
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
        for (int r = 0; r < features.rows(); r++) {
            for (int j = 0; j < f; j++) {
                float v = features.get(r, j);
                min[j] = Math.min(min[j], v);
                max[j] = Math.max(max[j], v);
            }
        }
        float[] range = new float[f];
        for (int j = 0; j < f; j++) {
            range[j] = max[j] - min[j] >= Float.MIN_NORMAL ? max[j] - min[j] : 1f; // a subnormal range would overflow
        }
        return new Standardizer(min, range);
    }

    /** A new tensor of scaled features. */
    public Tensor transform(Tensor features) {
        if (features.cols() != mean.length) {
            throw new IllegalArgumentException("standardizer was fitted on " + mean.length + " features but got "
                    + features.shape());
        }
        Tensor out = Tensor.zeros(features.shape());
        transformInto(features, out);
        return out;
    }

    /**
     * Scales {@code features} into {@code out} (same shape; may be {@code features} itself, scaled in
     * place): the values {@link #transform(Tensor)} gives, without allocating.
     *
     * @param features not modified, unless it is {@code out}
     * @param out      modified
     */
    public void transformInto(Tensor features, Tensor out) {
        if (features.cols() != mean.length) {
            throw new IllegalArgumentException("standardizer was fitted on " + mean.length + " features but got "
                    + features.shape());
        }
        Tensor.requireSameShape(features, out, "scaled features");
        float[] in = features.data();
        float[] o = out.data();
        int f = mean.length;
        for (int r = 0; r < features.rows(); r++) {
            int src = features.offset() + r * f;
            int dst = out.offset() + r * f;
            for (int j = 0; j < f; j++) {
                o[dst + j] = (in[src + j] - mean[j]) / scale[j];
            }
        }
    }

    /** The data set with its features scaled. */
    public Dataset transform(Dataset data) {
        return data.withFeatures(transform(data.features()));
    }

    /** The fitted means, one per feature (a copy). */
    public float[] mean() {
        return mean.clone();
    }

    /** The fitted scales σ (1 for constant features), one per feature (a copy). */
    public float[] scale() {
        return scale.clone();
    }
}
