package dev.simdnn.kernel;

import java.util.Locale;
import java.util.Objects;

/**
 * An elementwise activation function {@code y = f(z)} with its derivative {@code f'(z)}.
 *
 * <p>The scalar methods here work in {@code double} and are the definition every backend is tested
 * against; {@link Kernels} applies them to whole arrays. Every function is numerically stable
 * over the whole float range: no overflow to infinity or NaN for large |z| (sigmoid, softplus,
 * Swish, ELU and GELU branch or use {@code log1p}/{@code expm1} where a naive formula would not).
 *
 * <p>Parameterised kinds ({@link Kind#LEAKY_RELU}, {@link Kind#ELU}) carry their {@code alpha};
 * the others ignore it. Instances are immutable values.
 */
public final class Activation {

    /** The kinds of activation. */
    public enum Kind {
        /** {@code f(z) = z}. */
        IDENTITY,
        /**
         * The perceptron's threshold unit: {@code f(z) = 1} if {@code z >= 0}, else {@code 0}.
         * Its derivative is taken as 0 everywhere (it is 0 wherever it exists), so gradient
         * descent cannot train through a step unit: use the perceptron learning rule or a smooth
         * activation instead.
         */
        STEP,
        /** {@code f(z) = 1 / (1 + e^-z)}. */
        SIGMOID,
        /** {@code f(z) = tanh(z)}. */
        TANH,
        /** {@code f(z) = max(0, z)}; {@code f'(0)} is taken as 0. */
        RELU,
        /** {@code f(z) = z} for {@code z > 0}, else {@code alpha·z}. */
        LEAKY_RELU,
        /** {@code f(z) = z} for {@code z > 0}, else {@code alpha·(e^z - 1)}. */
        ELU,
        /** Scaled ELU with the self-normalising constants λ = 1.0507…, α = 1.6732…. */
        SELU,
        /**
         * GELU in its tanh form (as in GPT-2 and PyTorch's {@code approximate='tanh'}):
         * {@code 0.5·z·(1 + tanh(√(2/π)·(z + 0.044715·z³)))}. Within 1e-3 of the erf form.
         */
        GELU,
        /**
         * GELU in its exact form (PyTorch's default {@code nn.GELU()}): {@code z·Φ(z) =
         * 0.5·z·(1 + erf(z/√2))}, Φ the standard normal distribution function.
         */
        GELU_ERF,
        /** Swish / SiLU: {@code f(z) = z·sigmoid(z)}. */
        SWISH,
        /** {@code f(z) = ln(1 + e^z)}, computed as {@code max(z,0) + log1p(e^-|z|)}. */
        SOFTPLUS
    }

    public static final double SELU_LAMBDA = 1.0507009873554804934193349852946;
    public static final double SELU_ALPHA = 1.6732632423543772848170429916717;
    private static final double GELU_C = Math.sqrt(2.0 / Math.PI);
    private static final double GELU_A = 0.044715;

    public static final Activation IDENTITY = new Activation(Kind.IDENTITY, 0f);
    public static final Activation STEP = new Activation(Kind.STEP, 0f);
    public static final Activation SIGMOID = new Activation(Kind.SIGMOID, 0f);
    public static final Activation TANH = new Activation(Kind.TANH, 0f);
    public static final Activation RELU = new Activation(Kind.RELU, 0f);
    public static final Activation SELU = new Activation(Kind.SELU, 0f);
    public static final Activation GELU = new Activation(Kind.GELU, 0f);
    public static final Activation GELU_ERF = new Activation(Kind.GELU_ERF, 0f);
    public static final Activation SWISH = new Activation(Kind.SWISH, 0f);
    public static final Activation SOFTPLUS = new Activation(Kind.SOFTPLUS, 0f);

    private final Kind kind;
    private final float alpha;

    private Activation(Kind kind, float alpha) {
        this.kind = kind;
        this.alpha = alpha;
    }

    /** Leaky ReLU with negative slope {@code alpha} (finite, usually 0.01). */
    public static Activation leakyRelu(float alpha) {
        if (!Float.isFinite(alpha)) {
            throw new IllegalArgumentException("leaky ReLU slope must be finite, got " + alpha);
        }
        return new Activation(Kind.LEAKY_RELU, alpha);
    }

    /** ELU with saturation {@code alpha > 0} (usually 1). */
    public static Activation elu(float alpha) {
        if (!(alpha > 0) || !Float.isFinite(alpha)) {
            throw new IllegalArgumentException("ELU alpha must be > 0 and finite, got " + alpha);
        }
        return new Activation(Kind.ELU, alpha);
    }

    /**
     * The activation named {@code name}, case-insensitive: {@code identity|linear, step, sigmoid,
     * tanh, relu, leaky_relu[(alpha)], elu[(alpha)], selu, gelu|gelu_tanh (the tanh form), gelu_erf|gelu_exact,
     * swish|silu, softplus}.
     */
    public static Activation parse(String name) {
        Objects.requireNonNull(name, "name");
        String s = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        float arg = Float.NaN;
        int open = s.indexOf('(');
        if (open >= 0 && s.endsWith(")")) {
            try {
                arg = Float.parseFloat(s.substring(open + 1, s.length() - 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("activation '" + name + "': bad parameter", e);
            }
            s = s.substring(0, open);
        }
        return switch (s) {
            case "identity", "linear", "none" -> IDENTITY;
            case "step", "heaviside" -> STEP;
            case "sigmoid", "logistic" -> SIGMOID;
            case "tanh" -> TANH;
            case "relu" -> RELU;
            case "leaky_relu", "leakyrelu" -> leakyRelu(Float.isNaN(arg) ? 0.01f : arg);
            case "elu" -> elu(Float.isNaN(arg) ? 1f : arg);
            case "selu" -> SELU;
            case "gelu", "gelu_tanh" -> GELU;
            case "gelu_erf", "gelu_exact" -> GELU_ERF;
            case "swish", "silu" -> SWISH;
            case "softplus" -> SOFTPLUS;
            default -> throw new IllegalArgumentException("unknown activation '" + name
                    + "'; known: identity, step, sigmoid, tanh, relu, leaky_relu, elu, selu, gelu, gelu_erf, swish, softplus");
        };
    }

    public Kind kind() {
        return kind;
    }

    /** The parameter of {@link Kind#LEAKY_RELU} and {@link Kind#ELU}; 0 for the others. */
    public float alpha() {
        return alpha;
    }

    /** True for ReLU, leaky ReLU, ELU, SELU, GELU, Swish: the family He initialisation suits. */
    public boolean isReluFamily() {
        return switch (kind) {
            case RELU, LEAKY_RELU, ELU, SELU, GELU, GELU_ERF, SWISH -> true;
            default -> false;
        };
    }

    /** {@code f(z)} in double precision: the reference value. */
    public double apply(double z) {
        return switch (kind) {
            case IDENTITY -> z;
            case STEP -> z >= 0 ? 1.0 : 0.0;
            case SIGMOID -> sigmoid(z);
            case TANH -> Math.tanh(z);
            case RELU -> z > 0 ? z : 0.0;
            case LEAKY_RELU -> z > 0 ? z : alpha * z;
            case ELU -> z > 0 ? z : alpha * Math.expm1(z);
            case SELU -> SELU_LAMBDA * (z > 0 ? z : SELU_ALPHA * Math.expm1(z));
            // 0.5·z·(1 + tanh u) = z·σ(2u): no cancellation where tanh u ≈ -1
            case GELU -> z * sigmoid(2 * geluU(z));
            case GELU_ERF -> z * normalCdf(z);
            case SWISH -> z * sigmoid(z);
            case SOFTPLUS -> Math.max(z, 0.0) + Math.log1p(Math.exp(-Math.abs(z)));
        };
    }

    /** {@code f'(z)} in double precision: the reference derivative. */
    public double derivative(double z) {
        return switch (kind) {
            case IDENTITY -> 1.0;
            case STEP -> 0.0;
            case SIGMOID -> sigmoidSlope(z);
            case TANH -> {
                // 1 - tanh²z = 4e/(1+e)², e = e^(-2|z|): 1 - tanh² would cancel to 0 for |z| > 19
                double e = Math.exp(-2 * Math.abs(z));
                yield 4 * e / ((1 + e) * (1 + e));
            }
            case RELU -> z > 0 ? 1.0 : 0.0;
            case LEAKY_RELU -> z > 0 ? 1.0 : alpha;
            case ELU -> z > 0 ? 1.0 : alpha * Math.exp(z);
            case SELU -> SELU_LAMBDA * (z > 0 ? 1.0 : SELU_ALPHA * Math.exp(z));
            case GELU -> {
                // d/dz z·σ(2u) = σ(2u) + z·σ'(2u)·2u', u' = √(2/π)(1 + 3·0.044715 z²)
                double twoU = 2 * geluU(z);
                yield sigmoid(twoU) + z * sigmoidSlope(twoU) * 2 * GELU_C * (1 + 3 * GELU_A * z * z);
            }
            case GELU_ERF -> normalCdf(z) + z * Math.exp(-0.5 * z * z) * INV_SQRT_2PI;
            case SWISH -> sigmoid(z) + z * sigmoidSlope(z);
            case SOFTPLUS -> sigmoid(z);
        };
    }

    /** {@code f(z)} rounded to float. */
    public float apply(float z) {
        return (float) apply((double) z);
    }

    /** {@code f'(z)} rounded to float. */
    public float derivative(float z) {
        return (float) derivative((double) z);
    }

    private static double geluU(double z) {
        return GELU_C * (z + GELU_A * z * z * z);
    }

    /**
     * σ'(z) = σ(z)(1 - σ(z)) computed as e/(1+e)² with e = e^(-|z|): never forms 1 - σ, which
     * cancels (even in double, 1 - σ(30) keeps only 3 digits).
     */
    public static double sigmoidSlope(double z) {
        double e = Math.exp(-Math.abs(z));
        return e / ((1 + e) * (1 + e));
    }

    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    /**
     * Φ(z), the standard normal distribution function, {@code 0.5·erfc(-z/√2)}: within 1e-13
     * relative everywhere, the lower tail included, where {@code 1 - …} would cancel (float needs 6e-8).
     */
    public static double normalCdf(double z) {
        return 0.5 * erfc(-z / Math.sqrt(2));
    }

    /**
     * erfc(x) = 1 - erf(x) in double, within 1e-13 relative (5e-14 measured against C99 erfc): for |x| < 1.5 from the series
     * {@code erf(x) = 2/√π·e^(-x²)·Σ 2^n·x^(2n+1)/(1·3·…·(2n+1))} (positive terms, no cancellation);
     * beyond, from the continued fraction (120 terms) {@code erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))}
     * (and {@code erfc(-x) = 2 - erfc(x)}).
     */
    public static double erfc(double x) {
        double ax = Math.abs(x);
        if (ax < 1.5) {
            double term = ax;
            double sum = ax;
            for (int n = 1; n < 200 && term > 1e-17 * sum; n++) {
                term *= 2 * ax * ax / (2 * n + 1);
                sum += term;
            }
            double erf = 2 / Math.sqrt(Math.PI) * Math.exp(-ax * ax) * sum;
            return x >= 0 ? 1 - erf : 1 + erf;
        }
        double f = ax;
        for (int k = 120; k >= 1; k--) { // from the tail: x + (k/2)/f
            f = ax + (k / 2.0) / f;
        }
        double tail = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
        return x >= 0 ? tail : 2 - tail;
    }

    /** The logistic function, evaluated so that {@code e^x} never overflows. */
    public static double sigmoid(double z) {
        if (z >= 0) {
            return 1.0 / (1.0 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1.0 + e);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Activation a && a.kind == kind && Float.compare(a.alpha, alpha) == 0;
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Float.hashCode(alpha);
    }

    /** Like {@code relu} or {@code leaky_relu(0.01)}; {@link #parse} reads it back. */
    @Override
    public String toString() {
        String n = kind.name().toLowerCase(Locale.ROOT);
        return kind == Kind.LEAKY_RELU || kind == Kind.ELU ? n + "(" + alpha + ")" : n;
    }
}
