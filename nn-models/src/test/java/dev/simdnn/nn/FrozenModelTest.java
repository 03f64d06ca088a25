package dev.simdnn.nn;

import dev.simdnn.kernel.Activation;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.optim.Adam;
import dev.simdnn.optim.Optimizer;
import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, "weights packed once": a frozen snapshot predicts what its model did (bit for bit past
 * four rows), stays so, and gives an input the same bits whatever batch it arrives in.
 */
class FrozenModelTest {

    private static Sequential everyLayerKind() {
        return Mlp.builder().input(30)
                .dense(40).batchNorm().activation(Activation.RELU)
                .residual(b -> b.dense(40, Activation.TANH).layerNorm())
                .residual(b -> b.dense(24, Activation.GELU_ERF))
                .prelu().maxout(12, 3).dropout(0.2f)
                .dense(300, Activation.SWISH)   // wide: more than one register-tile sliver, k-slices below
                .dense(10).softmax().seed(5).build();
    }

    private static Tensor inputs(int rows, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor x = Tensor.zeros(rows, 30);
        for (int i = 0; i < x.size(); i++) {
            x.setFlat(i, (float) rng.nextDouble(-2, 2));
        }
        return x;
    }

    @Test
    void itPredictsBitForBitWhatTheModelDidAndTrainingLeavesItAlone() {
        Sequential model = everyLayerKind();
        Tensor warm = inputs(64, 1);
        for (int i = 0; i < 3; i++) {
            model.forward(warm, Mode.TRAINING); // running statistics away from 0 and 1
        }
        Sequential frozen = model.frozen();
        int[] batches = {1, 3, 5, 64, 200}; // the direct paths (<= 4 rows) and the packed one
        Tensor[] before = new Tensor[batches.length];
        for (int b = 0; b < batches.length; b++) {
            Tensor x = inputs(batches[b], 10 + b);
            before[b] = model.predict(x);
            float[] got = frozen.predict(x).toArray();
            if (batches[b] > 4) {
                assertArrayEquals(before[b].toArray(), got, "batch " + batches[b]);
            } else {
                // at most 4 rows the frozen GEMV keeps the packed path's order, the model's dot products do not
                assertArrayEquals(before[b].toArray(), got, 1e-5f, "batch " + batches[b]);
            }
        }
        // train the model: its predictions move, the snapshot's do not
        Optimizer opt = new Adam(model.parameters(), 1e-2f).on(model.kernels());
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        Tensor y = Tensor.zeros(64, 1);
        for (int i = 0; i < 64; i++) {
            y.setFlat(i, i % 10);
        }
        Sequential logits = model.logits();
        for (int step = 0; step < 5; step++) {
            opt.zeroGrad();
            loss.forward(model.kernels(), logits.forward(warm, Mode.TRAINING), y);
            logits.backward(loss.backward());
            opt.step();
        }
        Tensor x = inputs(batches[3], 13);
        assertFalse(java.util.Arrays.equals(before[3].toArray(), model.predict(x).toArray()), "the model trained");
        assertArrayEquals(before[3].toArray(), frozen.predict(x).toArray(), "the snapshot did not");
    }

    @Test
    void itGivesEveryRowTheSameBitsInAnyBatch() {
        // dense layers (packed), normalisations, activations, an identity residual; not maxout, whose
        // frozen copy keeps the per-call GEMM (its direct path for <= 4 rows sums in another order)
        Sequential model = Mlp.builder().input(30)
                .dense(40).batchNorm().activation(Activation.RELU)
                .residual(b -> b.dense(40, Activation.TANH).layerNorm())
                .prelu().dense(300, Activation.SWISH).dense(10).softmax().seed(5).build();
        Tensor warm = inputs(64, 1);
        for (int i = 0; i < 3; i++) {
            model.forward(warm, Mode.TRAINING);
        }
        Sequential frozen = model.frozen();
        Tensor x = inputs(200, 21);
        float[] whole = frozen.predict(x).toArray();
        int out = model.outputFeatures();
        for (int batch : new int[] {1, 2, 3, 4, 5, 64}) {
            int first = (batch * 37) % (200 - batch);
            float[] part = frozen.predict(x.rows(first, first + batch)).toArray();
            assertArrayEquals(java.util.Arrays.copyOfRange(whole, first * out, (first + batch) * out), part,
                    "rows " + first + ".." + (first + batch - 1) + " on their own");
        }
    }

    @Test
    void itSharesNoTensorWithItsModelAndCannotBeTrained() {
        Sequential model = everyLayerKind();
        Sequential frozen = model.frozen();
        Map<float[], Boolean> mine = new IdentityHashMap<>();
        for (Parameter p : model.parameters()) {
            mine.put(p.value().data(), true);
        }
        model.buffers().values().forEach(t -> mine.put(t.data(), true));
        for (Parameter p : frozen.parameters()) {
            assertFalse(mine.containsKey(p.value().data()), p + " is shared");
        }
        frozen.buffers().values().forEach(t -> assertFalse(mine.containsKey(t.data()), "a buffer is shared"));
        assertTrue(frozen.parameterCount() < model.parameterCount(), "dense layers keep no parameters");
        assertTrue(frozen.toString().contains("Dense(30 -> 40, identity, frozen)"), frozen.toString());
        String m = assertThrows(IllegalStateException.class, () -> frozen.forward(inputs(4, 2), Mode.TRAINING)).getMessage();
        assertEquals("Dense(30 -> 40, identity, frozen) is part of a frozen model, which predicts only: train the model it "
                + "was frozen from", m);
        assertEquals(model.outputFeatures(), frozen.outputFeatures());
    }
}
