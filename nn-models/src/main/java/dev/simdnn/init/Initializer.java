package dev.simdnn.init;

import dev.simdnn.kernel.Activation;
import dev.simdnn.tensor.Tensor;

import java.util.random.RandomGenerator;

/**
 * Fills a parameter tensor with its initial values, drawn from a seeded generator so that the
 * same seed gives the same network.
 *
 * <p>{@code fanIn} and {@code fanOut} are as the course defines them: for a dense weight
 * {@code [out, in]}, fan-in is {@code in} (inputs feeding one unit) and fan-out is {@code out}.
 * The normal variants draw from an untruncated normal distribution (PyTorch's convention).
 */
@FunctionalInterface
public interface Initializer {

    /** Overwrites every element of {@code t}. */
    void initialize(Tensor t, int fanIn, int fanOut, RandomGenerator rng);

    /** All zeros (the usual bias initialiser; for weights it leaves every unit identical). */
    static Initializer zeros() {
        return named("zeros", (t, fi, fo, rng) -> t.fill(0f));
    }

    /** All ones (batch normalisation's γ, for example). */
    static Initializer ones() {
        return constant(1f);
    }

    /** Every element set to {@code value}. */
    static Initializer constant(float value) {
        return named("constant(" + value + ")", (t, fi, fo, rng) -> t.fill(value));
    }

    /** Uniform on {@code [low, high)}. */
    static Initializer uniform(float low, float high) {
        if (!(low < high)) {
            throw new IllegalArgumentException("uniform needs low < high, got [" + low + ", " + high + ")");
        }
        return named("uniform(" + low + ", " + high + ")", (t, fi, fo, rng) -> fillUniform(t, low, high, rng));
    }

    /** Normal with the given mean and standard deviation {@code std > 0}. */
    static Initializer normal(float mean, float std) {
        if (!(std > 0)) {
            throw new IllegalArgumentException("normal needs std > 0, got " + std);
        }
        return named("normal(" + mean + ", " + std + ")", (t, fi, fo, rng) -> fillNormal(t, mean, std, rng));
    }

    /** Normal {@code N(mean, std²)} truncated to {@code mean ± 2·std}: draws outside are redrawn. */
    static Initializer truncatedNormal(float mean, float std) {
        if (!(std > 0)) {
            throw new IllegalArgumentException("truncated normal needs std > 0, got " + std);
        }
        return named("truncated_normal(" + mean + ", " + std + ")", (t, fi, fo, rng) -> {
            for (int i = 0; i < t.size(); i++) {
                double z;
                do {
                    z = rng.nextGaussian();
                } while (Math.abs(z) > 2);
                t.setFlat(i, (float) (mean + std * z));
            }
        });
    }

    /**
     * Ones on the main diagonal of a rank-2 weight, zeros elsewhere (the identity map when
     * square): a layer that starts by passing its input through.
     */
    static Initializer identity() {
        return named("identity", (t, fi, fo, rng) -> {
            if (t.rank() != 2) {
                throw new IllegalArgumentException("identity initialisation needs a rank-2 weight, got " + t.shape());
            }
            t.fill(0f);
            for (int i = 0; i < Math.min(t.rows(), t.cols()); i++) {
                t.set(i, i, 1f);
            }
        });
    }

    /**
     * A (semi-)orthogonal weight times {@code gain} (Saxe et al., 2014): the Q of a QR
     * decomposition of a Gaussian matrix, by modified Gram-Schmidt in double precision. For
     * {@code [out, in]} with out ≥ in the columns are orthonormal ({@code WᵀW = I}), otherwise
     * the rows ({@code WWᵀ = I}).
     */
    static Initializer orthogonal(float gain) {
        if (!(gain > 0)) {
            throw new IllegalArgumentException("orthogonal gain must be > 0, got " + gain);
        }
        return named("orthogonal(" + gain + ")", (t, fi, fo, rng) -> {
            if (t.rank() != 2) {
                throw new IllegalArgumentException("orthogonal initialisation needs a rank-2 weight, got " + t.shape());
            }
            boolean tall = t.rows() >= t.cols();
            int m = tall ? t.rows() : t.cols(); // length of each vector to orthonormalise
            int n = tall ? t.cols() : t.rows(); // how many
            double[][] q = new double[n][m];
            for (double[] v : q) {
                for (int i = 0; i < m; i++) {
                    v[i] = rng.nextGaussian();
                }
            }
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < j; k++) { // remove the components along the earlier vectors
                    double dot = 0;
                    for (int i = 0; i < m; i++) {
                        dot += q[j][i] * q[k][i];
                    }
                    for (int i = 0; i < m; i++) {
                        q[j][i] -= dot * q[k][i];
                    }
                }
                double norm = 0;
                for (int i = 0; i < m; i++) {
                    norm += q[j][i] * q[j][i];
                }
                norm = Math.sqrt(norm);
                for (int i = 0; i < m; i++) {
                    q[j][i] /= norm;
                }
            }
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < m; i++) {
                    if (tall) {
                        t.set(i, j, (float) (gain * q[j][i]));
                    } else {
                        t.set(j, i, (float) (gain * q[j][i]));
                    }
                }
            }
        });
    }

    /** He (Kaiming) normal, for the ReLU family: {@code N(0, 2/fanIn)}. */
    static Initializer heNormal() {
        return named("he_normal", (t, fi, fo, rng) -> fillNormal(t, 0, Math.sqrt(2.0 / fi), rng));
    }

    /** He (Kaiming) uniform: {@code U(-√(6/fanIn), √(6/fanIn))}, the same variance as {@link #heNormal()}. */
    static Initializer heUniform() {
        return named("he_uniform", (t, fi, fo, rng) -> {
            double a = Math.sqrt(6.0 / fi);
            fillUniform(t, -a, a, rng);
        });
    }

    /** Xavier (Glorot) normal, for sigmoid and tanh: {@code N(0, 2/(fanIn+fanOut))}. */
    static Initializer xavierNormal() {
        return named("xavier_normal", (t, fi, fo, rng) -> fillNormal(t, 0, Math.sqrt(2.0 / (fi + fo)), rng));
    }

    /** Xavier (Glorot) uniform: {@code U(-√(6/(fanIn+fanOut)), +…)}. */
    static Initializer xavierUniform() {
        return named("xavier_uniform", (t, fi, fo, rng) -> {
            double a = Math.sqrt(6.0 / (fi + fo));
            fillUniform(t, -a, a, rng);
        });
    }

    /** LeCun normal, for SELU: {@code N(0, 1/fanIn)}. */
    static Initializer lecunNormal() {
        return named("lecun_normal", (t, fi, fo, rng) -> fillNormal(t, 0, Math.sqrt(1.0 / fi), rng));
    }

    /** LeCun uniform: {@code U(-√(3/fanIn), √(3/fanIn))}. */
    static Initializer lecunUniform() {
        return named("lecun_uniform", (t, fi, fo, rng) -> {
            double a = Math.sqrt(3.0 / fi);
            fillUniform(t, -a, a, rng);
        });
    }

    /**
     * The default weight initialiser for a layer followed by {@code act}: LeCun normal for SELU,
     * He normal for the rest of the ReLU family, Xavier uniform otherwise (sigmoid, tanh, identity,
     * softplus, step).
     */
    static Initializer defaultFor(Activation act) {
        if (act.kind() == Activation.Kind.SELU) {
            return lecunNormal();
        }
        return act.isReluFamily() ? heNormal() : xavierUniform();
    }

    private static void fillUniform(Tensor t, double low, double high, RandomGenerator rng) {
        for (int i = 0; i < t.size(); i++) {
            t.setFlat(i, (float) rng.nextDouble(low, high));
        }
    }

    private static void fillNormal(Tensor t, double mean, double std, RandomGenerator rng) {
        for (int i = 0; i < t.size(); i++) {
            t.setFlat(i, (float) (mean + std * rng.nextGaussian()));
        }
    }

    private static Initializer named(String name, Initializer body) {
        return new Initializer() {
            @Override
            public void initialize(Tensor t, int fanIn, int fanOut, RandomGenerator rng) {
                body.initialize(t, fanIn, fanOut, rng);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
