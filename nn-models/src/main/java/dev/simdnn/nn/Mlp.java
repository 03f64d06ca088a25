package dev.simdnn.nn;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.init.Initializer;
import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
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
        /** Creates one layer for the current width, drawing any random numbers from {@code rng}. */
        private interface Spec {
            Layer create(int width, RandomGenerator rng, Kernels kernels);
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
            Objects.requireNonNull(activation, "activation");
            Initializer chosen = init != null ? init : Initializer.defaultFor(activation);
            specs.add((w, rng, k) -> new Dense(w, units, activation, bias, chosen, rng));
            return this;
        }

        /**
         * A stack of hidden layers from the command line's vocabulary: {@code widths} is a
         * comma-separated list ({@code "128,64"}); each width becomes a dense layer, then
         * {@code norm} (if not {@link Normalization#NONE}), then {@code activation}, then dropout
         * of rate {@code dropout} (if above 0).
         *
         * @throws IllegalArgumentException naming the bad width, or a bad rate
         */
        public Builder hidden(String widths, Activation activation, Normalization norm, float dropout) {
            Objects.requireNonNull(norm, "norm");
            for (String w : widths.split(",")) {
                if (w.isBlank()) {
                    continue;
                }
                int width;
                try {
                    width = Integer.parseInt(w.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("hidden widths must be comma-separated numbers like 128,64, got '"
                            + widths + "'");
                }
                switch (norm) {
                    case BATCH -> dense(width).batchNorm().activation(activation);
                    case LAYER -> dense(width).layerNorm().activation(activation);
                    case NONE -> dense(width, activation);
                }
                if (dropout > 0) {
                    dropout(dropout);
                }
            }
            return this;
        }

        /** Inverted dropout of probability {@code p} after the previous layer (seeded from {@link #seed}). */
        public Builder dropout(float p) {
            if (!(p >= 0 && p < 1)) {
                throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
            }
            specs.add((w, rng, k) -> new Dropout(w, p, rng.nextLong()));
            return this;
        }

        /** An activation as a layer of its own (after a normalisation, say). */
        public Builder activation(Activation activation) {
            Objects.requireNonNull(activation, "activation");
            specs.add((w, rng, k) -> new ActivationLayer(activation, w));
            return this;
        }

        /** A PReLU with one learnable slope per feature, starting at 0.25. */
        public Builder prelu() {
            specs.add((w, rng, k) -> new PRelu(w));
            return this;
        }

        /** A maxout layer of {@code units}, each the max of {@code pieces} linear pieces. */
        public Builder maxout(int units, int pieces) {
            if (units < 1 || pieces < 1) {
                throw new IllegalArgumentException("maxout needs >= 1 unit and >= 1 piece, got " + units + " and " + pieces);
            }
            specs.add((w, rng, k) -> new Maxout(w, units, pieces, rng));
            return this;
        }

        /** Batch normalisation of the previous layer's outputs (momentum 0.1, ε = 1e-5). */
        public Builder batchNorm() {
            specs.add((w, rng, k) -> new BatchNorm(w));
            return this;
        }

        /** Layer normalisation of the previous layer's outputs (ε = 1e-5). */
        public Builder layerNorm() {
            specs.add((w, rng, k) -> new LayerNorm(w));
            return this;
        }

        /** A softmax over the outputs: probabilities, for a model used for inference only (train on logits). */
        public Builder softmax() {
            specs.add((w, rng, k) -> new Softmax(w));
            return this;
        }

        /**
         * A residual block {@code x + f(x)} whose body {@code f} is built by {@code body} from the
         * current width, e.g. {@code .residual(b -> b.dense(64, RELU).dense(64))}; a width change
         * gets a learned projection on the skip path.
         */
        public Builder residual(UnaryOperator<Builder> body) {
            Objects.requireNonNull(body, "body");
            specs.add((w, rng, k) -> {
                Builder inner = new Builder();
                inner.input(w);
                body.apply(inner);
                if (inner.specs.isEmpty()) {
                    throw new IllegalStateException("a residual block needs at least one layer in its body");
                }
                Sequential f = new Sequential(w, inner.layers(w, rng, k), k);
                return new Residual(w, f, rng);
            });
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

        private List<Layer> layers(int width, RandomGenerator rng, Kernels k) {
            List<Layer> layers = new ArrayList<>();
            for (Spec s : specs) {
                Layer l = s.create(width, rng, k);
                width = l.outputFeatures(width);
                layers.add(l);
            }
            return layers;
        }

        public Sequential build() {
            if (input < 1) {
                throw new IllegalStateException("call input(features) before build()");
            }
            if (specs.isEmpty()) {
                throw new IllegalStateException("an MLP needs at least one layer");
            }
            Kernels k = kernels != null ? kernels : KernelsProvider.best();
            return new Sequential(input, layers(input, new SplittableRandom(seed), k), k);
        }
    }
}
