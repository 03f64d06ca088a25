package dev.simdnn.kernel.contract;

import dev.simdnn.kernel.*;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The conformance suite of {@link Blas}: GEMM (against the double reference and EJML, every transpose, alpha and beta, padded strides), the dense layer's fused GEMM, elementwise operations, reductions and argmax. */
public abstract class BlasContractTest extends KernelContract {

    @Test
    void everyBlasMethodIsCovered() {
        assertEveryMethodCovered(Blas.class, BlasContractTest.class, 14);
    }

    // ================================================================== GEMM

    @Test
    @Covers({"gemm"})
    void gemmKnownAnswer() {
        // [1 2; 3 4]·[5 6; 7 8] = [19 22; 43 50], worked by hand.
        float[] a = {1, 2, 3, 4};
        float[] b = {5, 6, 7, 8};
        float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        kernels().blas().gemm(false, false, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[] {19, 22, 43, 50}, c, "beta == 0 overwrites even NaN");
        // Aᵀ·B = [1 3; 2 4]·[5 6; 7 8] = [26 30; 38 44]; times -0.5, plus 1·C.
        float[] c2 = {1, 1, 1, 1};
        kernels().blas().gemm(true, false, 2, 2, 2, -0.5f, a, 0, 2, b, 0, 2, 1f, c2, 0, 2);
        assertArrayEquals(new float[] {-12, -14, -18, -21}, c2);
        // A·Bᵀ = [1 2; 3 4]·[5 7; 6 8] = [17 23; 39 53]
        float[] c3 = new float[4];
        kernels().blas().gemm(false, true, 2, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c3, 0, 2);
        assertArrayEquals(new float[] {17, 23, 39, 53}, c3);
    }

    @Test
    @Covers({"gemm"})
    void gemmKZeroScalesC() {
        float[] c = {2, Float.NaN};
        kernels().blas().gemm(false, false, 1, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0f, c, 0, 2);
        assertArrayEquals(new float[] {0, 0}, c);
        float[] c2 = {2, 4};
        kernels().blas().gemm(false, false, 1, 2, 0, 1f, new float[0], 0, 1, new float[0], 0, 2, 0.5f, c2, 0, 2);
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
        kernels().blas().gemm(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);

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
                kernels().blas().denseForward(rows, in, out, x, 0, w, 0, bias, 0, act, z, 0, y, 0);
                float[] yNoZ = new float[rows * out];
                kernels().blas().denseForward(rows, in, out, x, 0, w, 0, bias, 0, act, null, 0, yNoZ, 0);
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
    @Covers({"packDenseWeights", "denseForward"})
    void packedWeightsGiveTheBitsOfTheWeightsTheyWereMadeFrom() {
        SplittableRandom rng = new SplittableRandom(5);
        // batches past the direct paths (> 4 rows), a 10-wide output, slices past k = 256, two column
        // panels past 4096; batches of at most 4 rows are the next test's business
        int[][] shapes = {{5, 7, 3}, {130, 33, 10}, {13, 300, 40}, {40, 5, 70}, {200, 20, 65}, {17, 3, 4100}};
        for (Activation act : List.of(Activation.IDENTITY, Activation.RELU, Activation.GELU_ERF)) {
            for (int[] s : shapes) {
                int rows = s[0], in = s[1], out = s[2];
                float[] x = random(rng, rows * in, 2);
                float[] w = random(rng, out * in, 1);
                float[] bias = random(rng, out, 1);
                float[] want = new float[rows * out];
                kernels().blas().denseForward(rows, in, out, x, 0, w, 0, bias, 0, act, null, 0, want, 0);
                PackedWeights packed = kernels().blas().packDenseWeights(in, out, w, 0);
                float[] got = new float[rows * out];
                kernels().blas().denseForward(rows, packed, x, 0, bias, 0, act, got, 0);
                assertArrayEquals(want, got, act + " " + java.util.Arrays.toString(s));
                java.util.Arrays.fill(w, 7f); // a snapshot: later changes to W do not reach it
                kernels().blas().denseForward(rows, packed, x, 0, null, 0, act, got, 0);
                float[] noBias = new float[rows * out];
                kernels().blas().denseForward(rows, in, out, x, 0, packed.weights(), 0, null, 0, act, null, 0, noBias, 0);
                assertArrayEquals(noBias, got, act + " without bias, after W changed");
            }
        }
        // weights prepared by another backend (no layout of this one's) are read from their snapshot
        float[] w = random(rng, 6, 1);
        float[] x = random(rng, 12, 1);
        float[] want = new float[18];
        kernels().blas().denseForward(6, 2, 3, x, 0, w, 0, null, 0, Activation.TANH, null, 0, want, 0);
        float[] got = new float[18];
        kernels().blas().denseForward(6, PackedWeights.copyOf(2, 3, w, 0), x, 0, null, 0, Activation.TANH, got, 0);
        assertArrayEquals(want, got);
    }

    @Test
    @Covers({"packDenseWeights", "denseForward"})
    void packedWeightsGiveEveryRowTheSameBitsInAnyBatch() {
        SplittableRandom rng = new SplittableRandom(6);
        // {in, out}: one value; k-slices past 256 (and a short last one); four slivers and more at
        // 512 bits (128+), a partial last sliver, a 10-wide output, a second column panel past 4096
        int[][] shapes = {{1, 1}, {9, 40}, {784, 256}, {300, 10}, {33, 161}, {70, 130}, {3, 4100}, {257, 97}};
        int rows = 70; // more than 2·32 rows: the narrow output takes its transposed route here
        for (int[] s : shapes) {
            int in = s[0], out = s[1];
            float[] x = random(rng, rows * in, 2);
            float[] w = random(rng, out * in, 1);
            float[] bias = random(rng, out, 1);
            PackedWeights packed = kernels().blas().packDenseWeights(in, out, w, 0);
            float[] whole = new float[rows * out];
            kernels().blas().denseForward(rows, packed, x, 0, bias, 0, Activation.RELU, whole, 0);
            for (int batch : new int[] {1, 2, 3, 4, 5, 7}) {
                int first = (batch * 13) % (rows - batch);
                float[] part = new float[batch * out];
                kernels().blas().denseForward(batch, packed, x, first * in, bias, 0, Activation.RELU, part, 0);
                for (int r = 0; r < batch; r++) {
                    assertArrayEquals(java.util.Arrays.copyOfRange(whole, (first + r) * out, (first + r + 1) * out),
                            java.util.Arrays.copyOfRange(part, r * out, (r + 1) * out),
                            "row " + (first + r) + " in a batch of " + batch + " at " + java.util.Arrays.toString(s));
                }
                // and right: against the sum in double
                for (int r = 0; r < batch; r++) {
                    for (int j = 0; j < out; j++) {
                        double exact = bias[j];
                        double mag = Math.abs(bias[j]);
                        for (int p = 0; p < in; p++) {
                            double t = (double) x[(first + r) * in + p] * w[j * in + p];
                            exact += t;
                            mag += Math.abs(t);
                        }
                        assertEquals(Math.max(0, exact), part[r * out + j], (in + 2) * U * mag, "batch " + batch);
                    }
                }
            }
        }
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
            kernels().blas().add(n, a, 0, b, 0, out, 0);
            for (int i = 0; i < n; i++) {
                assertEquals(a[i] + b[i], out[i], 0f);
            }
            kernels().blas().multiply(n, a, 0, b, 0, out, 0);
            for (int i = 0; i < n; i++) {
                assertEquals(a[i] * b[i], out[i], 0f);
            }
            float[] acc = b.clone();
            kernels().blas().multiplyAccumulate(n, a, 0, a, 0, acc, 0);
            float[] y = b.clone();
            kernels().blas().axpy(n, -0.25f, a, 0, y, 0);
            float[] s = a.clone();
            kernels().blas().scale(n, 3f, s, 0);
            float[] cl = a.clone();
            kernels().blas().clamp(n, -0.5f, 0.75f, cl, 0);
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
            assertEquals(sum, kernels().blas().sum(n, a, 0), (n + 1) * U * mag);
            assertEquals(dot, kernels().blas().dot(n, a, 0, b, 0), (n + 1) * U * dmag);
            assertEquals(sq, kernels().blas().sumOfSquares(n, a, 0), (n + 1) * U * sq);
            assertEquals(abs, kernels().blas().sumOfAbs(n, a, 0), (n + 1) * U * abs);
        }
        // known answers
        assertEquals(10f, kernels().blas().sum(4, new float[] {1, 2, 3, 4}, 0));
        assertEquals(25f, kernels().blas().sumOfSquares(2, new float[] {3, 4}, 0));
    }

    @Test
    @Covers({"argmaxRows"})
    void argmaxTakesTheFirstOnTies() {
        float[] x = {1, 3, 3, 0, -1, -2, -1, -5, 7};
        int[] out = new int[3];
        kernels().blas().argmaxRows(3, 3, x, 0, out, 0);
        assertArrayEquals(new int[] {1, 0, 2}, out);
        SplittableRandom rng = new SplittableRandom(23);
        for (int cols : edgeSizes()) {
            float[] r = random(rng, 5 * cols, 1);
            int[] o = new int[5];
            kernels().blas().argmaxRows(5, cols, r, 0, o, 0);
            for (int i = 0; i < 5; i++) {
                for (int j = 0; j < cols; j++) {
                    assertTrue(r[i * cols + j] <= r[i * cols + o[i]]);
                }
            }
        }
    }

    @Test
    @Covers({"argmaxRows"})
    void argmaxOfRowsHoldingNaNIsTheFirstNaN() {
        // diverged training gives NaN logits: the SIMD backend once ran past the row here
        float n = Float.NaN;
        float[] x = {1, n, 3, n, n, n, n, 5, Float.POSITIVE_INFINITY, 2, 9, n, 2, Float.POSITIVE_INFINITY, 1};
        int[] out = new int[5];
        kernels().blas().argmaxRows(5, 3, x, 0, out, 0);
        assertArrayEquals(new int[] {1, 0, 0, 2, 1}, out, "NaN beats everything, +Infinity every number");
        for (int cols : edgeSizes()) {
            float[] r = new float[2 * cols];
            java.util.Arrays.fill(r, n);
            int[] o = {-1, -1};
            kernels().blas().argmaxRows(2, cols, r, 0, o, 0);
            assertArrayEquals(new int[] {0, 0}, o, "all NaN, " + cols + " columns");
            java.util.Arrays.fill(r, 1f);
            r[cols - 1] = n;
            kernels().blas().argmaxRows(1, cols, r, 0, o, 0);
            assertEquals(cols - 1, o[0], "NaN in the last column of " + cols);
        }
    }
}
