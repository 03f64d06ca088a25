package dev.simdnn.simd;

import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.kernel.contract.ActivationsContractTest;
import dev.simdnn.kernel.contract.BlasContractTest;
import dev.simdnn.kernel.contract.ConvolutionsContractTest;
import dev.simdnn.kernel.contract.LossesContractTest;
import dev.simdnn.kernel.contract.NormsContractTest;
import dev.simdnn.kernel.contract.RecurrencesContractTest;
import dev.simdnn.kernel.contract.UpdatesContractTest;
import dev.simdnn.simd.gemm.Gemm;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The SIMD backend passes every family's conformance suite, the same as the scalar reference
 * (against EJML and double-precision references), at whatever width this JVM was forced to
 * ({@code -Dsimdnn.simd.bits}; the build runs this class at 128, 256 and 512 bits), plus GEMM
 * shapes straddling every block edge of the blocking in force.
 */
class SimdKernelsTest {

    /** 1, 2, lanes ± 1, MR ± 1, 2·MR + 1, NR ± 1, 2·NR + 1, primes. */
    static List<Integer> simdEdgeSizes() {
        int lanes = SimdConfig.LANES;
        int mr = Gemm.BLOCKING.mr();
        int nr = Gemm.BLOCKING.nr();
        TreeSet<Integer> s = new TreeSet<>(List.of(1, 2, 3, lanes - 1, lanes, lanes + 1, mr - 1, mr, mr + 1,
                2 * mr + 1, nr - 1, nr, nr + 1, 2 * nr + 1, 13, 37));
        s.removeIf(x -> x < 1);
        return new ArrayList<>(s);
    }

    @Nested
    class Blas extends BlasContractTest {
        @Override
        protected Kernels kernels() {
            return SimdKernels.INSTANCE;
        }

        @Override
        protected List<Integer> edgeSizes() {
            return simdEdgeSizes();
        }

        /** The dense layer's activation epilogue uses the same float transcendental functions. */
        @Override
        protected double activationRelativeTolerance() {
            return 32 * U;
        }

        @Test
        void packedWeightsGiveTheSameBitsOnTwoThreads() {
            SplittableRandom rng = new SplittableRandom(32);
            int rows = 200, in = 300, out = 300; // above the parallel threshold: split by columns over 2 threads
            float[] x = random(rng, rows * in, 1);
            float[] w = random(rng, out * in, 1);
            float[] bias = random(rng, out, 1);
            float[] want = new float[rows * out];
            SimdKernels.INSTANCE.blas().denseForward(rows, in, out, x, 0, w, 0, bias, 0, Activation.RELU, null, 0, want, 0);
            Kernels two = SimdKernels.withThreads(2);
            float[] got = new float[rows * out];
            two.blas().denseForward(rows, two.blas().packDenseWeights(in, out, w, 0), x, 0, bias, 0, Activation.RELU, got, 0);
            assertArrayEquals(want, got);
        }

        @Test
        void gemmAcrossBlockEdges() {
            SplittableRandom rng = new SplittableRandom(31);
            int kc = Gemm.BLOCKING.kc();
            int mc = Gemm.BLOCKING.mc();
            int nr = Gemm.BLOCKING.nr();
            int[][] shapes = {
                    {mc - 1, nr + 1, kc - 1}, {mc, nr, kc}, {mc + 1, 2 * nr + 1, kc + 1},
                    {2 * mc + 3, 3 * nr - 1, 2 * kc + 5}, {9, 5, 2 * kc + 1}, {mc + 1, 1, kc + 1}, {1, 3 * nr + 1, kc + 1},
            };
            int i = 0;
            for (int[] s : shapes) {
                checkGemm(rng, s[0], s[1], s[2], i++);
            }
        }
    }

    @Nested
    class Activations extends ActivationsContractTest {
        @Override
        protected Kernels kernels() {
            return SimdKernels.INSTANCE;
        }

        @Override
        protected List<Integer> edgeSizes() {
            return simdEdgeSizes();
        }

        /** The simd backend's transcendental functions are float (SVML-class, ~1 ulp), composed: 16 ulp. */
        @Override
        protected double activationRelativeTolerance() {
            return 32 * U;
        }
    }

    @Nested
    class Losses extends LossesContractTest {
        @Override
        protected Kernels kernels() {
            return SimdKernels.INSTANCE;
        }

        @Override
        protected List<Integer> edgeSizes() {
            return simdEdgeSizes();
        }

        /** Log-cosh goes through the same float exp/log1p polynomials as the activations. */
        @Override
        protected double activationRelativeTolerance() {
            return 32 * U;
        }
    }

    @Nested
    class Updates extends UpdatesContractTest {
        @Override
        protected Kernels kernels() {
            return SimdKernels.INSTANCE;
        }

        @Override
        protected List<Integer> edgeSizes() {
            return simdEdgeSizes();
        }

        /** Large updates are split over threads; every element is computed alike, so the bits are the same. */
        @Test
        void theLastPartialVectorOfAnUpdateGetsTheBitsOfAFullOne() {
            // The updates run full vectors unmasked and finish the last few elements apart (a masked
            // vector, or scalar code for Adam): the same elements inside a longer array, where they
            // fall in a full vector, must come out with the same bits.
            int lanes = SimdConfig.SPECIES.length();
            int n = 2 * lanes + lanes / 2 + 1;
            int longer = 4 * lanes;
            SplittableRandom rng = new SplittableRandom(34);
            float[] w0 = random(rng, longer, 1);
            float[] g = random(rng, longer, 1);
            float[] s0 = random(rng, longer, 0.1);
            s0[n - 1] = 1e-39f; // subnormal moments are flushed, in the tail too
            g[n - 1] = 0f;
            float[][] arrays = new float[2][];
            for (boolean decoupled : new boolean[] {false, true}) {
                for (int pass = 0; pass < 2; pass++) {
                    int len = pass == 0 ? n : longer;
                    float[] w = w0.clone();
                    float[] v = s0.clone();
                    float[] m = s0.clone();
                    float[] v2 = new float[longer];
                    for (int i = 0; i < longer; i++) {
                        v2[i] = Math.abs(s0[i]);
                    }
                    Kernels k = SimdKernels.INSTANCE;
                    k.updates().sgdUpdate(len, 0.1f, 0.01f, w, 0, g, 0);
                    k.updates().momentumUpdate(len, 0.05f, 0.9f, !decoupled, 0.001f, w, 0, g, 0, v, 0);
                    k.updates().adamUpdate(len, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, decoupled, 3, w, 0, g, 0, m, 0, v2, 0);
                    float[] all = new float[4 * n];
                    System.arraycopy(w, 0, all, 0, n);
                    System.arraycopy(v, 0, all, n, n);
                    System.arraycopy(m, 0, all, 2 * n, n);
                    System.arraycopy(v2, 0, all, 3 * n, n);
                    arrays[pass] = all;
                }
                assertArrayEquals(arrays[1], arrays[0], "decoupled " + decoupled);
            }
        }

        @Test
        void largeUpdatesGiveTheSameBitsOnOneTwoAndThreeThreads() {
            int n = 3 * dev.simdnn.simd.updates.SimdUpdates.PARALLEL_MIN + 7; // not a multiple of the parts or the lanes
            SplittableRandom rng = new SplittableRandom(33);
            float[] w0 = random(rng, n, 1);
            float[] g = random(rng, n, 1);
            float[] s0 = random(rng, n, 0.1);
            float[][] want = null;
            for (int threads : new int[] {1, 2, 3}) {
                Kernels k = SimdKernels.withThreads(threads);
                float[] w = w0.clone();
                float[] v = s0.clone();
                float[] m = s0.clone();
                float[] v2 = new float[n];
                for (int i = 0; i < n; i++) {
                    v2[i] = Math.abs(s0[i]);
                }
                k.updates().sgdUpdate(n, 0.1f, 0.01f, w, 0, g, 0);
                k.updates().momentumUpdate(n, 0.05f, 0.9f, true, 0.001f, w, 0, g, 0, v, 0);
                k.updates().adamUpdate(n, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, true, 3, w, 0, g, 0, m, 0, v2, 0);
                float[][] got = {w, v, m, v2};
                if (want == null) {
                    want = got;
                } else {
                    for (int a = 0; a < want.length; a++) {
                        assertArrayEquals(want[a], got[a], threads + " threads, array " + a);
                    }
                }
            }
        }
    }

    @Nested
    class Norms extends NormsContractTest {
        @Override
        protected Kernels kernels() {
            return SimdKernels.INSTANCE;
        }

        @Override
        protected List<Integer> edgeSizes() {
            return simdEdgeSizes();
        }
    }

    @Nested
    class Convolutions extends ConvolutionsContractTest {
        @Override
        protected Kernels kernels() {
            return SimdKernels.INSTANCE;
        }
    }

    @Nested
    class Recurrences extends RecurrencesContractTest {
        @Override
        protected Kernels kernels() {
            return SimdKernels.INSTANCE;
        }
    }
}
