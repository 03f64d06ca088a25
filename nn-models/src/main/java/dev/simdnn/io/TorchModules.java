package dev.simdnn.io;

import dev.simdnn.init.Initializer;
import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.nn.ActivationLayer;
import dev.simdnn.nn.BatchNorm;
import dev.simdnn.nn.Dense;
import dev.simdnn.nn.Dropout;
import dev.simdnn.nn.LayerNorm;
import dev.simdnn.nn.PRelu;
import dev.simdnn.nn.Sequential;
import dev.simdnn.nn.Softmax;
import dev.simdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The model a bare PyTorch {@code state_dict} belongs to, from its {@code torch.nn.Sequential}
 * module list: {@code "linear,relu,linear"} is {@code Sequential(Linear, ReLU, Linear)}. Widths come
 * from the tensors ({@code i.weight} of a Linear is {@code [out, in]}, {@code i.bias} optional; a
 * norm's or PReLU's {@code i.weight} is {@code [features]}); module {@code i} of the list has the keys
 * {@code i.*}, as in torch, and the tensors are then loaded strictly ({@link Sequential#loadStateDict}).
 * A Linear followed by an activation becomes one dense layer with that activation fused (the same
 * function, one pass less, and the same keys: a fused dense layer counts as two torch modules).
 *
 * <p>Modules (case-insensitive, optional arguments in parentheses):
 * <ul>
 *   <li>{@code linear};</li>
 *   <li>{@code relu}, {@code tanh}, {@code sigmoid}, {@code elu}, {@code selu}, {@code softplus},
 *       {@code silu} (also {@code swish}), {@code leaky_relu[(slope)]} (torch's default 0.01),
 *       {@code elu[(alpha)]} (default 1),
 *       {@code gelu} (torch's exact {@code GELU()}), {@code gelu_tanh} ({@code GELU(approximate='tanh')}),
 *       {@code identity};</li>
 *   <li>{@code dropout[(p)]} (the identity in inference), {@code softmax};</li>
 *   <li>{@code batchnorm1d[(eps=1e-5,momentum=0.1)]} (affine, with running statistics: weight, bias,
 *       running_mean, running_var, num_batches_tracked), {@code layernorm[(eps=1e-5)]} (affine over
 *       the last dimension), {@code prelu} ({@code weight [features]}, or torch's default
 *       {@code [1]}, one slope shared by all features, which is loaded as that slope per feature:
 *       the same function; saved again, it is per feature).</li>
 * </ul>
 * Any module not listed is refused by name.
 */
public final class TorchModules {
    private TorchModules() {
    }

    private static final List<String> KNOWN = List.of("linear", "relu", "tanh", "sigmoid", "elu", "selu", "softplus",
            "silu", "swish", "leaky_relu", "gelu", "gelu_tanh", "identity", "dropout", "softmax", "batchnorm1d", "layernorm", "prelu");

    /**
     * The model, its tensors loaded.
     *
     * @throws IllegalArgumentException naming the module and the problem: an unknown or unsupported
     *                                  module, a missing weight, widths that do not chain, keys that do not match
     */
    public static Sequential model(String modules, Map<String, Tensor> state, Kernels kernels) {
        List<String> list = split(modules);
        if (list.isEmpty()) {
            throw new IllegalArgumentException("the module list is empty: give it as torch's Sequential lists them, "
                    + "e.g. linear,relu,linear");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>(state);
        List<Layer> layers = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(0); // every value is then overwritten by the tensors
        int input = -1;
        int width = -1;
        for (int i = 0; i < list.size(); i++) {
            Module m = Module.parse(list.get(i), i);
            if (width < 0 && !m.name.equals("linear") && !m.name.equals("batchnorm1d") && !m.name.equals("layernorm")) {
                throw new IllegalArgumentException("the module list must start with linear, batchnorm1d or layernorm (its "
                        + "weight gives the input width), got '" + list.get(i) + "'");
            }
            switch (m.name) {
                case "linear" -> {
                    Tensor w = weight(tensors, m, 2);
                    int out = w.shape().dim(0);
                    int in = w.shape().dim(1);
                    width = chain(m, in, width, " takes ");
                    if (input < 0) {
                        input = in;
                    }
                    Activation fused = Activation.IDENTITY;
                    if (i + 1 < list.size()) {
                        Activation next = activation(Module.parse(list.get(i + 1), i + 1));
                        if (next != null && next != Activation.IDENTITY) {
                            fused = next;
                            i++; // the activation is module i + 1: a fused dense layer counts as two
                        }
                    }
                    layers.add(new Dense(in, out, fused, tensors.containsKey(m.index + ".bias"), Initializer.zeros(), rng));
                    width = out;
                }
                case "batchnorm1d" -> {
                    int f = width = chain(m, weight(tensors, m, 1).shape().dim(0), width, " normalises ");
                    input = input < 0 ? f : input;
                    layers.add(new BatchNorm(f, m.number("momentum", 0.1f), m.number("eps", 1e-5f)));
                }
                case "layernorm" -> {
                    int f = width = chain(m, weight(tensors, m, 1).shape().dim(0), width, " normalises ");
                    input = input < 0 ? f : input;
                    layers.add(new LayerNorm(f, m.number("eps", 1e-5f)));
                }
                case "prelu" -> {
                    Tensor w = weight(tensors, m, 1);
                    if (w.size() == 1 && width > 1) { // torch's PReLU(): one slope for every feature
                        float[] each = new float[width];
                        java.util.Arrays.fill(each, w.getFlat(0));
                        tensors.put(m.index + ".weight", Tensor.of(each, width));
                    } else {
                        chain(m, w.size(), width, " has slopes for ");
                    }
                    layers.add(new PRelu(width));
                }
                case "dropout" -> layers.add(new Dropout(width, m.number("p", 0.5f), 0));
                case "softmax" -> layers.add(new Softmax(width));
                default -> layers.add(new ActivationLayer(activation(m), width));
            }
        }
        Sequential model = new Sequential(input, layers, kernels);
        model.loadStateDict(tensors);
        return model;
    }

    /** The activation module {@code m} names, or null for a module that is not one. */
    private static Activation activation(Module m) {
        return switch (m.name) {
            case "relu", "tanh", "sigmoid", "selu", "softplus", "silu", "swish", "identity" -> Activation.parse(m.name);
            case "elu" -> Activation.elu(m.number("alpha", 1f));
            case "leaky_relu" -> Activation.leakyRelu(m.number("negative_slope", 0.01f));
            case "gelu_tanh" -> Activation.GELU;
            case "gelu" -> Activation.GELU_ERF;
            default -> null;
        };
    }

    private static Tensor weight(Map<String, Tensor> tensors, Module m, int rank) {
        Tensor w = tensors.get(m.index + ".weight");
        if (w == null || w.rank() != rank) {
            throw new IllegalArgumentException(m + ": the tensors have no " + rank + "-D " + m.index + ".weight"
                    + (w == null ? "" : " (it is " + w.shape() + ")") + "; their keys: " + tensors.keySet());
        }
        return w;
    }

    /** {@code width} checked against the previous module's (none yet: {@code previous < 0}). */
    private static int chain(Module m, int width, int previous, String verb) {
        if (previous >= 0 && width != previous) {
            throw new IllegalArgumentException(m + ": " + m.index + ".weight" + verb + width + " inputs but module "
                    + (m.index - 1) + " gives " + previous);
        }
        return width;
    }

    /** The list split at top-level commas (a module's arguments may hold commas). */
    private static List<String> split(String modules) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (char c : modules.toCharArray()) {
            if (c == ',' && depth == 0) {
                out.add(cur.toString());
                cur.setLength(0);
                continue;
            }
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            cur.append(c);
        }
        out.add(cur.toString());
        out.removeIf(String::isBlank);
        out.replaceAll(s -> s.trim().toLowerCase(Locale.ROOT));
        return out;
    }

    /** One module of the list: its name and its {@code key=value} (or one positional) arguments. */
    private record Module(String name, int index, String text, Map<String, Float> args) {
        static Module parse(String text, int index) {
            String name = text;
            Map<String, Float> args = new LinkedHashMap<>();
            int open = text.indexOf('(');
            if (open >= 0) {
                if (!text.endsWith(")")) {
                    throw new IllegalArgumentException("module " + index + " (" + text + "): unbalanced parentheses");
                }
                name = text.substring(0, open).trim();
                String inner = text.substring(open + 1, text.length() - 1).trim();
                for (String a : inner.isEmpty() ? new String[0] : inner.split(",")) {
                    int eq = a.indexOf('=');
                    String key = eq < 0 ? "" : a.substring(0, eq).trim();
                    String value = (eq < 0 ? a : a.substring(eq + 1)).trim();
                    try {
                        args.put(key, Float.parseFloat(value));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("module " + index + " (" + text + "): '" + value
                                + "' is not a number");
                    }
                }
            }
            if (!KNOWN.contains(name)) {
                throw new IllegalArgumentException("module " + index + " (" + text + ") is not a module simdnn knows; known: "
                        + String.join(", ", KNOWN));
            }
            Module m = new Module(name, index, text, args);
            for (String key : args.keySet()) {
                if (!m.allowed().contains(key)) {
                    throw new IllegalArgumentException(m + ": unknown argument '" + key + "'"
                            + (m.allowed().isEmpty() ? ", it takes none" : "; it takes " + m.allowed()));
                }
            }
            return m;
        }

        /** The argument names this module takes ({@code ""}: the one positional argument). */
        List<String> allowed() {
            return switch (name) {
                case "leaky_relu" -> List.of("", "negative_slope");
                case "elu" -> List.of("", "alpha");
                case "dropout" -> List.of("", "p");
                case "batchnorm1d" -> List.of("eps", "momentum");
                case "layernorm" -> List.of("eps");
                default -> List.of();
            };
        }

        float number(String key, float dflt) {
            Float v = args.get(key);
            if (v == null && allowed().size() > 1 && allowed().get(0).isEmpty() && allowed().get(1).equals(key)) {
                v = args.get("");
            }
            return v == null ? dflt : v;
        }

        @Override
        public String toString() {
            return "module " + index + " (" + text + ")";
        }
    }
}
