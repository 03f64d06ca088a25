package dev.simdnn.predict;

/** Loss and accuracy ({@code NaN} for regression) of a model on a data set of {@code examples} rows. */
public record Evaluation(float loss, float accuracy, int examples) {
}
