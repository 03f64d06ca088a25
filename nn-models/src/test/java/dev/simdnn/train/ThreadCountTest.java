package dev.simdnn.train;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.loss.Loss;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Adam;
import dev.simdnn.optim.Optimizer;
import dev.simdnn.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A CNN and a recurrent network trained a few steps on the SIMD backend with 1, 2 and 3 GEMM threads:
 * the same weights, bit for bit (the batch is large enough that the products are split).
 */
class ThreadCountTest {

    private static List<float[]> train(Function<Kernels, Sequential> build, int in, int threads) {
        Kernels k = KernelsProvider.byName("simd", threads);
        Sequential m = build.apply(k);
        Optimizer opt = new Adam(m.parameters(), 1e-2f).on(k);
        Loss loss = new SoftmaxCrossEntropy();
        SplittableRandom rng = new SplittableRandom(4);
        Tensor x = Tensor.zeros(96, in);
        Tensor y = Tensor.zeros(96, 1);
        for (int i = 0; i < x.size(); i++) {
            x.setFlat(i, (float) rng.nextGaussian());
        }
        for (int i = 0; i < 96; i++) {
            y.setFlat(i, rng.nextInt(5));
        }
        for (int step = 0; step < 3; step++) {
            opt.zeroGrad();
            loss.forward(k, m.forward(k, x, Mode.TRAINING), y);
            m.backward(k, loss.backward(), false);
            opt.step();
        }
        List<float[]> w = new ArrayList<>();
        for (Parameter p : m.parameters()) {
            w.add(p.value().toArray());
        }
        return w;
    }

    private static void sameForAnyThreadCount(String what, Function<Kernels, Sequential> build, int in) {
        List<float[]> one = train(build, in, 1);
        for (int threads : new int[] {2, 3}) {
            List<float[]> many = train(build, in, threads);
            assertEquals(one.size(), many.size());
            for (int i = 0; i < one.size(); i++) {
                assertArrayEquals(one.get(i), many.get(i), what + ", " + threads + " threads, parameter " + i);
            }
        }
    }

    @Test
    void aCnnTrainsToTheSameBitsOnAnyThreadCount() {
        sameForAnyThreadCount("cnn", k -> Mlp.builder().kernels(k).seed(2).input(2, 14, 14)
                .layers("conv2d(8,3,pad=1),batchnorm,relu,maxpool(2),conv2d(6,3,stride=2),relu,avgpool(2),flatten,dense(5)")
                .build(), 2 * 14 * 14);
    }

    @Test
    void recurrentNetworksTrainToTheSameBitsOnAnyThreadCount() {
        sameForAnyThreadCount("recurrent", k -> Mlp.builder().kernels(k).seed(3).inputSequence(7, 9)
                .layers("lstm(40),gru(24,layers=2,bidirectional=true),rnn(16,relu),last,dense(5)").build(), 7 * 9);
    }
}
