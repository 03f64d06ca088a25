package dev.simdnn.nn;

import dev.simdnn.kernel.Activation;
import dev.simdnn.layer.Mode;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.optim.Optimizer;
import dev.simdnn.optim.Sgd;
import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Issue 11, cases 10 and 11: predicting while a model with dropout trains used to change the
 * trained weights (the session shared the Dropout layer, whose inference forward cleared the mask
 * backward needs), and a long-lived thread that predicted kept every model it served reachable.
 */
class PredictDuringTrainingTest {

    private static Sequential model() {
        return Mlp.builder().input(6).dense(16, Activation.RELU).dropout(0.5f).dense(3).seed(5).build();
    }

    private static Tensor inputs() {
        SplittableRandom rng = new SplittableRandom(9);
        float[][] x = new float[8][6];
        for (float[] row : x) {
            for (int j = 0; j < 6; j++) {
                row[j] = (float) rng.nextGaussian();
            }
        }
        return Tensor.ofRows(x);
    }

    /** Three training steps; with {@code predictInBetween}, a prediction between each forward and backward. */
    private static float[] train(boolean predictInBetween) {
        Sequential m = model();
        Optimizer opt = new Sgd(m.parameters(), 0.1f).on(m.kernels());
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        Tensor x = inputs();
        Tensor y = Tensor.of(new float[] {0, 1, 2, 0, 1, 2, 0, 1}, 8, 1);
        for (int step = 0; step < 3; step++) {
            opt.zeroGrad();
            Tensor out = m.forward(x, Mode.TRAINING);
            loss.forward(m.kernels(), out, y);
            if (predictInBetween) {
                m.predict(x);               // another thread serving, in effect
                m.newSession().predict(x);  // or a session of its own
            }
            m.backward(loss.backward());
            opt.step();
        }
        return m.namedParameters().get("0.weight").value().toArray();
    }

    @Test
    void predictingBetweenForwardAndBackwardDoesNotChangeTraining() {
        assertArrayEquals(train(false), train(true), 0f, "the trained weights are the same to the bit");
    }

    @Test
    void aThreadThatPredictedDoesNotKeepTheModelAlive() throws InterruptedException {
        WeakReference<Sequential> ref = servedAndDropped();
        for (int i = 0; i < 50 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertNull(ref.get(), "the model was collected after the last reference to it went");
    }

    private static WeakReference<Sequential> servedAndDropped() {
        Sequential m = model();
        m.predict(new float[6]);         // on this long-lived (test) thread
        m.predict(inputs());
        return new WeakReference<>(m);
    }
}
