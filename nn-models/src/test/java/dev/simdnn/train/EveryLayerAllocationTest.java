package dev.simdnn.train;

import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Mode;
import dev.simdnn.loss.Loss;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Adam;
import dev.simdnn.optim.Optimizer;
import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

/**
 * A training step through every layer kind of the toolkit allocates nothing once compiled (see
 * {@link SteadyStateAllocationTest}); in a class of its own, so in a JVM of its own.
 */
@org.junit.jupiter.api.Tag("allocation")
class EveryLayerAllocationTest {

    /** Every layer kind of the toolkit, label smoothing, an elastic-net penalty, and an inference batch, also frozen. */
    @Test
    void trainingStepThroughEveryLayerKind() {
        Kernels k = dev.simdnn.backend.KernelsProvider.best();
        Sequential model = Mlp.builder().input(64)
                .dense(48).batchNorm().activation(Activation.RELU)
                .residual(b -> b.dense(48, Activation.TANH).layerNorm())
                .residual(b -> b.dense(24, Activation.SWISH))
                .prelu().maxout(16, 3).dropout(0.1f).dense(10)
                .seed(3).kernels(k).build();
        Optimizer opt = new Adam(model.parameters(), 1e-3f).on(model.kernels());
        opt.on(k);
        Loss loss = new SoftmaxCrossEntropy(0.1f);
        dev.simdnn.optim.Penalty penalty = dev.simdnn.optim.Penalty.elasticNet(1e-5f, 1e-4f);
        Sequential withSoftmax = new Sequential(64, java.util.List.of(model, new dev.simdnn.nn.Softmax(10)), k);
        Sequential frozen = withSoftmax.frozen(); // packed weights, every layer kind
        SplittableRandom rng = new SplittableRandom(1);
        Tensor x = Tensor.zeros(40, 64);
        Tensor y = Tensor.zeros(40, 1);
        for (int i = 0; i < x.size(); i++) {
            x.setFlat(i, (float) rng.nextDouble(-1, 1));
        }
        for (int i = 0; i < 40; i++) {
            y.setFlat(i, rng.nextInt(10));
        }
        SteadyStateAllocationTest.assertStepAllocatesNothing(k.name() + " every layer kind", () -> {
            opt.zeroGrad();
            Tensor out = model.forward(x, Mode.TRAINING);
            loss.forward(k, out, y);
            model.backward(loss.backward());
            penalty.apply(k, opt.parameters()); // the list the optimizer keeps: Sequential.parameters() builds a new one
            opt.step();
            withSoftmax.forward(x, Mode.INFERENCE);
            frozen.forward(x, Mode.INFERENCE);
        });
    }


    /** A CNN's training step (convolution, pooling of every kind, flatten) and its frozen inference. */
    @Test
    void aConvolutionalTrainingStep() {
        Kernels k = dev.simdnn.backend.KernelsProvider.best();
        Sequential cnn = Mlp.builder().input(2, 10, 9).conv2d(6, 3, 1, 1).batchNorm().relu().maxPool(2).conv2d(5, 2, 1, 0)
                .avgPool(2, 1, 1).globalAvgPool().flatten().dense(4).seed(4).kernels(k).build();
        Optimizer opt = new Adam(cnn.parameters(), 1e-3f).on(k);
        Loss loss = new SoftmaxCrossEntropy();
        Sequential frozen = cnn.frozen();
        SplittableRandom rng = new SplittableRandom(2);
        Tensor x = Tensor.zeros(16, 180);
        Tensor y = Tensor.zeros(16, 1);
        for (int i = 0; i < x.size(); i++) {
            x.setFlat(i, (float) rng.nextDouble(-1, 1));
        }
        for (int i = 0; i < 16; i++) {
            y.setFlat(i, rng.nextInt(4));
        }
        SteadyStateAllocationTest.assertStepAllocatesNothing(k.name() + " cnn", () -> {
            opt.zeroGrad();
            Tensor out = cnn.forward(x, Mode.TRAINING);
            loss.forward(k, out, y);
            cnn.backward(loss.backward());
            opt.step();
            frozen.forward(x, Mode.INFERENCE);
        });
    }

    /** A training step through every recurrent cell (backpropagation through time), and its frozen inference. */
    @Test
    void aRecurrentTrainingStep() {
        Kernels k = dev.simdnn.backend.KernelsProvider.best();
        Sequential seq = Mlp.builder().inputSequence(6, 4).lstm(8).gru(6, 2).recurrent(dev.simdnn.nn.Recurrent.Cell.LSTM, 3, 1, true).rnn(5, false).rnn(4, true).last().dense(3)
                .seed(5).kernels(k).build();
        Optimizer opt = new Adam(seq.parameters(), 1e-3f).on(k);
        Loss loss = new SoftmaxCrossEntropy();
        Sequential frozen = seq.frozen();
        SplittableRandom rng = new SplittableRandom(3);
        Tensor x = Tensor.zeros(16, 24);
        Tensor y = Tensor.zeros(16, 1);
        for (int i = 0; i < x.size(); i++) {
            x.setFlat(i, (float) rng.nextDouble(-1, 1));
        }
        for (int i = 0; i < 16; i++) {
            y.setFlat(i, rng.nextInt(3));
        }
        SteadyStateAllocationTest.assertStepAllocatesNothing(k.name() + " recurrent", () -> {
            opt.zeroGrad();
            Tensor out = seq.forward(x, Mode.TRAINING);
            loss.forward(k, out, y);
            seq.backward(loss.backward());
            opt.step();
            frozen.forward(x, Mode.INFERENCE);
        });
    }
}
