package dev.simdnn.optim;

import dev.simdnn.layer.Parameter;

import java.util.List;
import java.util.Locale;

/**
 * An optimizer by name and hyperparameters, the vocabulary of the command line's
 * {@code --optimizer}, {@code --lr}, {@code --momentum}, {@code --nesterov}, {@code --beta1},
 * {@code --beta2}, {@code --epsilon} and {@code --weight-decay}, so that a Java user builds exactly
 * what the command line builds:
 *
 * <pre>{@code
 * Optimizer opt = OptimizerConfig.parse("adam:lr=3e-4,wd=0.01").build(model.parameters());
 * Optimizer sgd = OptimizerConfig.of("momentum").withLearningRate(0.1f).withNesterov(true).build(params);
 * }</pre>
 *
 * <p>Names: {@code sgd}, {@code momentum}, {@code adam}, {@code adamw} (Adam with decoupled
 * weight decay), {@code adagrad}, {@code rmsprop}. {@link #of} gives each one's defaults: learning
 * rate 0.001 for the adaptive ones (adam, adamw, rmsprop) and 0.05 for the others, momentum 0.9,
 * betas (0.9, 0.999), the optimizer's own ε (1e-8; AdaGrad 1e-10), no weight decay. Values are
 * validated by the optimizer when {@link #build} creates it; a hyperparameter the named optimizer
 * does not use is ignored.
 */
public record OptimizerConfig(String name, float learningRate, float momentum, boolean nesterov,
                              float beta1, float beta2, float epsilon, float weightDecay) implements java.io.Serializable {
    /** The known names. */
    public static final List<String> NAMES = List.of("sgd", "momentum", "adam", "adamw", "adagrad", "rmsprop");

    /**
     * @throws IllegalArgumentException for an unknown name (the known ones listed)
     */
    public OptimizerConfig {
        name = name.trim().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown optimizer '" + name + "'; known: " + String.join(", ", NAMES));
        }
    }

    /** The optimizer {@code name} with its defaults. */
    public static OptimizerConfig of(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        boolean adaptive = n.startsWith("adam") || n.equals("rmsprop");
        return new OptimizerConfig(n, adaptive ? 0.001f : 0.05f, 0.9f, false, 0.9f, 0.999f,
                n.equals("adagrad") ? 1e-10f : 1e-8f, 0f);
    }

    /**
     * {@code name} or {@code name:key=value,...} with keys {@code lr}, {@code momentum},
     * {@code nesterov} (a flag, or {@code nesterov=true|false}), {@code beta1}, {@code beta2},
     * {@code eps}, {@code wd}; e.g. {@code momentum:lr=0.1,nesterov} or {@code adamw:lr=1e-3,wd=0.01}.
     *
     * @throws IllegalArgumentException naming the spec and the bad part
     */
    public static OptimizerConfig parse(String spec) {
        int colon = spec.indexOf(':');
        OptimizerConfig c = of(colon < 0 ? spec : spec.substring(0, colon));
        if (colon < 0) {
            return c;
        }
        for (String part : spec.substring(colon + 1).split(",")) {
            String[] kv = part.trim().split("=", 2);
            String key = kv[0].toLowerCase(Locale.ROOT);
            if (key.equals("nesterov")) {
                c = c.withNesterov(kv.length == 1 || Boolean.parseBoolean(kv[1].trim()));
                continue;
            }
            if (kv.length != 2) {
                throw new IllegalArgumentException("optimizer '" + spec + "': '" + part + "' is not key=value");
            }
            float v;
            try {
                v = Float.parseFloat(kv[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("optimizer '" + spec + "': " + key + " = '" + kv[1] + "' is not a number");
            }
            c = switch (key) {
                case "lr" -> c.withLearningRate(v);
                case "momentum" -> c.withMomentum(v);
                case "beta1" -> c.withBetas(v, c.beta2);
                case "beta2" -> c.withBetas(c.beta1, v);
                case "eps" -> c.withEpsilon(v);
                case "wd" -> c.withWeightDecay(v);
                default -> throw new IllegalArgumentException("optimizer '" + spec + "': unknown key '" + key
                        + "'; known: lr, momentum, nesterov, beta1, beta2, eps, wd");
            };
        }
        return c;
    }

    public OptimizerConfig withLearningRate(float lr) {
        return new OptimizerConfig(name, lr, momentum, nesterov, beta1, beta2, epsilon, weightDecay);
    }

    public OptimizerConfig withMomentum(float mu) {
        return new OptimizerConfig(name, learningRate, mu, nesterov, beta1, beta2, epsilon, weightDecay);
    }

    public OptimizerConfig withNesterov(boolean on) {
        return new OptimizerConfig(name, learningRate, momentum, on, beta1, beta2, epsilon, weightDecay);
    }

    public OptimizerConfig withBetas(float b1, float b2) {
        return new OptimizerConfig(name, learningRate, momentum, nesterov, b1, b2, epsilon, weightDecay);
    }

    public OptimizerConfig withEpsilon(float eps) {
        return new OptimizerConfig(name, learningRate, momentum, nesterov, beta1, beta2, eps, weightDecay);
    }

    public OptimizerConfig withWeightDecay(float lambda) {
        return new OptimizerConfig(name, learningRate, momentum, nesterov, beta1, beta2, epsilon, lambda);
    }

    /**
     * The optimizer over {@code parameters}, unbound (a trainer binds it to the model's backend).
     *
     * @throws IllegalArgumentException for a hyperparameter out of range (the optimizer's message)
     */
    public Optimizer build(List<Parameter> parameters) {
        return switch (name) {
            case "sgd" -> new Sgd(parameters, learningRate).weightDecay(weightDecay);
            case "momentum" -> new Momentum(parameters, learningRate, momentum).nesterov(nesterov).weightDecay(weightDecay);
            case "adam" -> new Adam(parameters, learningRate).betas(beta1, beta2).epsilon(epsilon).weightDecay(weightDecay);
            case "adamw" -> new Adam(parameters, learningRate).betas(beta1, beta2).epsilon(epsilon).decoupled()
                    .weightDecay(weightDecay);
            case "adagrad" -> new AdaGrad(parameters, learningRate).epsilon(epsilon).weightDecay(weightDecay);
            default -> new RmsProp(parameters, learningRate).epsilon(epsilon).weightDecay(weightDecay);
        };
    }
}
