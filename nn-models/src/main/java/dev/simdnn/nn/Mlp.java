package dev.simdnn.nn;

import dev.simdnn.init.Initializer;
import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.kernel.KernelsProvider;
import dev.simdnn.layer.Layer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Builds multi-layer perceptrons as {@link Sequential} models:
 *
 * <pre>{@code
 * Sequential model = Mlp.builder()
 *         .input(64)
 *         .dense(128, Activation.RELU)
 *         .dense(10)                      // logits; pair with SoftmaxCrossEntropy
 *         .seed(42)
 *         .build();
 * }</pre>
 *
 * Weights are initialised with the default for each layer's activation
 * ({@link Initializer#defaultFor}) unless given, biases with zeros, all from one
 * {@link SplittableRandom} seeded with {@link Builder#seed(long)}: same seed, same weights.
 */
public final class Mlp {
    private Mlp() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects the layer specification; {@link #build()} creates the layers. */
    public static final class Builder {
        /** A dense layer (units ≥ 1) or, with units == 0, a dropout of probability {@code dropout}. */
        private record Spec(int units, Activation activation, boolean bias, Initializer init, float dropout) {
        }

        private int input = -1;
        private final List<Spec> specs = new ArrayList<>();
        private long seed = 0;
        private Kernels kernels;

        private Builder() {
        }

        /** Number of input features (required, >= 1). */
        public Builder input(int features) {
            if (features < 1) {
                throw new IllegalArgumentException("input features must be >= 1, got " + features);
            }
            this.input = features;
            return this;
        }

        /** A dense layer of {@code units} with the given activation, bias and default initialiser. */
        public Builder dense(int units, Activation activation) {
            return dense(units, activation, true, null);
        }

        /** A linear dense layer (identity activation), e.g. the logits of a classifier. */
        public Builder dense(int units) {
            return dense(units, Activation.IDENTITY);
        }

        /** A dense layer with every option; {@code init == null} means the activation's default. */
        public Builder dense(int units, Activation activation, boolean bias, Initializer init) {
            if (units < 1) {
                throw new IllegalArgumentException("a dense layer needs >= 1 unit, got " + units);
            }
            specs.add(new Spec(units, Objects.requireNonNull(activation, "activation"), bias, init, 0f));
            return this;
        }

        /** Inverted dropout of probability {@code p} after the previous layer (seeded from {@link #seed}). */
        public Builder dropout(float p) {
            if (!(p >= 0 && p < 1)) {
                throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
            }
            specs.add(new Spec(0, Activation.IDENTITY, false, null, p));
            return this;
        }

        /** Seed of the weight initialisation (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The backend; default {@link KernelsProvider#best()}. */
        public Builder kernels(Kernels kernels) {
            this.kernels = Objects.requireNonNull(kernels, "kernels");
            return this;
        }

        public Sequential build() {
            if (input < 1) {
                throw new IllegalStateException("call input(features) before build()");
            }
            if (specs.isEmpty()) {
                throw new IllegalStateException("an MLP needs at least one dense layer");
            }
            RandomGenerator rng = new SplittableRandom(seed);
            List<Layer> layers = new ArrayList<>();
            int width = input;
            for (Spec s : specs) {
                if (s.units() == 0) {
                    layers.add(new Dropout(width, s.dropout(), rng.nextLong()));
                    continue;
                }
                Initializer init = s.init() != null ? s.init() : Initializer.defaultFor(s.activation());
                layers.add(new Dense(width, s.units(), s.activation(), s.bias(), init, rng));
                width = s.units();
            }
            return new Sequential(input, layers, kernels != null ? kernels : KernelsProvider.best());
        }
    }
}
