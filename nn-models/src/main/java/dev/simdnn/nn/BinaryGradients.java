package dev.simdnn.nn;

import dev.simdnn.tensor.Tensor;

/** The gradients of a two-input operation with respect to its first and second input. */
public record BinaryGradients(Tensor first, Tensor second) {
}
