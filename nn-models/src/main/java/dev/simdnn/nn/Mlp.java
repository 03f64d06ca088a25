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
        /**
         * Creates one layer for the current width and, while the rows are images, their shape
         * ({@code image}, else null), drawing any random numbers from {@code rng}.
         */
        private interface Spec {
            Layer create(int width, ImageShape image, RandomGenerator rng, Kernels kernels);
        }

        private int input = -1;
        private ImageShape inputImage;
        private int inputSteps = -1;
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
            this.inputImage = null;
            this.inputSteps = -1;
            return this;
        }

        /**
         * Images of {@code channels × height × width} as the input (rows of {@code channels·height·width}
         * values, NCHW), for convolution and pooling layers.
         */
        public Builder input(int channels, int height, int width) {
            this.inputImage = new ImageShape(channels, height, width);
            this.input = inputImage.features();
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
            specs.add((w, img, rng, k) -> {
                flat(img, "dense");
                return new Dense(w, units, activation, bias, chosen, rng);
            });
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
            specs.add((w, img, rng, k) -> new Dropout(w, p, rng.nextLong()));
            return this;
        }

        /** An activation as a layer of its own (after a normalisation, say). */
        public Builder activation(Activation activation) {
            Objects.requireNonNull(activation, "activation");
            specs.add((w, img, rng, k) -> new ActivationLayer(activation, w));
            return this;
        }

        /** A PReLU with one learnable slope per feature, starting at 0.25. */
        public Builder prelu() {
            specs.add((w, img, rng, k) -> {
                flat(img, "prelu");
                return new PRelu(w);
            });
            return this;
        }

        /** A maxout layer of {@code units}, each the max of {@code pieces} linear pieces. */
        public Builder maxout(int units, int pieces) {
            if (units < 1 || pieces < 1) {
                throw new IllegalArgumentException("maxout needs >= 1 unit and >= 1 piece, got " + units + " and " + pieces);
            }
            specs.add((w, img, rng, k) -> {
                flat(img, "maxout");
                return new Maxout(w, units, pieces, rng);
            });
            return this;
        }

        /**
         * Batch normalisation of the previous layer's outputs (momentum 0.1, ε = 1e-5): per feature
         * ({@code BatchNorm1d}) on rows, per channel ({@link BatchNorm2d}) on images.
         */
        public Builder batchNorm() {
            specs.add((w, img, rng, k) -> img != null ? new BatchNorm2d(img) : new BatchNorm(w)); // per channel on images
            return this;
        }

        /** Layer normalisation of the previous layer's outputs (ε = 1e-5). */
        public Builder layerNorm() {
            specs.add((w, img, rng, k) -> {
                flat(img, "layerNorm");
                return new LayerNorm(w);
            });
            return this;
        }

        /**
         * A 2-D convolution of {@code channels} output maps with a square {@code kernel}, stride 1, no
         * padding, with bias: PyTorch's {@code Conv2d(in, channels, kernel)}.
         */
        public Builder conv2d(int channels, int kernel) {
            return conv2d(channels, kernel, 1, 0);
        }

        /** As {@link #conv2d(int, int)} with a stride and zero padding: {@code Conv2d(in, channels, kernel, stride, padding)}. */
        public Builder conv2d(int channels, int kernel, int stride, int padding) {
            return conv2d(channels, kernel, kernel, stride, padding, 1, true, null);
        }

        /**
         * A 2-D convolution with every option: a {@code kh × kw} kernel, stride and zero padding on both
         * axes, dilation, bias, and the weight initialiser ({@code null}: He (Kaiming) uniform, as for ReLU).
         */
        public Builder conv2d(int channels, int kh, int kw, int stride, int padding, int dilation, boolean bias,
                              Initializer init) {
            if (channels < 1) {
                throw new IllegalArgumentException("conv2d needs >= 1 output channel, got " + channels);
            }
            Initializer chosen = init != null ? init : Initializer.defaultFor(Activation.RELU);
            specs.add((w, img, rng, k) -> {
                image(img, "conv2d");
                return new Conv2d(new dev.simdnn.kernel.Window2d(img.channels(), img.height(), img.width(), kh, kw,
                        stride, stride, padding, padding, dilation, dilation), channels, bias, chosen, rng);
            });
            return this;
        }

        /** Max pooling of each channel over a {@code kernel × kernel} window with stride {@code kernel}: {@code MaxPool2d(kernel)}. */
        public Builder maxPool(int kernel) {
            return maxPool(kernel, kernel, 0);
        }

        /** {@code MaxPool2d(kernel, stride, padding)}. */
        public Builder maxPool(int kernel, int stride, int padding) {
            specs.add((w, img, rng, k) -> {
                image(img, "maxPool");
                return Pool2d.max(img, kernel, stride, padding);
            });
            return this;
        }

        /** {@code AvgPool2d(kernel)}: stride {@code kernel}, no padding. */
        public Builder avgPool(int kernel) {
            return avgPool(kernel, kernel, 0);
        }

        /** {@code AvgPool2d(kernel, stride, padding)} (padding counted in the average, torch's default). */
        public Builder avgPool(int kernel, int stride, int padding) {
            specs.add((w, img, rng, k) -> {
                image(img, "avgPool");
                return Pool2d.avg(img, kernel, stride, padding);
            });
            return this;
        }

        /** The mean of each channel over the whole image ({@code AdaptiveAvgPool2d(1)}): {@code channels × 1 × 1}. */
        public Builder globalAvgPool() {
            specs.add((w, img, rng, k) -> {
                image(img, "globalAvgPool");
                return Pool2d.globalAvg(img);
            });
            return this;
        }

        /**
         * Sequences as the input: rows of {@code steps × features} values ({@code [batch, time,
         * features]}, torch's {@code batch_first}), for recurrent layers.
         */
        public Builder inputSequence(int steps, int features) {
            if (steps < 1 || features < 1) {
                throw new IllegalArgumentException("a sequence needs >= 1 step of >= 1 feature, got " + steps + " x " + features);
            }
            this.input = Math.multiplyExact(steps, features);
            this.inputImage = null;
            this.inputSteps = steps;
            return this;
        }

        /** An LSTM of {@code hidden} units over the sequence, every state out ({@code nn.LSTM(F, hidden, batch_first=True)}). */
        public Builder lstm(int hidden) {
            return recurrent(Recurrent.Cell.LSTM, hidden, 1, false);
        }

        /** A stack of {@code layers} LSTMs as one torch module ({@code nn.LSTM(F, hidden, num_layers=layers, batch_first=True)}). */
        public Builder lstm(int hidden, int layers) {
            return recurrent(Recurrent.Cell.LSTM, hidden, layers, false);
        }

        /** A GRU of {@code hidden} units ({@code nn.GRU}). */
        public Builder gru(int hidden) {
            return recurrent(Recurrent.Cell.GRU, hidden, 1, false);
        }

        /** A stack of {@code layers} GRUs as one torch module ({@code nn.GRU(…, num_layers=layers)}). */
        public Builder gru(int hidden, int layers) {
            return recurrent(Recurrent.Cell.GRU, hidden, layers, false);
        }

        /** An Elman RNN of {@code hidden} units, tanh or ReLU ({@code nn.RNN(nonlinearity=…)}). */
        public Builder rnn(int hidden, boolean relu) {
            return recurrent(relu ? Recurrent.Cell.RNN_RELU : Recurrent.Cell.RNN_TANH, hidden, 1, false);
        }

        /** A stack of {@code layers} Elman RNNs as one torch module ({@code nn.RNN(…, num_layers=layers)}). */
        public Builder rnn(int hidden, boolean relu, int layers) {
            return recurrent(relu ? Recurrent.Cell.RNN_RELU : Recurrent.Cell.RNN_TANH, hidden, layers, false);
        }

        /**
         * A recurrent layer of any kind, {@code layers} levels, read in both directions when
         * {@code bidirectional} ({@code nn.LSTM/GRU/RNN(F, hidden, num_layers=layers,
         * bidirectional=…, batch_first=True)}; a bidirectional layer gives {@code 2·hidden} features per step).
         */
        public Builder recurrent(Recurrent.Cell cell, int hidden, int layers, boolean bidirectional) {
            Objects.requireNonNull(cell, "cell");
            if (hidden < 1) {
                throw new IllegalArgumentException("a recurrent layer needs >= 1 hidden unit, got " + hidden);
            }
            if (layers < 1) {
                throw new IllegalArgumentException("a recurrent layer needs >= 1 layer (num_layers), got " + layers);
            }
            if (inputSteps < 1) {
                throw new IllegalStateException("recurrent layers need sequences: give the input as inputSequence(steps, features)");
            }
            int steps = inputSteps;
            specs.add((w, img, rng, k) -> {
                flat(img, "recurrent layer");
                if (w % steps != 0) {
                    throw new IllegalStateException("a recurrent layer over " + steps + " steps needs rows of steps x features, "
                            + "got " + w + " values");
                }
                if (layers > 1) {
                    return new StackedRecurrent(cell, w / steps, hidden, steps, layers, bidirectional, rng);
                }
                return bidirectional ? new BidirectionalRecurrent(cell, w / steps, hidden, steps, rng)
                        : new Recurrent(cell, w / steps, hidden, steps, rng);
            });
            return this;
        }

        /** The last state of the sequence ({@code output[:, -1]}): rows of one step. */
        public Builder last() {
            if (inputSteps < 1) {
                throw new IllegalStateException("last() needs sequences: give the input as inputSequence(steps, features)");
            }
            int steps = inputSteps;
            specs.add((w, img, rng, k) -> new LastStep(steps, w / steps));
            return this;
        }

        /**
         * Layers from the command line's vocabulary ({@code --arch}), comma-separated, arguments in
         * parentheses (positional, or {@code key=value}):
         * {@code dense(units[,activation])}, {@code conv2d(channels,kernel[,stride=1,pad=0,dilation=1,bias=true])},
         * {@code maxpool(kernel[,stride,pad])}, {@code avgpool(kernel[,stride,pad])}, {@code globalavgpool},
         * {@code flatten}, {@code batchnorm}, {@code layernorm}, {@code dropout(p)}, {@code prelu},
         * {@code softmax}, {@code lstm(hidden[,layers=L][,bidirectional=true])}, {@code gru(…)}, {@code rnn(hidden[,relu][,…])},
         * {@code last}, and any activation by name ({@code relu}, {@code tanh}, {@code gelu_erf}, …), e.g.
         * {@code "conv2d(32,3,pad=1),relu,maxpool(2),flatten,dense(10)"} or {@code "lstm(128),last,dense(10)"}.
         *
         * @throws IllegalArgumentException naming the token and what is wrong with it
         */
        public Builder layers(String spec) {
            Objects.requireNonNull(spec, "spec");
            for (String token : splitTopLevel(spec)) {
                layer(token);
            }
            return this;
        }

        private static List<String> splitTopLevel(String spec) {
            List<String> out = new ArrayList<>();
            int depth = 0;
            StringBuilder cur = new StringBuilder();
            for (char c : spec.toCharArray()) {
                if (c == ',' && depth == 0) {
                    out.add(cur.toString().trim());
                    cur.setLength(0);
                    continue;
                }
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                cur.append(c);
            }
            out.add(cur.toString().trim());
            out.removeIf(String::isEmpty);
            return out;
        }

        private void layer(String token) {
            String t = token.toLowerCase(java.util.Locale.ROOT);
            String name = t;
            List<String> positional = new ArrayList<>();
            java.util.Map<String, String> named = new java.util.HashMap<>();
            int open = t.indexOf('(');
            if (open >= 0) {
                if (!t.endsWith(")")) {
                    throw new IllegalArgumentException("layer '" + token + "': unbalanced parentheses");
                }
                name = t.substring(0, open).trim();
                for (String a : t.substring(open + 1, t.length() - 1).split(",")) {
                    if (a.isBlank()) {
                        continue;
                    }
                    int eq = a.indexOf('=');
                    if (eq < 0) {
                        positional.add(a.trim());
                    } else {
                        named.put(a.substring(0, eq).trim(), a.substring(eq + 1).trim());
                    }
                }
            }
            Args args = new Args(token, positional, named);
            switch (name) {
                case "dense", "linear" -> dense(args.integer(0, "units", -1),
                        positional.size() > 1 ? Activation.parse(positional.get(1)) : Activation.IDENTITY);
                case "conv2d", "conv" -> conv2d(args.integer(0, "channels", -1), args.integer(1, "kernel", -1),
                        args.integer(1, "kernel", -1), args.integer(2, "stride", 1),
                        args.integer(3, named.containsKey("padding") ? "padding" : "pad", 0),
                        args.integer(4, "dilation", 1), !"false".equals(named.getOrDefault("bias", "true")), null);
                case "maxpool" -> {
                    int k = args.integer(0, "kernel", -1);
                    maxPool(k, args.integer(1, "stride", k), args.integer(2, "pad", 0));
                }
                case "avgpool" -> {
                    int k = args.integer(0, "kernel", -1);
                    avgPool(k, args.integer(1, "stride", k), args.integer(2, "pad", 0));
                }
                case "globalavgpool" -> globalAvgPool();
                case "flatten" -> flatten();
                case "batchnorm" -> batchNorm();
                case "layernorm" -> layerNorm();
                case "prelu" -> prelu();
                case "softmax" -> softmax();
                case "dropout" -> dropout(args.real(0, "p", 0.5f));
                case "lstm", "gru", "rnn" -> {
                    boolean relu = positional.size() > 1 && positional.get(1).equals("relu")
                            || "relu".equals(named.get("nonlinearity"));
                    Recurrent.Cell cell = name.equals("lstm") ? Recurrent.Cell.LSTM : name.equals("gru") ? Recurrent.Cell.GRU
                            : relu ? Recurrent.Cell.RNN_RELU : Recurrent.Cell.RNN_TANH;
                    String bi = named.getOrDefault("bidirectional", "false");
                    if (!bi.equals("true") && !bi.equals("false")) {
                        throw new IllegalArgumentException("layer '" + token + "': bidirectional must be true or false, got '"
                                + bi + "'");
                    }
                    recurrent(cell, args.integer(0, "hidden", -1), args.integer(-1, "layers", 1), bi.equals("true"));
                }
                case "last" -> last();
                default -> {
                    try {
                        activation(Activation.parse(t));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("layer '" + token + "' is not a layer simdnn knows (dense, conv2d, "
                                + "maxpool, avgpool, globalavgpool, flatten, batchnorm, layernorm, dropout, prelu, softmax, "
                                + "lstm, gru, rnn, last, or an activation)");
                    }
                }
            }
        }

        /** The arguments of one {@link #layers} token: by position or by name. */
        private record Args(String token, List<String> positional, java.util.Map<String, String> named) {
            String raw(int index, String name) {
                String v = named.get(name);
                return v != null ? v : index >= 0 && index < positional.size() ? positional.get(index) : null;
            }

            int integer(int index, String name, int dflt) {
                String v = raw(index, name);
                if (v == null) {
                    if (dflt < 0) {
                        throw new IllegalArgumentException("layer '" + token + "' needs " + name);
                    }
                    return dflt;
                }
                try {
                    return Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("layer '" + token + "': " + name + " must be a whole number, got '" + v + "'");
                }
            }

            float real(int index, String name, float dflt) {
                String v = raw(index, name);
                try {
                    return v == null ? dflt : Float.parseFloat(v);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("layer '" + token + "': " + name + " must be a number, got '" + v + "'");
                }
            }
        }

        /** {@code activation(Activation.RELU)}: ReLU as a layer of its own (after a convolution, say). */
        public Builder relu() {
            return activation(Activation.RELU);
        }

        /** {@code nn.Flatten()}: the images become plain rows, for the dense layers after them. */
        public Builder flatten() {
            specs.add((w, img, rng, k) -> new Flatten(w));
            return this;
        }

        private static void image(ImageShape img, String layer) {
            if (img == null) {
                throw new IllegalStateException(layer + " needs images: give the input as input(channels, height, width), "
                        + "and no flatten() or dense layer before it");
            }
        }

        private static void flat(ImageShape img, String layer) {
            if (img != null) {
                throw new IllegalStateException(layer + " after an image layer (rows of " + img + " images): add flatten() first, "
                        + "as torch needs nn.Flatten()" + (layer.equals("layerNorm") || layer.equals("prelu")
                        ? "; a per-channel " + layer + " for images is not built yet (batchNorm() is: BatchNorm2d)" : ""));
            }
        }

        /** A softmax over the outputs: probabilities, for a model used for inference only (train on logits). */
        public Builder softmax() {
            specs.add((w, img, rng, k) -> new Softmax(w));
            return this;
        }

        /**
         * A residual block {@code x + f(x)} whose body {@code f} is built by {@code body} from the
         * current width, e.g. {@code .residual(b -> b.dense(64, RELU).dense(64))}; a width change
         * gets a learned projection on the skip path.
         */
        public Builder residual(UnaryOperator<Builder> body) {
            Objects.requireNonNull(body, "body");
            specs.add((w, img, rng, k) -> {
                flat(img, "residual");
                Builder inner = new Builder();
                inner.input(w);
                body.apply(inner);
                if (inner.specs.isEmpty()) {
                    throw new IllegalStateException("a residual block needs at least one layer in its body");
                }
                Sequential f = new Sequential(w, inner.layers(w, null, rng, k), k);
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

        private List<Layer> layers(int width, ImageShape image, RandomGenerator rng, Kernels k) {
            List<Layer> layers = new ArrayList<>();
            for (Spec s : specs) {
                Layer l;
                try {
                    l = s.create(width, image, rng, k);
                } catch (IllegalStateException e) {
                    throw new IllegalStateException("layer " + layers.size() + ": " + e.getMessage(), e);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("layer " + layers.size() + ": " + e.getMessage(), e);
                }
                width = l.outputFeatures(width);
                // images stay images through image layers and element-wise ones; anything else makes them rows
                image = l instanceof ImageLayer il ? il.outputImage()
                        : l instanceof ActivationLayer || l instanceof Dropout ? image : null;
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
            return new Sequential(input, layers(input, inputImage, new SplittableRandom(seed), k), k);
        }
    }
}
