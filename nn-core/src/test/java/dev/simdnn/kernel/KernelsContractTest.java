package dev.simdnn.kernel;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.junit.jupiter.api.Test;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The conformance suite every {@link Kernels} backend passes: each operation against an
 * independent double-precision reference written here (and GEMM also against EJML), with
 * tolerances derived from the operation, plus hand-computed known answers (the reference could be
 * wrong too). Backends subclass it and name themselves in {@link #kernels()}.
 */
public abstract class KernelsContractTest {
    /** Unit roundoff of float32. */
    protected static final double U = Math.ulp(1.0f) / 2;

    protected abstract Kernels kernels();

    /** Names the {@link Kernels} methods a test of this suite checks. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    protected @interface Covers {
        String[] value();
    }

    /** Every method of the contract has a test here: a new kernel without its cross-check fails the build. */
    @Test
    void everyKernelsMethodIsCovered() {
        Set<String> covered = new TreeSet<>();
        for (Method m : KernelsContractTest.class.getDeclaredMethods()) {
            Covers c = m.getAnnotation(Covers.class);
            if (c != null) {
                covered.addAll(Arrays.asList(c.value()));
            }
        }
        Set<String> contract = new TreeSet<>();
        for (Method m : Kernels.class.getDeclaredMethods()) {
            if (!m.getName().equals("name") && !m.isSynthetic()) {
                contract.add(m.getName());
            }
        }
        assertEquals(37, contract.size(), "the number of Kernels methods changed: update this suite " + contract);
        Set<String> missing = new TreeSet<>(contract);
        missing.removeAll(covered);
        assertTrue(missing.isEmpty(), "Kernels methods without a cross-check: " + missing);
        Set<String> stale = new TreeSet<>(covered);
        stale.removeAll(contract);
        assertTrue(stale.isEmpty(), "@Covers names no Kernels method: " + stale);
    }

    /** Sizes that hit every edge of a blocked or vectorised loop; subclasses may add their block sizes. */
    protected List<Integer> edgeSizes() {
        return List.of(1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 61);
    }

    /** Relative accuracy of the backend's elementwise transcendental functions (exp, tanh…). */
    protected double activationRelativeTolerance() {
        return 4 * U;
    }

    // ================================================================== GEMM

    @Test
    @Covers({"gemm"})
    void gemmKnownAnswer() {
        // [1 2; 3 4]·[5 6; 7 8] = [19 22; 43 50], worked by hand.
        float[] a = {1, 2, 3, 4};
        float[] b = {5, 6, 7, 8};
        float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        kernels().gemm(false, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[] {19, 22, 43, 50}, c, "beta == 0 overwrites even NaN");
        // Aᵀ·B = [1 3; 2 4]·[5 6; 7 8] = [26 30; 38 44]; times -0.5, plus 1·C.
        float[] c2 = {1, 1, 1, 1};
        kernels().gemm(true, false, 2, 2, 2, -0.5f, a, 0, 2, b, 0, 2, 1f, c2, 0, 2);
        assertArrayEquals(new float[] {-12, -14, -18, -21}, c2);
        // A·Bᵀ = [1 2; 3 4]·[5 7; 6 8] = [17 23; 39 53]
        float[] c3 = new float[4];
        kernels().gemm(false, true, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c3, 0, 2);
        assertArrayEquals(new float[] {17, 23, 39, 53}, c3);
    }

    @Test
    @Covers({"gemm"})
    void gemmKZeroScalesC() {
        float[] c = {2, Float.NaN};
        kernels().gemm(false, false, 1, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[] {0, 0}, c);
        float[] c2 = {2, 4};
        kernels().gemm(false, false, 1, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0.5f, c2, 0, 2);
        assertArrayEquals(new float[] {1, 2}, c2);
    }

    @Test
    @Covers({"gemm"})
    void gemmMatchesReferenceAndEjmlOnEdgeSizes() {
        SplittableRandom rng = new SplittableRandom(20261123);
        List<Integer> sizes = edgeSizes();
        int cases = 0;
        for (int m : sizes) {
            for (int n : sizes) {
                // k walks the sizes too, offset so every (m, n) sees several k
                int k = sizes.get((cases * 7 + m + n) % sizes.size());
                checkGemm(rng, m, n, k, cases);
                cases++;
            }
        }
        assertTrue(cases > 100);
    }

    @Test
    @Covers({"gemm"})
    void gemmMatchesReferenceOnPrimesAndSkinnyShapes() {
        SplittableRandom rng = new SplittableRandom(7);
        int[][] shapes = {{1, 1021, 13}, {1021, 1, 13}, {13, 17, 1021}, {127, 10, 128}, {128, 128, 10},
                {32, 256, 784}, {1, 256, 784}, {101, 103, 107}, {256, 10, 128}};
        int i = 0;
        for (int[] s : shapes) {
            checkGemm(rng, s[0], s[1], s[2], i++);
        }
    }

    /** Every transpose case, alpha ∈ {1, -0.5}, beta ∈ {0 (C pre-filled with NaN), 1, 0.3}, offsets and padded strides. */
    protected void checkGemm(SplittableRandom rng, int m, int n, int k, int caseNo) {
        boolean[] tf = {false, true};
        float[] alphas = {1f, -0.5f};
        float[] betas = {0f, 1f, 0.3f};
        for (boolean ta : tf) {
            for (boolean tb : tf) {
                float alpha = alphas[(caseNo + (ta ? 1 : 0)) % 2];
                float beta = betas[(caseNo + (tb ? 1 : 0) + (ta ? 2 : 0)) % 3];
                checkGemmOnce(rng, ta, tb, m, n, k, alpha, beta);
            }
        }
    }

    protected void checkGemmOnce(SplittableRandom rng, boolean ta, boolean tb, int m, int n, int k,
                                 float alpha, float beta) {
        int aRows = ta ? k : m;
        int aCols = ta ? m : k;
        int bRows = tb ? n : k;
        int bCols = tb ? k : n;
        int lda = aCols + rng.nextInt(3);
        int ldb = bCols + rng.nextInt(3);
        int ldc = n + rng.nextInt(3);
        int aOff = rng.nextInt(5);
        int bOff = rng.nextInt(5);
        int cOff = rng.nextInt(5);
        float[] a = randomPadded(rng, aOff, aRows, aCols, lda);
        float[] b = randomPadded(rng, bOff, bRows, bCols, ldb);
        float[] c = randomPadded(rng, cOff, m, n, ldc);
        if (beta == 0f) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c[cOff + i * ldc + j] = Float.NaN;
                }
            }
        }
        float[] c0 = c.clone();
        kernels().gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);

        // EJML on compact copies of op(A), op(B), computing alpha·op(A)·op(B); beta·C added after.
        FMatrixRMaj ea = compact(a, aOff, aRows, aCols, lda);
        FMatrixRMaj eb = compact(b, bOff, bRows, bCols, ldb);
        FMatrixRMaj ec = new FMatrixRMaj(m, n);
        if (!ta && !tb) {
            CommonOps_FDRM.mult(alpha, ea, eb, ec);
        } else if (ta && !tb) {
            CommonOps_FDRM.multTransA(alpha, ea, eb, ec);
        } else if (!ta) {
            CommonOps_FDRM.multTransB(alpha, ea, eb, ec);
        } else {
            CommonOps_FDRM.multTransAB(alpha, ea, eb, ec);
        }

        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double exact = 0;
                double mag = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bv = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    exact += av * bv;
                    mag += Math.abs(av * bv);
                }
                double cPrior = beta == 0f ? 0 : c0[cOff + i * ldc + j];
                exact = alpha * exact + beta * cPrior;
                mag = Math.abs(alpha) * mag + Math.abs(beta * cPrior);
                // A float dot product of k terms errs by at most about k·u·Σ|a||b|; +4 covers alpha and beta.
                double tol = (k + 4) * U * mag + Float.MIN_NORMAL;
                float got = c[cOff + i * ldc + j];
                float ejml = (float) (ec.get(i, j) + beta * cPrior);
                if (!(Math.abs(got - exact) <= tol) || !(Math.abs(got - ejml) <= 2 * tol)) {
                    fail(String.format("%s gemm(transA=%b, transB=%b, m=%d, n=%d, k=%d, alpha=%s, beta=%s) C[%d,%d]"
                                    + " = %s, exact %s, EJML %s, tolerance %s",
                            kernels().name(), ta, tb, m, n, k, alpha, beta, i, j, got, exact, ejml, tol));
                }
            }
            // Padding between rows of C is never written.
            for (int j = n; j < ldc && i < m - 1; j++) {
                int idx = cOff + i * ldc + j;
                assertEquals(Float.floatToIntBits(c0[idx]), Float.floatToIntBits(c[idx]), "padding of C written");
            }
        }
        for (int i = 0; i < cOff; i++) {
            assertEquals(Float.floatToIntBits(c0[i]), Float.floatToIntBits(c[i]), "C written before its offset");
        }
    }

    protected static float[] randomPadded(SplittableRandom rng, int off, int rows, int cols, int ld) {
        float[] x = new float[off + Math.max(0, rows - 1) * ld + cols + rng.nextInt(3)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        return x;
    }

    private static FMatrixRMaj compact(float[] x, int off, int rows, int cols, int ld) {
        FMatrixRMaj mtx = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                mtx.set(i, j, x[off + i * ld + j]);
            }
        }
        return mtx;
    }

    // ================================================================== dense and activations

    static List<Activation> allActivations() {
        return List.of(Activation.IDENTITY, Activation.STEP, Activation.SIGMOID, Activation.TANH, Activation.RELU,
                Activation.leakyRelu(0.01f), Activation.elu(1f), Activation.SELU, Activation.GELU,
                Activation.SWISH, Activation.SOFTPLUS);
    }

    @Test
    @Covers({"denseForward"})
    void denseForwardIsGemmPlusBiasThenActivation() {
        SplittableRandom rng = new SplittableRandom(3);
        for (Activation act : allActivations()) {
            for (int[] s : new int[][] {{1, 1, 1}, {5, 7, 3}, {17, 33, 10}, {32, 64, 31}, {130, 33, 10}, {3, 40, 17}}) {
                int rows = s[0], in = s[1], out = s[2];
                float[] x = random(rng, rows * in, 2);
                float[] w = random(rng, out * in, 1);
                float[] bias = random(rng, out, 1);
                float[] z = new float[rows * out];
                float[] y = new float[rows * out];
                kernels().denseForward(rows, in, out, x, 0, w, 0, bias, 0, act, z, 0, y, 0);
                float[] yNoZ = new float[rows * out];
                kernels().denseForward(rows, in, out, x, 0, w, 0, bias, 0, act, null, 0, yNoZ, 0);
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < out; j++) {
                        double exact = bias[j];
                        double mag = Math.abs(bias[j]);
                        for (int p = 0; p < in; p++) {
                            exact += (double) x[r * in + p] * w[j * in + p];
                            mag += Math.abs((double) x[r * in + p] * w[j * in + p]);
                        }
                        double tolZ = (in + 2) * U * mag;
                        assertEquals(exact, z[r * out + j], tolZ, act + " z");
                        // y = f(z): error of z propagated through f, plus f's own rounding
                        double yExact = act.apply(exact);
                        double slope = Math.abs(act.derivative(exact)) + 1e-3;
                        double tolY = slope * tolZ * 2 + activationRelativeTolerance() * Math.abs(yExact) + 1e-6;
                        if (act.kind() == Activation.Kind.STEP && Math.abs(exact) <= tolZ) {
                            continue; // the threshold itself is within rounding
                        }
                        assertEquals(yExact, y[r * out + j], tolY, act + " y at " + exact);
                        assertEquals(y[r * out + j], yNoZ[r * out + j], tolY, act + " y without z");
                    }
                }
            }
        }
    }

    @Test
    @Covers({"activationForward", "activationBackward"})
    void activationForwardAndBackwardMatchTheScalarDefinitions() {
        SplittableRandom rng = new SplittableRandom(11);
        for (Activation act : allActivations()) {
            for (int n : edgeSizes()) {
                int rows = 1 + n % 3;
                int cols = n;
                float[] z = random(rng, rows * cols, 6);
                z[0] = 30f; // saturated ends
                if (z.length > 1) {
                    z[1] = -30f;
                }
                float[] y = new float[z.length];
                kernels().activationForward(act, z.length, z, 0, y, 0);
                float[] dy = random(rng, z.length, 1);
                float[] dz = new float[z.length];
                float[] dbias = random(rng, cols, 1);
                float[] dbias0 = dbias.clone();
                kernels().activationBackward(act, rows, cols, z, 0, y, 0, dy, 0, dz, 0, dbias, 0);
                double tol = activationRelativeTolerance();
                for (int i = 0; i < z.length; i++) {
                    double zi = z[i];
                    double fy = act.apply(zi);
                    // A float evaluation is as good as the exact function of a slightly perturbed input:
                    // allow tol relative to |f| plus the sensitivity |z·f'(z)| (large for GELU's exp tail).
                    double d1 = act.derivative(zi);
                    assertEquals(fy, y[i], tol * (Math.abs(fy) + Math.abs(zi * d1)) + 1e-37, act + "(" + zi + ")");
                    double g = dy[i] * d1;
                    double d2 = (act.derivative(zi * (1 + 1e-7)) - act.derivative(zi * (1 - 1e-7))) / 2e-7; // z·f''
                    assertEquals(g, dz[i], tol * Math.abs(dy[i]) * (Math.abs(d1) + Math.abs(d2)) + 1e-37,
                            act + "'(" + zi + ")");
                }
                for (int j = 0; j < cols; j++) {
                    double s = dbias0[j];
                    double mag = Math.abs(dbias0[j]);
                    for (int r = 0; r < rows; r++) {
                        s += dz[r * cols + j];
                        mag += Math.abs(dz[r * cols + j]);
                    }
                    assertEquals(s, dbias[j], (rows + 2) * U * mag + 1e-37, act + " dbias accumulates");
                }
            }
        }
    }

    @Test
    @Covers({"activationBackward"})
    void activationBackwardMayRunInPlace() {
        float[] z = {-1, 0.5f, 2, -3};
        float[] g = {1, 1, 1, 1};
        kernels().activationBackward(Activation.RELU, 2, 2, z, 0, null, 0, g, 0, g, 0, null, 0);
        assertArrayEquals(new float[] {0, 1, 1, 0}, g);
    }

    // ================================================================== losses

    @Test
    @Covers({"softmaxCrossEntropy"})
    void softmaxCrossEntropyKnownAnswer() {
        // logits [0, ln 3] → softmax [1/4, 3/4]; label 1 → loss -ln(3/4); grad [1/4, -1/4]
        float[] logits = {0f, (float) Math.log(3)};
        float[] grad = new float[2];
        float loss = kernels().softmaxCrossEntropy(1, 2, 0f, logits, 0, new float[] {1}, 0, grad, 0);
        assertEquals(-Math.log(0.75), loss, 1e-6);
        assertEquals(0.25, grad[0], 1e-6);
        assertEquals(-0.25, grad[1], 1e-6);
    }

    @Test
    @Covers({"softmaxCrossEntropy"})
    void softmaxCrossEntropyMatchesReferenceAndIsStable() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int rows : new int[] {1, 3, 17}) {
            for (int cols : new int[] {2, 3, 10, 17, 33}) {
                for (double scale : new double[] {1, 30, 1e4}) {
                    float[] logits = random(rng, rows * cols, scale);
                    float[] labels = new float[rows];
                    for (int r = 0; r < rows; r++) {
                        labels[r] = rng.nextInt(cols);
                    }
                    float[] grad = new float[rows * cols];
                    float loss = kernels().softmaxCrossEntropy(rows, cols, 0f, logits, 0, labels, 0, grad, 0);
                    double expectLoss = 0;
                    for (int r = 0; r < rows; r++) {
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j < cols; j++) {
                            max = Math.max(max, logits[r * cols + j]);
                        }
                        double se = 0;
                        for (int j = 0; j < cols; j++) {
                            se += Math.exp(logits[r * cols + j] - max);
                        }
                        double lse = max + Math.log(se);
                        expectLoss += lse - logits[r * cols + (int) labels[r]];
                        for (int j = 0; j < cols; j++) {
                            double p = Math.exp(logits[r * cols + j] - lse);
                            double onehot = j == labels[r] ? 1 : 0;
                            double g = (p - onehot) / rows;
                            assertTrue(Float.isFinite(grad[r * cols + j]));
                            // exp's argument z - max carries |z - max|·u of rounding; a few more u for exp, Σ, 1/rows
                            double tol = (8 + Math.abs(logits[r * cols + j] - max)) * 2 * U * Math.max(p, onehot) / rows;
                            assertEquals(g, grad[r * cols + j], tol + 1e-37, "grad");
                        }
                    }
                    expectLoss /= rows;
                    assertTrue(Float.isFinite(loss), "finite loss for logits of scale " + scale);
                    // The loss is a difference of values of size `scale`: cancellation costs scale·u.
                    assertEquals(expectLoss, loss, 1e-5 * Math.max(1, expectLoss) + 4 * scale * U);
                    float lossOnly = kernels().softmaxCrossEntropy(rows, cols, 0f, logits, 0, labels, 0, null, 0);
                    assertEquals(loss, lossOnly, 1e-6 * Math.max(1, Math.abs(loss)));
                }
            }
        }
    }

    @Test
    @Covers({"softmax"})
    void softmaxRowsSumToOne() {
        SplittableRandom rng = new SplittableRandom(9);
        for (int cols : new int[] {1, 2, 10, 17, 33}) {
            float[] x = random(rng, 3 * cols, 50);
            float[] y = new float[x.length];
            kernels().softmax(3, cols, x, 0, y, 0);
            for (int r = 0; r < 3; r++) {
                double s = 0;
                for (int j = 0; j < cols; j++) {
                    assertTrue(y[r * cols + j] >= 0);
                    s += y[r * cols + j];
                }
                assertEquals(1.0, s, 1e-5);
            }
        }
    }

    @Test
    @Covers({"meanSquaredError", "binaryCrossEntropyWithLogits"})
    void meanSquaredErrorAndBinaryCrossEntropyMatchReference() {
        SplittableRandom rng = new SplittableRandom(13);
        for (int n : edgeSizes()) {
            float[] p = random(rng, n, 3);
            float[] t = random(rng, n, 3);
            float[] g = new float[n];
            float mse = kernels().meanSquaredError(n, p, 0, t, 0, g, 0);
            double e = 0;
            for (int i = 0; i < n; i++) {
                double d = (double) p[i] - t[i];
                e += d * d;
                assertEquals(2 * d / n, g[i], 4 * U * Math.abs(2 * d / n) + 1e-37);
            }
            assertEquals(e / n, mse, (n + 2) * U * e / n + 1e-30);

            float[] z = random(rng, n, 40);
            float[] y = new float[n];
            for (int i = 0; i < n; i++) {
                y[i] = rng.nextInt(2);
            }
            float bce = kernels().binaryCrossEntropyWithLogits(n, z, 0, y, 0, g, 0);
            double eb = 0;
            for (int i = 0; i < n; i++) {
                double zi = z[i];
                eb += Math.max(zi, 0) - zi * y[i] + Math.log1p(Math.exp(-Math.abs(zi)));
                double gi = (Activation.sigmoid(zi) - y[i]) / n;
                assertEquals(gi, g[i], 1e-6 * Math.abs(gi) + 1e-9);
            }
            assertEquals(eb / n, bce, 1e-5 * eb / n + 1e-6);
        }
        // Known answer: z = 0, t = 1 gives ln 2 and gradient -1/2.
        float[] g1 = new float[1];
        assertEquals(Math.log(2), kernels().binaryCrossEntropyWithLogits(1, new float[] {0}, 0, new float[] {1}, 0, g1, 0),
                1e-7);
        assertEquals(-0.5f, g1[0], 1e-7);
    }

    @Test
    @Covers({"meanAbsoluteError", "huber", "hinge"})
    void maeHuberAndHingeMatchReference() {
        SplittableRandom rng = new SplittableRandom(29);
        for (int n : edgeSizes()) {
            float[] p = random(rng, n, 3);
            float[] t = random(rng, n, 3);
            float[] bin = new float[n];
            for (int i = 0; i < n; i++) {
                bin[i] = rng.nextInt(2);
            }
            float[] g1 = new float[n], g2 = new float[n], g3 = new float[n];
            float mae = kernels().meanAbsoluteError(n, p, 0, t, 0, g1, 0);
            float hub = kernels().huber(n, 1f, p, 0, t, 0, g2, 0);
            float hin = kernels().hinge(n, p, 0, bin, 0, g3, 0);
            double em = 0, eh = 0, eg = 0, mag = 0;
            for (int i = 0; i < n; i++) {
                double d = (double) p[i] - t[i];
                em += Math.abs(d);
                mag += Math.abs(d) + d * d;
                eh += Math.abs(d) <= 1 ? 0.5 * d * d : Math.abs(d) - 0.5;
                double y = 2 * bin[i] - 1;
                double margin = y * p[i];
                eg += Math.max(0, 1 - margin);
                assertEquals(Math.signum(d) / n, g1[i], 1e-7, "mae grad");
                assertEquals(Math.max(-1, Math.min(1, d)) / n, g2[i], 1e-6 / n, "huber grad");
                assertEquals(margin < 1 ? -y / n : 0, g3[i], 1e-7, "hinge grad");
            }
            double tol = (n + 4) * U * (mag + n) / n;
            assertEquals(em / n, mae, tol);
            assertEquals(eh / n, hub, tol);
            assertEquals(eg / n, hin, tol);
        }
        // worked by hand: p = (2, 0), t = (0, 0.5): MAE (2 + 0.5)/2 = 1.25; Huber(δ=1) (1.5 + 0.125)/2 = 0.8125
        float[] g = new float[2];
        assertEquals(1.25f, kernels().meanAbsoluteError(2, new float[] {2, 0}, 0, new float[] {0, 0.5f}, 0, g, 0), 1e-7f);
        assertEquals(0.8125f, kernels().huber(2, 1f, new float[] {2, 0}, 0, new float[] {0, 0.5f}, 0, g, 0), 1e-7f);
        // hinge: scores (0.3, -2), labels (1, 0): (1 - 0.3) + max(0, 1 - 2) = 0.7, mean 0.35
        assertEquals(0.35f, kernels().hinge(2, new float[] {0.3f, -2f}, 0, new float[] {1, 0}, 0, g, 0), 1e-7f);
    }

    // ================================================================== optimizer updates

    @Test
    @Covers({"sgdUpdate", "momentumUpdate", "adamUpdate", "adagradUpdate", "rmspropUpdate"})
    void optimizerUpdatesMatchTheirRules() {
        SplittableRandom rng = new SplittableRandom(17);
        for (int n : edgeSizes()) {
            float[] w = random(rng, n, 1);
            float[] g = random(rng, n, 1);
            float[] v = random(rng, n, 0.5);
            float[] m = random(rng, n, 0.5);
            float[] sq = new float[n];
            for (int i = 0; i < n; i++) {
                sq[i] = (float) rng.nextDouble(0, 0.5);
            }
            float lr = 0.05f, wd = 0.01f, mu = 0.9f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
            int t = 3;

            float[] w1 = w.clone();
            kernels().sgdUpdate(n, lr, wd, w1, 0, g, 0);
            for (boolean nesterov : new boolean[] {false, true}) {
                float[] w2 = w.clone();
                float[] v2 = v.clone();
                kernels().momentumUpdate(n, lr, mu, nesterov, wd, w2, 0, g, 0, v2, 0);
                for (int i = 0; i < n; i++) {
                    double gi = g[i] + (double) wd * w[i];
                    double vi = mu * (double) v[i] + gi;
                    assertEquals(vi, v2[i], 1e-6);
                    assertEquals(w[i] - lr * (nesterov ? gi + mu * vi : vi), w2[i], 1e-6);
                }
            }
            for (boolean decoupled : new boolean[] {false, true}) {
                float[] w3 = w.clone();
                float[] m3 = m.clone();
                float[] v3 = sq.clone();
                kernels().adamUpdate(n, lr, b1, b2, eps, wd, decoupled, t, w3, 0, g, 0, m3, 0, v3, 0);
                for (int i = 0; i < n; i++) {
                    double wi = w[i];
                    double gi = g[i];
                    if (decoupled) {
                        wi -= lr * wd * wi;
                    } else {
                        gi += wd * wi;
                    }
                    double mi = b1 * (double) m[i] + (1 - b1) * gi;
                    double vi = b2 * (double) sq[i] + (1 - b2) * gi * gi;
                    double upd = lr * (mi / (1 - Math.pow(b1, t))) / (Math.sqrt(vi / (1 - Math.pow(b2, t))) + eps);
                    assertEquals(mi, m3[i], 1e-6);
                    assertEquals(vi, v3[i], 1e-6);
                    assertEquals(wi - upd, w3[i], 1e-6, "adam decoupled=" + decoupled);
                }
            }
            for (int i = 0; i < n; i++) {
                assertEquals(w[i] - lr * (g[i] + (double) wd * w[i]), w1[i], 1e-6);
            }
            float[] w4 = w.clone();
            float[] s4 = sq.clone();
            kernels().adagradUpdate(n, lr, 1e-10f, wd, w4, 0, g, 0, s4, 0);
            float[] w5 = w.clone();
            float[] s5 = sq.clone();
            kernels().rmspropUpdate(n, lr, 0.9f, eps, wd, w5, 0, g, 0, s5, 0);
            for (int i = 0; i < n; i++) {
                double gi = g[i] + (double) wd * w[i];
                double sa = sq[i] + gi * gi;
                assertEquals(sa, s4[i], 1e-6);
                assertEquals(w[i] - lr * gi / (Math.sqrt(sa) + 1e-10), w4[i], 1e-6, "adagrad");
                double sr = 0.9 * sq[i] + 0.1 * gi * gi;
                assertEquals(sr, s5[i], 1e-6);
                assertEquals(w[i] - lr * gi / (Math.sqrt(sr) + eps), w5[i], 1e-6, "rmsprop");
            }
        }
    }

    @Test
    @Covers({"momentumUpdate", "adamUpdate", "softmaxCrossEntropy"})
    void stateAndGradientsBelowMinNormalAreFlushedToZero() {
        // velocity 1e-39 (subnormal) with zero gradient would decay to 9e-40; it must become 0
        float[] w = {1f, 2f};
        float[] g = {0f, 0.5f};
        float[] v = {1e-39f, 1e-39f};
        kernels().momentumUpdate(2, 0.1f, 0.9f, false, 0f, w, 0, g, 0, v, 0);
        assertEquals(0f, v[0], 0f, "subnormal velocity flushed");
        assertEquals(0.5f, v[1], 1e-7f, "normal velocity kept");
        float[] m = {1e-39f, 0.1f};
        float[] s2 = {1e-39f, 0.1f};
        kernels().adamUpdate(2, 0.1f, 0.9f, 0.999f, 1e-8f, 0f, false, 2, w, 0, g, 0, m, 0, s2, 0);
        assertEquals(0f, m[0], 0f, "subnormal first moment flushed");
        assertEquals(0f, s2[0], 0f, "subnormal second moment flushed");
        assertTrue(m[1] > 0 && s2[1] > 0);
        // p(class 1) = e^-100 / (1 + e^-100) ≈ 3.7e-44: its gradient is flushed to 0, not subnormal
        float[] grad = new float[2];
        kernels().softmaxCrossEntropy(1, 2, 0f, new float[] {0f, -100f}, 0, new float[] {0}, 0, grad, 0);
        assertEquals(0f, grad[1], 0f);
        assertEquals(0f, grad[0], 0f, "p - 1 ≈ -3.7e-44 is flushed too");
    }

    // ================================================================== elementwise and reductions

    @Test
    @Covers({"add", "multiply", "multiplyAccumulate", "axpy", "scale", "sum", "dot", "sumOfSquares", "sumOfAbs", "clamp"})
    void elementwiseAndReductionsMatchReference() {
        SplittableRandom rng = new SplittableRandom(19);
        List<Integer> sizes = new ArrayList<>(edgeSizes());
        sizes.add(1021);
        for (int n : sizes) {
            float[] a = random(rng, n, 2);
            float[] b = random(rng, n, 2);
            float[] out = new float[n];
            kernels().add(n, a, 0, b, 0, out, 0);
            for (int i = 0; i < n; i++) {
                assertEquals(a[i] + b[i], out[i], 0f);
            }
            kernels().multiply(n, a, 0, b, 0, out, 0);
            for (int i = 0; i < n; i++) {
                assertEquals(a[i] * b[i], out[i], 0f);
            }
            float[] acc = b.clone();
            kernels().multiplyAccumulate(n, a, 0, a, 0, acc, 0);
            float[] y = b.clone();
            kernels().axpy(n, -0.25f, a, 0, y, 0);
            float[] s = a.clone();
            kernels().scale(n, 3f, s, 0);
            float[] cl = a.clone();
            kernels().clamp(n, -0.5f, 0.75f, cl, 0);
            for (int i = 0; i < n; i++) {
                assertEquals(Math.min(Math.max(a[i], -0.5f), 0.75f), cl[i], 0f, "clamp");
            }
            double sum = 0, dot = 0, sq = 0, abs = 0, mag = 0, dmag = 0;
            for (int i = 0; i < n; i++) {
                assertEquals(b[i] + (double) a[i] * a[i], acc[i], 2 * U * (Math.abs(b[i]) + a[i] * a[i]) + 1e-37);
                assertEquals(b[i] - 0.25 * a[i], y[i], 2 * U * (Math.abs(b[i]) + Math.abs(a[i])) + 1e-37);
                assertEquals((float) (3.0 * a[i]), s[i], 0f, "one rounding of 3·a");
                sum += a[i];
                mag += Math.abs(a[i]);
                dot += (double) a[i] * b[i];
                dmag += Math.abs((double) a[i] * b[i]);
                sq += (double) a[i] * a[i];
                abs += Math.abs(a[i]);
            }
            assertEquals(sum, kernels().sum(n, a, 0), (n + 1) * U * mag);
            assertEquals(dot, kernels().dot(n, a, 0, b, 0), (n + 1) * U * dmag);
            assertEquals(sq, kernels().sumOfSquares(n, a, 0), (n + 1) * U * sq);
            assertEquals(abs, kernels().sumOfAbs(n, a, 0), (n + 1) * U * abs);
        }
        // known answers
        assertEquals(10f, kernels().sum(4, new float[] {1, 2, 3, 4}, 0));
        assertEquals(25f, kernels().sumOfSquares(2, new float[] {3, 4}, 0));
    }

    @Test
    @Covers({"argmaxRows"})
    void argmaxTakesTheFirstOnTies() {
        float[] x = {1, 3, 3, 0, -1, -2, -1, -5, 7};
        int[] out = new int[3];
        kernels().argmaxRows(3, 3, x, 0, out, 0);
        assertArrayEquals(new int[] {1, 0, 2}, out);
        SplittableRandom rng = new SplittableRandom(23);
        for (int cols : edgeSizes()) {
            float[] r = random(rng, 5 * cols, 1);
            int[] o = new int[5];
            kernels().argmaxRows(5, cols, r, 0, o, 0);
            for (int i = 0; i < 5; i++) {
                for (int j = 0; j < cols; j++) {
                    assertTrue(r[i * cols + j] <= r[i * cols + o[i]]);
                }
            }
        }
    }

    // ================================================================== label smoothing, layers, penalties

    @Test
    @Covers({"softmaxCrossEntropy"})
    void labelSmoothingMatchesTheSmoothedTargetDistribution() {
        // Known answer: logits [0, ln 3] → p = [1/4, 3/4]; label 1, ε = 0.2 → q = [0.1, 0.9];
        // loss = -(0.1·ln 1/4 + 0.9·ln 3/4), grad = p - q = [0.15, -0.15]
        float[] grad = new float[2];
        float loss = kernels().softmaxCrossEntropy(1, 2, 0.2f, new float[] {0f, (float) Math.log(3)}, 0,
                new float[] {1}, 0, grad, 0);
        assertEquals(-(0.1 * Math.log(0.25) + 0.9 * Math.log(0.75)), loss, 1e-6);
        assertEquals(0.15, grad[0], 1e-6);
        assertEquals(-0.15, grad[1], 1e-6);
        SplittableRandom rng = new SplittableRandom(41);
        for (int rows : new int[] {1, 5}) {
            for (int cols : edgeSizes()) {
                float eps = 0.1f;
                float[] logits = random(rng, rows * cols, 20);
                float[] labels = new float[rows];
                for (int r = 0; r < rows; r++) {
                    labels[r] = rng.nextInt(cols);
                }
                float[] g = new float[rows * cols];
                float l = kernels().softmaxCrossEntropy(rows, cols, eps, logits, 0, labels, 0, g, 0);
                double expect = 0;
                for (int r = 0; r < rows; r++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < cols; j++) {
                        max = Math.max(max, logits[r * cols + j]);
                    }
                    double se = 0;
                    for (int j = 0; j < cols; j++) {
                        se += Math.exp(logits[r * cols + j] - max);
                    }
                    for (int j = 0; j < cols; j++) {
                        double logP = logits[r * cols + j] - max - Math.log(se);
                        double q = (j == labels[r] ? 1 - (double) eps : 0) + (double) eps / cols;
                        expect -= q * logP;
                        assertEquals((Math.exp(logP) - q) / rows, g[r * cols + j], 64 * U / rows + 1e-37, "grad");
                    }
                }
                assertEquals(expect / rows, l, 1e-5 * Math.max(1, expect / rows) + 80 * U, "loss");
            }
        }
    }

    @Test
    @Covers({"preluForward", "preluBackward"})
    void preluMatchesReference() {
        SplittableRandom rng = new SplittableRandom(43);
        for (int rows : new int[] {1, 3, 8}) {
            for (int cols : edgeSizes()) {
                int off = 3;
                float[] x = random(rng, off + rows * cols, 2);
                x[off] = 0f; // x = 0 takes the slope branch, as in PyTorch
                float[] a = random(rng, off + cols, 0.5);
                float[] dy = random(rng, off + rows * cols, 1);
                float[] y = new float[off + rows * cols];
                kernels().preluForward(rows, cols, x, off, a, off, y, off);
                float[] dx = new float[off + rows * cols];
                float[] da = new float[off + cols];
                Arrays.fill(da, 0.25f);
                kernels().preluBackward(rows, cols, x, off, a, off, dy, off, dx, off, da, off);
                for (int c = 0; c < cols; c++) {
                    double expect = 0.25;
                    double mag = 0.25;
                    for (int r = 0; r < rows; r++) {
                        int i = off + r * cols + c;
                        boolean pos = x[i] > 0;
                        assertEquals(pos ? x[i] : a[off + c] * x[i], y[i], "y");
                        assertEquals(pos ? dy[i] : a[off + c] * dy[i], dx[i], "dx");
                        if (!pos) {
                            expect += (double) dy[i] * x[i];
                            mag += Math.abs((double) dy[i] * x[i]);
                        }
                    }
                    assertEquals(expect, da[off + c], (rows + 2) * 2 * U * mag, "dslope accumulates");
                }
                float[] da2 = new float[off + cols];
                kernels().preluBackward(rows, cols, x, off, a, off, dy, off, null, 0, da2, off);
                for (int c = 0; c < cols; c++) {
                    assertEquals(da[off + c] - 0.25f, da2[off + c], 1e-5, "dx == null skips only dx");
                }
            }
        }
    }

    @Test
    @Covers({"maxoutForward", "maxoutBackward"})
    void maxoutRoutesTheGradientToTheFirstMaximum() {
        // two units, three pieces; unit 1 ties between pieces 0 and 2
        float[] z = {1, 5, 3, 2, 2, 5};
        float[] y = new float[2];
        kernels().maxoutForward(1, 2, 3, z, 0, y, 0);
        assertArrayEquals(new float[] {3, 5}, y);
        float[] dz = new float[6];
        Arrays.fill(dz, 9f);
        kernels().maxoutBackward(1, 2, 3, z, 0, new float[] {10, 20}, 0, dz, 0);
        assertArrayEquals(new float[] {0, 20, 10, 0, 0, 0}, dz);
        SplittableRandom rng = new SplittableRandom(47);
        for (int pieces : new int[] {1, 2, 3, 5}) {
            for (int units : edgeSizes()) {
                int rows = 3;
                int off = 2;
                float[] zz = random(rng, off + rows * units * pieces, 1);
                float[] dy = random(rng, off + rows * units, 1);
                float[] yy = new float[off + rows * units];
                float[] dd = new float[off + rows * units * pieces];
                kernels().maxoutForward(rows, units, pieces, zz, off, yy, off);
                kernels().maxoutBackward(rows, units, pieces, zz, off, dy, off, dd, off);
                for (int r = 0; r < rows; r++) {
                    for (int u = 0; u < units; u++) {
                        int best = 0;
                        for (int p = 1; p < pieces; p++) {
                            if (zz[off + r * units * pieces + p * units + u] > zz[off + r * units * pieces + best * units + u]) {
                                best = p;
                            }
                        }
                        assertEquals(zz[off + r * units * pieces + best * units + u], yy[off + r * units + u]);
                        for (int p = 0; p < pieces; p++) {
                            assertEquals(p == best ? dy[off + r * units + u] : 0f, dd[off + r * units * pieces + p * units + u]);
                        }
                    }
                }
            }
        }
    }

    @Test
    @Covers({"batchNormForward", "batchNormBackward", "scaleShiftColumns"})
    void batchNormMatchesReference() {
        SplittableRandom rng = new SplittableRandom(53);
        float eps = 1e-5f;
        for (int rows : new int[] {1, 2, 7, 33}) {
            for (int cols : edgeSizes()) {
                int off = 1;
                float[] x = random(rng, off + rows * cols, 2);
                for (int i = off; i < x.length; i++) {
                    x[i] += 0.5f; // a mean away from zero
                }
                float[] gamma = random(rng, off + cols, 2);
                float[] beta = random(rng, off + cols, 1);
                float[] mean = new float[off + cols];
                float[] var = new float[off + cols];
                float[] xhat = new float[off + rows * cols];
                float[] y = new float[off + rows * cols];
                kernels().batchNormForward(rows, cols, eps, x, off, gamma, off, beta, off, mean, off, var, off, xhat, off, y, off);
                float[] dy = random(rng, off + rows * cols, 1);
                float[] s1 = new float[off + cols];
                float[] s2 = new float[off + cols];
                float[] dx = new float[off + rows * cols];
                kernels().batchNormBackward(rows, cols, eps, dy, off, xhat, off, gamma, off, var, off, s1, off, s2, off, dx, off);
                double tol = (rows + 16) * 8 * U;
                for (int c = 0; c < cols; c++) {
                    double mu = 0;
                    for (int r = 0; r < rows; r++) {
                        mu += x[off + r * cols + c];
                    }
                    mu /= rows;
                    double v = 0;
                    for (int r = 0; r < rows; r++) {
                        v += Math.pow(x[off + r * cols + c] - mu, 2);
                    }
                    v /= rows;
                    assertEquals(mu, mean[off + c], tol * 3, "mean");
                    assertEquals(v, var[off + c], tol * 9, "variance");
                    double inv = 1 / Math.sqrt(v + eps);
                    double sDy = 0;
                    double sDyH = 0;
                    double mag = 0;
                    double[] h = new double[rows];
                    for (int r = 0; r < rows; r++) {
                        h[r] = (x[off + r * cols + c] - mu) * inv;
                        int i = off + r * cols + c;
                        assertEquals(h[r], xhat[i], tol * (1 + Math.abs(h[r])) * 4 * inv, "xhat");
                        assertEquals(gamma[off + c] * h[r] + beta[off + c], y[i],
                                tol * (Math.abs(beta[off + c]) + Math.abs(gamma[off + c]) * (1 + Math.abs(h[r])) * 4 * inv), "y");
                        sDy += dy[i];
                        sDyH += dy[i] * h[r];
                        mag += Math.abs(dy[i]) * (1 + Math.abs(h[r]));
                    }
                    assertEquals(sDy, s1[off + c], tol * mag, "sum dy");
                    assertEquals(sDyH, s2[off + c], tol * mag * 4 * inv, "sum dy·xhat");
                    for (int r = 0; r < rows; r++) {
                        int i = off + r * cols + c;
                        double expect = gamma[off + c] * inv / rows * (rows * dy[i] - sDy - h[r] * sDyH);
                        double scale = Math.abs(gamma[off + c]) * inv / rows * (rows * Math.abs(dy[i]) + mag * (1 + Math.abs(h[r])));
                        assertEquals(expect, dx[i], tol * scale * 8 * inv + 1e-30, "dx");
                    }
                }
                // inference: y = x·scale + shift, exact to one rounding of each operation
                float[] out = new float[off + rows * cols];
                kernels().scaleShiftColumns(rows, cols, x, off, gamma, off, beta, off, out, off);
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        int i = off + r * cols + c;
                        double expect = (double) x[i] * gamma[off + c] + beta[off + c];
                        assertEquals(expect, out[i], 2 * U * (Math.abs(x[i] * gamma[off + c]) + Math.abs(expect)) + 1e-30);
                    }
                }
            }
        }
    }

    @Test
    @Covers({"layerNormForward", "layerNormBackward"})
    void layerNormMatchesReference() {
        SplittableRandom rng = new SplittableRandom(59);
        float eps = 1e-5f;
        for (int rows : new int[] {1, 4}) {
            for (int cols : edgeSizes()) {
                int off = 2;
                float[] x = random(rng, off + rows * cols, 3);
                float[] gamma = random(rng, off + cols, 2);
                float[] beta = random(rng, off + cols, 1);
                float[] mean = new float[off + rows];
                float[] var = new float[off + rows];
                float[] xhat = new float[off + rows * cols];
                float[] y = new float[off + rows * cols];
                kernels().layerNormForward(rows, cols, eps, x, off, gamma, off, beta, off, mean, off, var, off, xhat, off, y, off);
                float[] dy = random(rng, off + rows * cols, 1);
                float[] dg = new float[off + cols];
                float[] db = new float[off + cols];
                Arrays.fill(dg, 1f);
                Arrays.fill(db, -1f);
                float[] dx = new float[off + rows * cols];
                kernels().layerNormBackward(rows, cols, eps, dy, off, xhat, off, gamma, off, var, off, dg, off, db, off, dx, off);
                double tol = (cols + 16) * 8 * U;
                double[][] h = new double[rows][cols];
                for (int r = 0; r < rows; r++) {
                    double mu = 0;
                    for (int c = 0; c < cols; c++) {
                        mu += x[off + r * cols + c];
                    }
                    mu /= cols;
                    double v = 0;
                    for (int c = 0; c < cols; c++) {
                        v += Math.pow(x[off + r * cols + c] - mu, 2);
                    }
                    v /= cols;
                    assertEquals(mu, mean[off + r], tol * 3, "mean");
                    assertEquals(v, var[off + r], tol * 9 * Math.max(1, v), "variance");
                    double inv = 1 / Math.sqrt(v + eps);
                    double s = 0;
                    double sh = 0;
                    double mag = 0;
                    for (int c = 0; c < cols; c++) {
                        int i = off + r * cols + c;
                        h[r][c] = (x[i] - mu) * inv;
                        assertEquals(h[r][c], xhat[i], tol * (1 + Math.abs(h[r][c])) * 4 * inv * 3, "xhat");
                        assertEquals(gamma[off + c] * h[r][c] + beta[off + c], y[i],
                                tol * (1 + Math.abs(gamma[off + c]) * (1 + Math.abs(h[r][c])) * 12 * inv), "y");
                        double g = gamma[off + c] * dy[i];
                        s += g;
                        sh += g * h[r][c];
                        mag += Math.abs(g) * (1 + Math.abs(h[r][c]));
                    }
                    for (int c = 0; c < cols; c++) {
                        int i = off + r * cols + c;
                        double g = gamma[off + c] * dy[i];
                        double expect = inv / cols * (cols * g - s - h[r][c] * sh);
                        double scale = inv / cols * (cols * Math.abs(g) + mag * (1 + Math.abs(h[r][c])));
                        assertEquals(expect, dx[i], tol * scale * 12 * inv + 1e-30, "dx");
                    }
                }
                for (int c = 0; c < cols; c++) {
                    double sg = 1;
                    double sb = -1;
                    double mag = 2;
                    for (int r = 0; r < rows; r++) {
                        int i = off + r * cols + c;
                        sg += dy[i] * h[r][c];
                        sb += dy[i];
                        mag += Math.abs(dy[i]) * (1 + Math.abs(h[r][c]));
                    }
                    assertEquals(sg, dg[off + c], (rows + 8) * 8 * U * mag * 12, "dgamma accumulates");
                    assertEquals(sb, db[off + c], (rows + 8) * 8 * U * mag, "dbeta accumulates");
                }
            }
        }
    }

    @Test
    @Covers({"batchNormForward", "layerNormForward"})
    void normalisationIsAccurateFarFromZero() {
        // inputs 1000 ± 1: a plain float sum would put n·u·1000 of error into the mean, which
        // normalisation divides by σ = 1; the result must be accurate relative to σ, not to the mean
        // (x itself is only resolved to ulp(1000)/2 = 3e-5, and so is the float mean)
        SplittableRandom rng = new SplittableRandom(67);
        for (int n : new int[] {17, 64, 257}) {
            float[] x = new float[n * 3];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (1000 + rng.nextGaussian());
            }
            float[] ones = new float[Math.max(n, 3)];
            Arrays.fill(ones, 1f);
            float[] zeros = new float[Math.max(n, 3)];
            float[] mean = new float[n];
            float[] var = new float[n];
            float[] xhat = new float[x.length];
            float[] y = new float[x.length];
            // batch norm over n rows of 3 columns; layer norm over 3 rows of n columns
            kernels().batchNormForward(n, 3, 1e-5f, x, 0, ones, 0, zeros, 0, mean, 0, var, 0, xhat, 0, y, 0);
            for (int c = 0; c < 3; c++) {
                double mu = 0;
                for (int r = 0; r < n; r++) {
                    mu += x[r * 3 + c];
                }
                mu /= n;
                double v = 0;
                for (int r = 0; r < n; r++) {
                    v += Math.pow(x[r * 3 + c] - mu, 2);
                }
                v /= n;
                for (int r = 0; r < n; r++) {
                    assertEquals((x[r * 3 + c] - mu) / Math.sqrt(v + 1e-5), xhat[r * 3 + c], 1e-4, "batch norm x̂");
                }
            }
            kernels().layerNormForward(3, n, 1e-5f, x, 0, ones, 0, zeros, 0, mean, 0, var, 0, xhat, 0, y, 0);
            for (int r = 0; r < 3; r++) {
                double mu = 0;
                for (int c = 0; c < n; c++) {
                    mu += x[r * n + c];
                }
                mu /= n;
                double v = 0;
                for (int c = 0; c < n; c++) {
                    v += Math.pow(x[r * n + c] - mu, 2);
                }
                v /= n;
                for (int c = 0; c < n; c++) {
                    assertEquals((x[r * n + c] - mu) / Math.sqrt(v + 1e-5), xhat[r * n + c], 1e-4, "layer norm x̂");
                }
            }
        }
    }

    @Test
    @Covers({"elasticNetPenalty"})
    void elasticNetPenaltyAndItsGradient() {
        // known answer: w = [-2, 0, 3], l1 = 0.5, l2 = 0.1 → 0.5·5 + 0.05·13 = 3.15; g += [-0.7, 0, 0.8]
        float[] g = {1, 1, 1};
        float p = kernels().elasticNetPenalty(3, 0.5f, 0.1f, new float[] {-2, 0, 3}, 0, g, 0);
        assertEquals(3.15, p, 1e-6);
        assertArrayEquals(new float[] {0.3f, 1f, 1.8f}, g, 1e-6f);
        SplittableRandom rng = new SplittableRandom(61);
        for (int n : edgeSizes()) {
            float[] w = random(rng, n + 1, 3);
            float[] g0 = random(rng, n + 1, 1);
            float[] gg = g0.clone();
            float l1 = 0.03f;
            float l2 = 0.2f;
            float pen = kernels().elasticNetPenalty(n, l1, l2, w, 1, gg, 1);
            double expect = 0;
            for (int i = 1; i <= n; i++) {
                expect += l1 * Math.abs(w[i]) + 0.5 * l2 * w[i] * w[i];
                double ge = g0[i] + l1 * Math.signum(w[i]) + (double) l2 * w[i];
                assertEquals(ge, gg[i], 4 * U * (Math.abs(g0[i]) + l1 + Math.abs(l2 * w[i])), "gradient");
            }
            assertEquals(g0[0], gg[0], "offset respected");
            assertEquals(expect, pen, (n + 4) * 2 * U * expect + 1e-30, "penalty");
            assertEquals(pen, kernels().elasticNetPenalty(n, l1, l2, w, 1, null, 0), 1e-6 * pen, "value only");
        }
    }

    protected static float[] random(SplittableRandom rng, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextDouble(-scale, scale);
        }
        return x;
    }
}
