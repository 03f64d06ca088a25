package dev.simdnn.predict;

/**
 * One sample's prediction. For a classifier: the class index and the probability the model gives
 * it ({@code value} is {@code NaN}). For regression: the first output as {@code value}
 * ({@code classIndex} is -1, {@code probability} {@code NaN}); {@link Predictor#outputs} has them all.
 */
public record Prediction(int classIndex, float probability, float value) {
}
