package dev.simdnn.nn;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.init.Initializer;
import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.kernel.scalar.ScalarKernels;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.optim.Sgd;
import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code zeroGrad()} only marks a gradient cleared: {@code grad()} fills the zeros on demand, and a
 * dense layer's weight gradient is written by its GEMM with beta 0 instead (no fill, no read of
 * the stale array). These tests hold that route to the eager one's answer and to a hand-written
 * dW = dzᵀ·x, on the default backend and the scalar reference.
 */
class LazyZeroGradTest {

    @Test
    void aClearedGradientReadsZerosAndIsOverwrittenOnce() {
        Parameter p = new Parameter("w", Tensor.of(new float[] {1, 2, 3}, 3));
        p.grad().fill(5f);
        assertEquals(1f, p.accumulationBeta(), "holds gradients: add to them");
        p.zeroGrad();
        assertEquals(0f, p.accumulationBeta(), "cleared: overwrite");
        assertEquals(1f, p.accumulationBeta(), "written by the first caller: the second adds");
        p.grad().fill(5f);
        p.zeroGrad();
        for (int i = 0; i < 3; i++) {
            assertEquals(0f, p.grad().getFlat(i), "grad() after zeroGrad fills the zeros");
        }
        assertEquals(1f, p.accumulationBeta(), "grad() handed the array out: whoever holds it may have added");
    }

    @Test
    void denseWeightGradientAfterZeroGradIgnoresStaleValues() {
        for (Kernels k : List.of(KernelsProvider.best(), ScalarKernels.INSTANCE)) {
            int rows = 37, in = 29, out = 13; // odd sizes: edge tiles on every side
            SplittableRandom rng = new SplittableRandom(11);
            Dense dense = new Dense(in, out, Activation.IDENTITY, true, Initializer.normal(0, 0.3f), rng);
            Tensor x = random(rows, in, rng);
            Tensor g = random(rows, out, rng);
            Parameter w = dense.parameters().get(0);
            Sgd opt = new Sgd(dense.parameters(), 0.1f);

            w.grad().fill(Float.NaN); // a diverged step's leftovers: 0·NaN would leak if C were read
            opt.zeroGrad();
            dense.forward(k, x, Mode.TRAINING);
            dense.backward(k, g, false);
            float[] lazy = w.grad().toArray();

            // dW = gᵀ·x by hand (identity activation: dz = g), in double
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    double s = 0;
                    for (int r = 0; r < rows; r++) {
                        s += (double) g.getFlat(r * out + o) * x.getFlat(r * in + i);
                    }
                    assertEquals(s, lazy[o * in + i], 1e-5, k + ": dW[" + o + "," + i + "]");
                }
            }

            // the eager route: zeros in the array, then accumulated with beta 1
            w.grad().fill(0f);
            dense.forward(k, x, Mode.TRAINING);
            dense.backward(k, g, false);
            float[] eager = w.grad().toArray();
            for (int i = 0; i < lazy.length; i++) {
                assertTrue(lazy[i] == eager[i], k + ": lazy and eager differ at " + i + ": " + lazy[i] + " vs " + eager[i]);
            }

            // a second backward before the next zeroGrad adds to the first
            opt.zeroGrad();
            dense.forward(k, x, Mode.TRAINING);
            dense.backward(k, g, false);
            dense.forward(k, x, Mode.TRAINING);
            dense.backward(k, g, false);
            float[] twice = w.grad().toArray();
            for (int i = 0; i < lazy.length; i++) {
                // the scalar reference adds each product into C as it goes, so the sum is not exactly 2×
                assertEquals(2 * lazy[i], twice[i], 1e-5f * Math.max(1f, Math.abs(lazy[i])),
                        k + ": two backward passes sum at " + i);
            }
        }
    }

    private static Tensor random(int rows, int cols, SplittableRandom rng) {
        Tensor t = Tensor.zeros(rows, cols);
        for (int i = 0; i < t.size(); i++) {
            t.setFlat(i, (float) rng.nextGaussian());
        }
        return t;
    }
}
