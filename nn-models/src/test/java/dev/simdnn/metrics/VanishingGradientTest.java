package dev.simdnn.metrics;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.init.Initializer;
import dev.simdnn.kernel.Activation;
import dev.simdnn.layer.Layer;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.nn.Dense;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The course's weight-initialisation experiment (as in Saito, "Deep Learning from Scratch",
 * §6.2): 1000 samples of 100 standard-normal features through 5 layers of width 100, without
 * bias, and the histogram of each layer's activations for several initialisations. Asserted on
 * the measured statistics; the tables are printed.
 */
class VanishingGradientTest {

    private static List<LayerStatistics> run(Activation act, Initializer init, String title) {
        SplittableRandom rng = new SplittableRandom(2026);
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            layers.add(new Dense(100, 100, act, false, init, rng));
        }
        Sequential net = new Sequential(100, layers, KernelsProvider.best());
        Tensor x = Tensor.zeros(1000, 100);
        Tensor g = Tensor.zeros(1000, 100);
        for (int i = 0; i < x.size(); i++) {
            x.setFlat(i, (float) rng.nextGaussian());
            g.setFlat(i, (float) rng.nextGaussian());
        }
        List<LayerStatistics> stats = LayerStatistics.measure(net, x, g);
        System.out.println(act + ", " + title);
        stats.forEach(s -> System.out.println("  " + s));
        return stats;
    }

    @Test
    void sigmoidSaturatesWithUnitWeightsCollapsesWithTinyOnesAndSpreadsWithXavier() {
        List<LayerStatistics> big = run(Activation.SIGMOID, Initializer.normal(0, 1), "N(0, 1)");
        List<LayerStatistics> tiny = run(Activation.SIGMOID, Initializer.normal(0, 0.01f), "N(0, 0.01²)");
        List<LayerStatistics> xavier = run(Activation.SIGMOID, Initializer.xavierNormal(), "Xavier");
        for (int i = 0; i < 5; i++) {
            LayerStatistics.Summary b = big.get(i).activations();
            LayerStatistics.Summary t = tiny.get(i).activations();
            LayerStatistics.Summary x = xavier.get(i).activations();
            // N(0, 1): pre-activations of std ~6-10 push most outputs within 0.05 of 0 or 1
            assertTrue(b.fractionSaturated() > 0.5, "N(0,1) layer " + i + " saturated " + b.fractionSaturated());
            assertTrue(b.histogram().get(0) + b.histogram().get(19) > 0.4 * 100_000,
                    "N(0,1) layer " + i + ": the histogram's mass sits in its end bins " + b.histogram());
            // N(0, 0.01²): pre-activations of std ~0.05, every output ≈ 0.5
            assertTrue(t.std() < 0.03 && Math.abs(t.mean() - 0.5) < 0.01, "N(0,0.01) layer " + i + " collapsed: " + t);
            assertEquals(0, t.fractionSaturated(), "N(0,0.01) layer " + i);
            // Xavier: spread over the range, rarely saturated
            assertTrue(x.std() > 0.1, "Xavier layer " + i + " spread, std " + x.std());
            assertTrue(x.fractionSaturated() < 0.1, "Xavier layer " + i + " saturated " + x.fractionSaturated());
        }
        for (int i = 1; i < 5; i++) {
            assertTrue(tiny.get(i).activations().std() < 0.02, "N(0,0.01) collapses further after layer 1");
        }
        // the gradient vanishes on the way back: σ' ≤ 1/4 and weights of 0.01·√100 = 0.1 shrink it
        // by ~40 per layer, while Xavier keeps it within a small factor per layer
        double tinyRatio = tiny.get(0).gradients().std() / tiny.get(4).gradients().std();
        double xavierRatio = xavier.get(0).gradients().std() / xavier.get(4).gradients().std();
        assertTrue(tinyRatio < 1e-5, "N(0,0.01): first-layer gradient / last-layer gradient = " + tinyRatio);
        assertTrue(xavierRatio > 1e-3, "Xavier: first-layer gradient / last-layer gradient = " + xavierRatio);
    }

    @Test
    void reluKeepsItsSpreadWithHeAndCollapsesWithTinyWeights() {
        List<LayerStatistics> he = run(Activation.RELU, Initializer.heNormal(), "He");
        List<LayerStatistics> tiny = run(Activation.RELU, Initializer.normal(0, 0.01f), "N(0, 0.01²)");
        double he0 = he.get(0).activations().std();
        for (int i = 1; i < 5; i++) {
            double ratio = he.get(i).activations().std() / he0;
            assertTrue(ratio > 0.5 && ratio < 2, "He: layer " + i + " std / layer 0 std = " + ratio);
            // each layer multiplies the scale by 0.01·√(100/2) ≈ 0.07
            double collapse = tiny.get(i).activations().std() / tiny.get(i - 1).activations().std();
            assertTrue(collapse < 0.15, "N(0,0.01): layer " + i + " shrinks the spread by " + collapse);
        }
        assertTrue(tiny.get(4).activations().std() < 1e-4 * he.get(4).activations().std());
        assertTrue(he.get(4).activations().fractionDeadUnits() < 0.05, "He leaves few dead units");
        assertTrue(Double.isNaN(he.get(0).activations().fractionSaturated()), "ReLU has no saturation bound");
        double zero = he.get(2).activations().fractionZero();
        assertTrue(zero > 0.4 && zero < 0.6, "ReLU zeroes about half its inputs: " + zero);
    }

    @Test
    void measuresThroughALossAndChecksShapes() {
        Sequential model = Mlp.builder().input(4).dense(8, Activation.TANH).dense(3).seed(1).build();
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, -1, 0, 1, 0}, 2, 4);
        Tensor y = Tensor.of(new float[] {0, 2}, 2, 1);
        List<LayerStatistics> s = LayerStatistics.measure(model, x, y, new SoftmaxCrossEntropy());
        assertEquals(2, s.size());
        assertTrue(s.get(0).parameterGradientNorm() > 0);
        assertEquals(16, s.get(0).activations().histogram().stream().mapToInt(Integer::intValue).sum());
        assertEquals(-1.0, s.get(0).activations().histogramLow(), "tanh: histogram over [-1, 1]");
        assertThrows(IllegalArgumentException.class, () -> LayerStatistics.measure(model, x, Tensor.zeros(2, 2)));
    }
}
