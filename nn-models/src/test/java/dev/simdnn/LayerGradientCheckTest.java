package dev.simdnn;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.nn.ActivationLayer;
import dev.simdnn.nn.BatchNorm;
import dev.simdnn.nn.Dense;
import dev.simdnn.nn.LayerNorm;
import dev.simdnn.nn.Maxout;
import dev.simdnn.nn.PRelu;
import dev.simdnn.nn.Residual;
import dev.simdnn.nn.Sequential;
import dev.simdnn.nn.Softmax;
import dev.simdnn.optim.Penalty;
import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static dev.simdnn.GradientCheckTest.assertGradient;
import static dev.simdnn.GradientCheckTest.denseRef;
import static dev.simdnn.GradientCheckTest.numericGradient;
import static dev.simdnn.GradientCheckTest.random;
import static dev.simdnn.GradientCheckTest.toDouble;
import static dev.simdnn.GradientCheckTest.weighted;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The layers, loss option and penalties beyond Dense, each against central differences of a
 * double-precision re-implementation written here (see {@link GradientCheckTest} for the method
 * and its tolerance). For each: the input gradient and every parameter's gradient of
 * {@code L = Σ r ⊙ layer(x)} for a fixed random {@code r}.
 */
class LayerGradientCheckTest {
    private static final Kernels K = KernelsProvider.best();

    /** A double reference of a layer: output for input {@code x} and parameter values {@code p}. */
    interface Reference {
        double[] apply(double[] x, double[][] p);
    }

    /** Checks dL/dx and dL/dθ of {@code layer} against {@code ref}; returns the analytic input gradient. */
    static void check(String name, Layer layer, int rows, int in, int out, double xScale, int fan, Reference ref, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = random(rng, rows * in, xScale);
        float[] r = random(rng, rows * out, 1);
        List<Parameter> params = layer.parameters();
        params.forEach(Parameter::zeroGrad);
        layer.forward(K, Tensor.of(x.clone(), rows, in), Mode.TRAINING);
        float[] dx = layer.backward(K, Tensor.of(r.clone(), rows, out), true).toArray();
        double[][] p = new double[params.size()][];
        for (int i = 0; i < p.length; i++) {
            p[i] = toDouble(params.get(i).value().toArray());
        }
        double[] xd = toDouble(x);
        assertGradient(name + " dL/dx", numericGradient(xd.clone(), xx -> weighted(ref.apply(xx, p), r)), dx, fan);
        for (int i = 0; i < p.length; i++) {
            int which = i;
            double[] keep = p[i];
            double[] num = numericGradient(keep.clone(), v -> {
                double[][] q = p.clone();
                q[which] = v;
                return weighted(ref.apply(xd, q), r);
            });
            assertGradient(name + " dL/d" + params.get(i).name(), num, params.get(i).grad().toArray(), fan);
        }
    }

    @Test
    void activationLayerForEveryActivation() {
        List<Activation> acts = List.of(Activation.IDENTITY, Activation.SIGMOID, Activation.TANH, Activation.RELU,
                Activation.leakyRelu(0.1f), Activation.elu(1f), Activation.SELU, Activation.GELU, Activation.GELU_ERF, Activation.SWISH,
                Activation.SOFTPLUS, Activation.STEP);
        for (Activation act : acts) {
            check("activation " + act, new ActivationLayer(act, 7), 3, 7, 7, 3, 1, (x, p) -> {
                double[] y = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    y[i] = act.apply(x[i]);
                }
                return y;
            }, 3);
        }
    }

    static double[] softmaxRef(double[] x, int rows, int cols) {
        double[] y = new double[x.length];
        for (int r = 0; r < rows; r++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, x[r * cols + j]);
            }
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += Math.exp(x[r * cols + j] - max);
            }
            for (int j = 0; j < cols; j++) {
                y[r * cols + j] = Math.exp(x[r * cols + j] - max) / s;
            }
        }
        return y;
    }

    @Test
    void softmaxLayer() {
        check("softmax", new Softmax(5), 4, 5, 5, 3, 5, (x, p) -> softmaxRef(x, 4, 5), 5);
    }

    @Test
    void prelu() {
        int rows = 4, f = 6;
        PRelu layer = new PRelu(f);
        layer.slope().value().copyFrom(new float[] {0.25f, -0.3f, 0.7f, 0f, 1.5f, 0.1f});
        check("prelu", layer, rows, f, f, 2, rows, (x, p) -> {
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = x[i] > 0 ? x[i] : p[0][i % f] * x[i];
            }
            return y;
        }, 7);
    }

    @Test
    void maxout() {
        int rows = 3, in = 5, units = 4, pieces = 3;
        Maxout layer = new Maxout(in, units, pieces, new SplittableRandom(8));
        layer.parameters().get(1).value().copyFrom(random(new SplittableRandom(9), units * pieces, 0.5));
        check("maxout", layer, rows, in, units, 1.5, in, (x, p) -> {
            double[] z = denseRef(x, p[0], p[1], rows, in, units * pieces, Activation.IDENTITY);
            double[] y = new double[rows * units];
            for (int r = 0; r < rows; r++) {
                for (int u = 0; u < units; u++) {
                    double best = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < pieces; k++) {
                        best = Math.max(best, z[r * units * pieces + k * units + u]);
                    }
                    y[r * units + u] = best;
                }
            }
            return y;
        }, 11);
    }

    /** Normalisation reference: statistics over rows ({@code perColumn}) or over columns, then γ·x̂ + β. */
    static double[] normRef(double[] x, double[] gamma, double[] beta, int rows, int cols, boolean perColumn, double eps) {
        double[] y = new double[x.length];
        int groups = perColumn ? cols : rows;
        int n = perColumn ? rows : cols;
        for (int g = 0; g < groups; g++) {
            double mu = 0;
            for (int i = 0; i < n; i++) {
                mu += x[perColumn ? i * cols + g : g * cols + i];
            }
            mu /= n;
            double v = 0;
            for (int i = 0; i < n; i++) {
                v += Math.pow(x[perColumn ? i * cols + g : g * cols + i] - mu, 2);
            }
            v /= n;
            for (int i = 0; i < n; i++) {
                int idx = perColumn ? i * cols + g : g * cols + i;
                int c = perColumn ? g : i;
                y[idx] = gamma[c] * (x[idx] - mu) / Math.sqrt(v + eps) + beta[c];
            }
        }
        return y;
    }

    @Test
    void batchNormInTrainingMode() {
        int rows = 6, f = 5;
        BatchNorm bn = new BatchNorm(f);
        SplittableRandom rng = new SplittableRandom(12);
        bn.gamma().value().copyFrom(random(rng, f, 2));
        bn.beta().value().copyFrom(random(rng, f, 1));
        check("batch norm", bn, rows, f, f, 2, rows * 4, (x, p) -> normRef(x, p[0], p[1], rows, f, true, 1e-5), 13);
    }

    @Test
    void layerNorm() {
        int rows = 3, f = 7;
        LayerNorm ln = new LayerNorm(f);
        SplittableRandom rng = new SplittableRandom(14);
        ln.gamma().value().copyFrom(random(rng, f, 2));
        ln.beta().value().copyFrom(random(rng, f, 1));
        check("layer norm", ln, rows, f, f, 2, f * 4, (x, p) -> normRef(x, p[0], p[1], rows, f, false, 1e-5), 15);
    }

    @Test
    void residualWithIdentitySkipAndWithProjection() {
        int rows = 3, in = 4;
        SplittableRandom rng = new SplittableRandom(16);
        Dense body = new Dense(in, in, Activation.TANH, rng);
        body.setBiases(random(rng, in, 0.5));
        check("residual", new Residual(in, body), rows, in, in, 1.5, in, (x, p) -> {
            double[] y = denseRef(x, p[0], p[1], rows, in, in, Activation.TANH);
            for (int i = 0; i < y.length; i++) {
                y[i] += x[i];
            }
            return y;
        }, 17);
        int out = 6;
        Sequential deep = new Sequential(in, List.of(new Dense(in, 5, Activation.RELU, rng), new Dense(5, out, Activation.SIGMOID, rng)), K);
        Residual projected = new Residual(in, deep, rng);
        check("residual with projection", projected, rows, in, out, 1.5, 8, (x, p) -> {
            double[] h = denseRef(x, p[0], p[1], rows, in, 5, Activation.RELU);
            double[] y = denseRef(h, p[2], p[3], rows, 5, out, Activation.SIGMOID);
            double[] skip = denseRef(x, p[4], null, rows, in, out, Activation.IDENTITY);
            for (int i = 0; i < y.length; i++) {
                y[i] += skip[i];
            }
            return y;
        }, 19);
        assertEquals(List.of("body.0.weight", "body.0.bias", "body.2.weight", "body.2.bias", "projection.weight"),
                List.copyOf(projected.namedParameters().keySet()));
    }

    @Test
    void softmaxCrossEntropyWithLabelSmoothing() {
        int rows = 4, cols = 5;
        float eps = 0.1f;
        SplittableRandom rng = new SplittableRandom(21);
        float[] logits = random(rng, rows * cols, 4);
        float[] labels = {0, 3, 4, 1};
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(eps);
        float value = loss.forward(K, Tensor.of(logits.clone(), rows, cols), Tensor.of(labels, rows, 1));
        java.util.function.ToDoubleFunction<double[]> ref = z -> {
            double[] p = softmaxRef(z, rows, cols);
            double s = 0;
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    double q = (j == labels[r] ? 1 - (double) eps : 0) + (double) eps / cols;
                    s -= q * Math.log(p[r * cols + j]);
                }
            }
            return s / rows;
        };
        assertEquals(ref.applyAsDouble(toDouble(logits)), value, 1e-6 * Math.abs(value));
        assertGradient("label-smoothed cross-entropy", numericGradient(toDouble(logits), ref), loss.backward().toArray(), cols);
    }

    @Test
    void elasticNetPenaltyGradient() {
        SplittableRandom rng = new SplittableRandom(23);
        Dense d = new Dense(6, 4, Activation.RELU, rng);
        d.setBiases(random(rng, 4, 1));
        for (Penalty pen : List.of(Penalty.l1(0.03f), Penalty.l2(0.2f), Penalty.elasticNet(0.03f, 0.2f))) {
            d.parameters().forEach(Parameter::zeroGrad);
            float value = pen.apply(K, d.parameters());
            double[] w = toDouble(d.weights());
            java.util.function.ToDoubleFunction<double[]> ref = v -> {
                double s = 0;
                for (double e : v) {
                    s += pen.l1() * Math.abs(e) + 0.5 * pen.l2() * e * e;
                }
                return s;
            };
            assertEquals(ref.applyAsDouble(w), value, 1e-6 * value, pen + " value");
            assertGradient(pen + " dP/dW", numericGradient(w.clone(), ref), d.weight().grad().toArray(), 1);
            for (float g : d.bias().grad().toArray()) {
                assertEquals(0f, g, pen + " leaves biases alone");
            }
        }
    }
}
