package dev.simdnn.metrics;

/**
 * Mean squared error, mean absolute error and the coefficient of determination
 * {@code R² = 1 - Σ(y - ŷ)² / Σ(y - ȳ)²} (1 is perfect, 0 is as good as predicting the mean;
 * NaN when every y is equal). Sums in double.
 */
public record RegressionMetrics(double mse, double mae, double r2) {

    public static RegressionMetrics of(float[] truth, float[] predicted) {
        if (truth.length != predicted.length || truth.length == 0) {
            throw new IllegalArgumentException(truth.length + " true values but " + predicted.length + " predictions");
        }
        double mean = 0;
        for (float t : truth) {
            mean += t;
        }
        mean /= truth.length;
        double se = 0, ae = 0, ss = 0;
        for (int i = 0; i < truth.length; i++) {
            double d = (double) truth[i] - predicted[i];
            se += d * d;
            ae += Math.abs(d);
            ss += (truth[i] - mean) * (truth[i] - mean);
        }
        return new RegressionMetrics(se / truth.length, ae / truth.length, ss == 0 ? Double.NaN : 1 - se / ss);
    }
}
