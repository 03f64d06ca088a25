package dev.simdnn.nn;

import dev.simdnn.layer.Layer;
import dev.simdnn.tensor.Tensor;

/** The input checks every layer of this package makes (messages name the layer and both shapes), and a filler. */
final class Shapes {
    private Shapes() {
    }

    static void checkInput(Layer layer, Tensor input, int features) {
        if (input.rank() != 2 || input.cols() != features) {
            throw new IllegalArgumentException(layer + " expects input [batch, " + features + "] but got " + input.shape());
        }
        if (input.rows() < 1) {
            throw new IllegalArgumentException(layer + " got an empty batch " + input.shape());
        }
    }

    /** Backward needs a training-mode forward first, and a gradient shaped like that forward's output. */
    static void checkBackward(Layer layer, Tensor lastInput, Tensor gradOutput, int outFeatures) {
        if (lastInput == null) {
            throw new IllegalStateException(layer + ": backward needs a forward in training mode first");
        }
        if (gradOutput.rank() != 2 || gradOutput.rows() != lastInput.rows() || gradOutput.cols() != outFeatures) {
            throw new IllegalArgumentException(layer + ": gradient " + gradOutput.shape() + " does not match the output ["
                    + lastInput.rows() + ", " + outFeatures + "] of the latest forward");
        }
    }

    static int same(Layer layer, int inputFeatures, int features) {
        if (inputFeatures != features) {
            throw new IllegalArgumentException(layer + " expects " + features + " features, got " + inputFeatures);
        }
        return features;
    }

    /** A vector of {@code n} copies of {@code value}. */
    static Tensor filled(int n, float value) {
        Tensor t = Tensor.zeros(n);
        t.fill(value);
        return t;
    }

    /** A normalisation's ε: finite and > 0; the message names the layer kind and the value. */
    static void epsilon(String layer, float epsilon) {
        if (!(epsilon > 0 && Float.isFinite(epsilon))) {
            throw new IllegalArgumentException(layer + " epsilon must be > 0, got " + epsilon);
        }
    }

    static void positive(String what, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, got " + value);
        }
    }
}
