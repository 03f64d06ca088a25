package dev.simdnn;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.loss.BinaryCrossEntropy;
import dev.simdnn.loss.Loss;
import dev.simdnn.loss.MeanSquaredError;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.nn.Add;
import dev.simdnn.nn.BinaryGradients;
import dev.simdnn.nn.Dense;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Multiply;
import dev.simdnn.nn.Sequential;
import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Analytic gradients (float, through the engine) against central finite differences of an
 * independent double-precision re-implementation of the same function, written here.
 *
 * <p>Tolerance: in double, central differences with h = 1e-6 err by about h²·|f'''| + 1e-16/h,
 * i.e. below 1e-9 here, so the float side dominates. The engine computes each gradient entry
 * from a float forward pass (a dot product of {@code fan} terms: relative error ≤ fan·u with
 * u = 2⁻²⁴) followed by a few float products, so we allow {@code (fan + 8)·u·8} relative to the
 * largest gradient entry of the tensor (the 8 covers the propagation through f' and the
 * product chain), plus the same relative to the entry itself.
 */
class GradientCheckTest {
    private static final Kernels K = KernelsProvider.best();
    private static final double H = 1e-6;
    private static final double U = Math.ulp(1.0f) / 2;

    static void assertGradient(String what, double[] numeric, float[] analytic, int fan) {
        double scale = 0;
        for (double v : numeric) {
            scale = Math.max(scale, Math.abs(v));
        }
        double rel = (fan + 8) * U * 8;
        for (int i = 0; i < numeric.length; i++) {
            double tol = rel * (scale + Math.abs(numeric[i])) + 1e-12;
            if (!(Math.abs(numeric[i] - analytic[i]) <= tol)) {
                fail(String.format("%s[%d]: analytic %s, finite difference %s, tolerance %s",
                        what, i, analytic[i], numeric[i], tol));
            }
        }
    }

    /** Central differences of {@code f} with respect to each entry of {@code x} (perturbed in place, in double). */
    static double[] numericGradient(double[] x, ToDoubleFunction<double[]> f) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            x[i] = keep + H;
            double up = f.applyAsDouble(x);
            x[i] = keep - H;
            double down = f.applyAsDouble(x);
            x[i] = keep;
            g[i] = (up - down) / (2 * H);
        }
        return g;
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    static float[] random(SplittableRandom rng, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextDouble(-scale, scale);
        }
        return x;
    }

    /** Double reference of a dense layer: y[r][j] = act(Σ_p x[r][p]·w[j][p] + b[j]). */
    static double[] denseRef(double[] x, double[] w, double[] b, int rows, int in, int out, Activation act) {
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < out; j++) {
                double z = b == null ? 0 : b[j];
                for (int p = 0; p < in; p++) {
                    z += x[r * in + p] * w[j * in + p];
                }
                y[r * out + j] = act.apply(z);
            }
        }
        return y;
    }

    static double weighted(double[] y, float[] r) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += y[i] * r[i];
        }
        return s;
    }

    @Test
    void denseLayerWithEveryActivation() {
        SplittableRandom rng = new SplittableRandom(42);
        List<Activation> acts = List.of(Activation.IDENTITY, Activation.SIGMOID, Activation.TANH, Activation.RELU,
                Activation.leakyRelu(0.1f), Activation.elu(1f), Activation.SELU, Activation.GELU, Activation.GELU_ERF, Activation.SWISH,
                Activation.SOFTPLUS, Activation.STEP);
        int rows = 3, in = 5, out = 4;
        for (Activation act : acts) {
            Dense d = new Dense(in, out, act, rng);
            d.setBiases(random(rng, out, 0.5));
            float[] x = random(rng, rows * in, 1.5);
            float[] r = random(rng, rows * out, 1); // L = Σ r ⊙ y, so dL/dy = r
            for (Parameter p : d.parameters()) {
                p.zeroGrad();
            }
            d.forward(K, Tensor.of(x.clone(), rows, in), Mode.TRAINING);
            float[] dx = d.backward(K, Tensor.of(r.clone(), rows, out), true).toArray();

            double[] xd = toDouble(x);
            double[] wd = toDouble(d.weights());
            double[] bd = toDouble(d.biases());
            assertGradient(act + " dL/dW", numericGradient(wd.clone(),
                    w -> weighted(denseRef(xd, w, bd, rows, in, out, act), r)), d.weight().grad().toArray(), in);
            assertGradient(act + " dL/db", numericGradient(bd.clone(),
                    b -> weighted(denseRef(xd, wd, b, rows, in, out, act), r)), d.bias().grad().toArray(), in);
            assertGradient(act + " dL/dx", numericGradient(xd.clone(),
                    xx -> weighted(denseRef(xx, wd, bd, rows, in, out, act), r)), dx, in);
        }
    }

    @Test
    void backwardAccumulatesParameterGradients() {
        SplittableRandom rng = new SplittableRandom(1);
        Dense d = new Dense(3, 2, Activation.TANH, rng);
        Tensor x = Tensor.of(random(rng, 6, 1), 2, 3);
        Tensor g = Tensor.of(random(rng, 4, 1), 2, 2);
        d.forward(K, x, Mode.TRAINING);
        d.backward(K, g, false);
        float[] once = d.weight().grad().toArray();
        d.forward(K, x, Mode.TRAINING);
        d.backward(K, g, false);
        float[] twice = d.weight().grad().toArray();
        for (int i = 0; i < once.length; i++) {
            assertEquals(2 * once[i], twice[i], 1e-6f * Math.abs(twice[i]) + 1e-9f);
        }
    }

    @Test
    void losses() {
        SplittableRandom rng = new SplittableRandom(7);
        int rows = 4, cols = 3;
        float[] out = random(rng, rows * cols, 3);
        float[] target = random(rng, rows * cols, 2);
        float[] bin = new float[rows * cols];
        for (int i = 0; i < bin.length; i++) {
            bin[i] = rng.nextInt(2);
        }
        float[] labels = {2, 0, 1, 2};

        checkLoss("mse", new MeanSquaredError(), out, target, rows, cols, o -> {
            double s = 0;
            for (int i = 0; i < o.length; i++) {
                s += (o[i] - target[i]) * (o[i] - target[i]);
            }
            return s / o.length;
        });
        checkLoss("bce", new BinaryCrossEntropy(), out, bin, rows, cols, o -> {
            double s = 0;
            for (int i = 0; i < o.length; i++) {
                double p = 1 / (1 + Math.exp(-o[i]));
                s += -(bin[i] * Math.log(p) + (1 - bin[i]) * Math.log(1 - p));
            }
            return s / o.length;
        });
        // MAE, Huber and hinge are not smooth at their kinks: move every element well away from them
        float[] away = out.clone();
        for (int i = 0; i < away.length; i++) {
            double d = away[i] - target[i];
            if (Math.abs(d) < 0.05 || Math.abs(Math.abs(d) - 1) < 0.05) {
                away[i] += 0.2f;
            }
        }
        checkLoss("mae", new dev.simdnn.loss.MeanAbsoluteError(), away, target, rows, cols, o -> {
            double sum = 0;
            for (int i = 0; i < o.length; i++) {
                sum += Math.abs(o[i] - target[i]);
            }
            return sum / o.length;
        });
        checkLoss("huber", new dev.simdnn.loss.Huber(1f), away, target, rows, cols, o -> {
            double sum = 0;
            for (int i = 0; i < o.length; i++) {
                double d = Math.abs(o[i] - target[i]);
                sum += d <= 1 ? 0.5 * d * d : d - 0.5;
            }
            return sum / o.length;
        });
        checkLoss("logcosh", new dev.simdnn.loss.LogCosh(), out, target, rows, cols, o -> {
            double sum = 0;
            for (int i = 0; i < o.length; i++) {
                sum += Math.log(Math.cosh(o[i] - target[i]));
            }
            return sum / o.length;
        });
        float[] scores = new float[rows];
        float[] yes = new float[rows];
        for (int r = 0; r < rows; r++) {
            scores[r] = 0.4f * r - 0.7f; // margins -0.7·y … 0.5·y: none at 1
            yes[r] = r % 2;
        }
        checkLoss("hinge", new dev.simdnn.loss.Hinge(), scores, yes, rows, 1, o -> {
            double sum = 0;
            for (int r = 0; r < o.length; r++) {
                sum += Math.max(0, 1 - (2 * yes[r] - 1) * o[r]);
            }
            return sum / o.length;
        });
        float[] labelTensor = labels;
        Tensor out2 = Tensor.of(out.clone(), rows, cols);
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        ce.forward(K, out2, Tensor.of(labelTensor, rows, 1));
        double[] num = numericGradient(toDouble(out), o -> {
            double s = 0;
            for (int r = 0; r < rows; r++) {
                double z = 0;
                for (int j = 0; j < cols; j++) {
                    z += Math.exp(o[r * cols + j]);
                }
                s += -Math.log(Math.exp(o[r * cols + (int) labels[r]]) / z);
            }
            return s / rows;
        });
        assertGradient("softmax cross-entropy", num, ce.backward().toArray(), cols);
    }

    private static void checkLoss(String name, Loss loss, float[] out, float[] target, int rows, int cols,
                                  ToDoubleFunction<double[]> ref) {
        float value = loss.forward(K, Tensor.of(out.clone(), rows, cols), Tensor.of(target, rows, cols));
        assertEquals(ref.applyAsDouble(toDouble(out)), value, 1e-5 * Math.abs(value));
        assertGradient(name, numericGradient(toDouble(out), ref), loss.backward().toArray(), out.length);
    }

    @Test
    void wholeMlpWithSoftmaxCrossEntropy() {
        SplittableRandom rng = new SplittableRandom(99);
        int rows = 5, in = 6, hidden = 7, classes = 4;
        Sequential net = Mlp.builder().input(in).dense(hidden, Activation.TANH).dense(hidden, Activation.SWISH)
                .dense(classes).seed(5).kernels(K).build();
        float[] x = random(rng, rows * in, 1);
        float[] labels = {0, 3, 1, 2, 3};
        SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
        for (Parameter p : net.parameters()) {
            p.zeroGrad();
        }
        Tensor logits = net.forward(Tensor.of(x, rows, in), Mode.TRAINING);
        ce.forward(K, logits, Tensor.of(labels, rows, 1));
        net.backward(ce.backward());

        List<Parameter> params = net.parameters();
        double[][] pd = new double[params.size()][];
        for (int i = 0; i < params.size(); i++) {
            pd[i] = toDouble(params.get(i).value().toArray());
        }
        double[] xd = toDouble(x);
        Activation[] acts = {Activation.TANH, Activation.SWISH, Activation.IDENTITY};
        int[] widths = {in, hidden, hidden, classes};
        ToDoubleFunction<double[][]> lossOf = ps -> {
            double[] h = xd;
            for (int l = 0; l < 3; l++) {
                h = denseRef(h, ps[2 * l], ps[2 * l + 1], rows, widths[l], widths[l + 1], acts[l]);
            }
            double s = 0;
            for (int r = 0; r < rows; r++) {
                double z = 0;
                for (int j = 0; j < classes; j++) {
                    z += Math.exp(h[r * classes + j]);
                }
                s += Math.log(z) - h[r * classes + (int) labels[r]];
            }
            return s / rows;
        };
        for (int i = 0; i < params.size(); i++) {
            final int which = i;
            double[] num = numericGradient(pd[i], v -> {
                double[][] ps = pd.clone();
                ps[which] = v;
                return lossOf.applyAsDouble(ps);
            });
            assertGradient("mlp " + net.namedParameters().keySet().toArray()[i], num,
                    params.get(i).grad().toArray(), 3 * hidden);
        }
    }

    @Test
    void addAndMultiply() {
        SplittableRandom rng = new SplittableRandom(3);
        float[] a = random(rng, 6, 2);
        float[] b = random(rng, 6, 2);
        float[] c = random(rng, 6, 2);
        float[] r = random(rng, 6, 1);
        // L = Σ r ⊙ ((a + b) ⊙ c)
        Add add = new Add();
        Multiply mul = new Multiply();
        Tensor q = add.forward(K, Tensor.of(a, 2, 3), Tensor.of(b, 2, 3));
        mul.forward(K, q, Tensor.of(c, 2, 3));
        BinaryGradients gm = mul.backward(K, Tensor.of(r, 2, 3));
        BinaryGradients ga = add.backward(K, gm.first());
        double[] ad = toDouble(a), bd = toDouble(b), cd = toDouble(c);
        assertGradient("d/da", numericGradient(ad.clone(), v -> {
            double s = 0;
            for (int i = 0; i < 6; i++) {
                s += r[i] * (v[i] + bd[i]) * cd[i];
            }
            return s;
        }), ga.first().toArray(), 2);
        assertGradient("d/db", numericGradient(bd.clone(), v -> {
            double s = 0;
            for (int i = 0; i < 6; i++) {
                s += r[i] * (ad[i] + v[i]) * cd[i];
            }
            return s;
        }), ga.second().toArray(), 2);
        assertGradient("d/dc", numericGradient(cd.clone(), v -> {
            double s = 0;
            for (int i = 0; i < 6; i++) {
                s += r[i] * (ad[i] + bd[i]) * v[i];
            }
            return s;
        }), gm.second().toArray(), 2);
    }
}
