package dev.simdnn.io;

import dev.simdnn.init.Initializer;
import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The model a bare PyTorch {@code state_dict} belongs to, from its {@code torch.nn.Sequential}
 * module list: {@code "linear,relu,linear"} is {@code Sequential(Linear, ReLU, Linear)}. Widths come
 * from the tensors ({@code i.weight} of a Linear is {@code [out, in]}, {@code i.bias} optional);
 * module {@code i} of the list is module {@code i} of ours, so the keys match, and the tensors are
 * then loaded strictly ({@link Sequential#loadStateDict}).
 *
 * <p>Modules: {@code linear}; {@code relu}, {@code tanh}, {@code sigmoid}, {@code elu},
 * {@code selu}, {@code softplus}, {@code silu} (also {@code swish}), {@code leaky_relu} (torch's
 * default slope 0.01), {@code gelu_tanh} (torch's {@code GELU(approximate='tanh')}), {@code identity};
 * {@code dropout} (the identity in inference); {@code softmax}. Not yet: torch's exact {@code gelu}
 * (the erf form; ours is the tanh approximation), and {@code batchnorm1d}, {@code layernorm},
 * {@code prelu}, whose parameter names in our files differ from torch's for now.
 */
public final class TorchModules {
    private TorchModules() {
    }

    /**
     * The model, its tensors loaded.
     *
     * @throws IllegalArgumentException naming the module and the problem: an unknown or unsupported
     *                                  module, a missing weight, widths that do not chain, keys that do not match
     */
    public static Sequential model(String modules, Map<String, Tensor> state, Kernels kernels) {
        List<String> list = new ArrayList<>();
        for (String m : modules.split(",")) {
            if (!m.isBlank()) {
                list.add(m.trim().toLowerCase(Locale.ROOT));
            }
        }
        if (list.isEmpty() || !list.get(0).equals("linear")) {
            throw new IllegalArgumentException("the module list must start with linear (its weight gives the input width), got '"
                    + modules + "'");
        }
        Mlp.Builder b = Mlp.builder().kernels(kernels);
        int width = -1;
        for (int i = 0; i < list.size(); i++) {
            String m = list.get(i);
            String where = "module " + i + " (" + m + ")";
            switch (m) {
                case "linear" -> {
                    Tensor w = state.get(i + ".weight");
                    if (w == null || w.rank() != 2) {
                        throw new IllegalArgumentException(where + ": the tensors have no 2-D " + i + ".weight"
                                + (w == null ? "" : " (it is " + w.shape() + ")") + "; their keys: " + state.keySet());
                    }
                    int out = w.shape().dims()[0];
                    int in = w.shape().dims()[1];
                    if (width < 0) {
                        b.input(in);
                    } else if (in != width) {
                        throw new IllegalArgumentException(where + ": " + i + ".weight takes " + in + " inputs but module "
                                + (i - 1) + " gives " + width);
                    }
                    b.dense(out, Activation.IDENTITY, state.containsKey(i + ".bias"), Initializer.zeros());
                    width = out;
                }
                case "relu", "tanh", "sigmoid", "elu", "selu", "softplus", "silu", "swish", "identity" ->
                        b.activation(Activation.parse(m));
                case "leaky_relu" -> b.activation(Activation.leakyRelu(0.01f));
                case "gelu_tanh" -> b.activation(Activation.parse("gelu"));
                case "dropout" -> b.dropout(0f);
                case "softmax" -> b.softmax();
                case "gelu" -> throw new IllegalArgumentException(where + ": torch's GELU is the exact (erf) form and ours "
                        + "the tanh approximation; for a model trained with GELU(approximate='tanh') say gelu_tanh");
                case "batchnorm1d", "layernorm", "prelu" -> throw new IllegalArgumentException(where + " is not read from "
                        + "state dicts yet: its parameter names in simdnn differ from torch's");
                default -> throw new IllegalArgumentException(where + " is not a module simdnn knows; known: linear, relu, "
                        + "tanh, sigmoid, elu, selu, softplus, silu, leaky_relu, gelu_tanh, identity, dropout, softmax");
            }
        }
        Sequential model = b.build();
        model.loadStateDict(state);
        return model;
    }
}
