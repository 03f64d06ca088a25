package dev.simdnn;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.data.BundledData;
import dev.simdnn.data.Dataset;
import dev.simdnn.data.Split;
import dev.simdnn.data.Standardizer;
import dev.simdnn.init.Initializer;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.kernel.Window2d;
import dev.simdnn.layer.Mode;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.nn.Conv2d;
import dev.simdnn.nn.ImageShape;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Pool2d;
import dev.simdnn.nn.Sequential;
import dev.simdnn.optim.Adam;
import dev.simdnn.predict.Evaluation;
import dev.simdnn.tensor.Tensor;
import dev.simdnn.train.Trainer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static dev.simdnn.LayerGradientCheckTest.check;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 14, part 1 (convolution and pooling): worked examples, gradient checks in double, a trained CNN. */
class ConvolutionTest {
    private static final Kernels K = KernelsProvider.best();

    @Test
    void theCoursesFormulaOnAThreeByThreeImageWithATwoByTwoKernel() {
        // Z[i,j] = Σ_m Σ_n X[i+m, j+n]·K[m,n], X = 1..9 row by row, K = [[1, 2], [3, 4]]:
        // Z[0,0] = 1·1 + 2·2 + 4·3 + 5·4 = 37, Z[0,1] = 2 + 6 + 15 + 24 = 47, Z[1,0] = 4 + 10 + 21 + 32 = 67, Z[1,1] = 77
        Conv2d conv = new Conv2d(Window2d.square(1, 3, 3, 2, 1, 0), 1, true, Initializer.zeros(), new SplittableRandom(1));
        conv.weight().value().copyFrom(new float[] {1, 2, 3, 4});
        conv.bias().value().copyFrom(new float[] {0.5f});
        Tensor z = conv.forward(K, Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 9), Mode.TRAINING);
        assertArrayEquals(new float[] {37.5f, 47.5f, 67.5f, 77.5f}, z.toArray());
        // backward of dL/dZ = 1 everywhere: dK[m,n] = Σ X[i+m, j+n] (the four 2×2 windows summed), db = 4,
        // dX[y,x] = Σ over the windows covering (y,x) of K at that position
        Tensor dx = conv.backward(K, Tensor.of(new float[] {1, 1, 1, 1}, 1, 4), true);
        assertArrayEquals(new float[] {1 + 2 + 4 + 5, 2 + 3 + 5 + 6, 4 + 5 + 7 + 8, 5 + 6 + 8 + 9}, conv.weight().grad().toArray());
        assertArrayEquals(new float[] {4}, conv.bias().grad().toArray());
        assertArrayEquals(new float[] {1, 1 + 2, 2, 1 + 3, 1 + 2 + 3 + 4, 2 + 4, 3, 3 + 4, 4}, dx.toArray());
    }

    @Test
    void maxPoolingSendsTheGradientToTheFirstLargestAndAveragePoolingSpreadsIt() {
        float[] x = {
                1, 3, 2, 2,
                4, 2, 2, 1,
                0, 0, 5, 6,
                1, 0, 7, 6};
        Pool2d max = Pool2d.max(new ImageShape(1, 4, 4), 2, 2, 0);
        assertArrayEquals(new float[] {4, 2, 1, 7}, max.forward(K, Tensor.of(x, 1, 16), Mode.TRAINING).toArray());
        float[] dx = max.backward(K, Tensor.of(new float[] {10, 20, 30, 40}, 1, 4), true).toArray();
        // the top-right window holds 2, 2, 2, 1: the first 2 (row 0, column 2) wins
        assertArrayEquals(new float[] {
                0, 0, 20, 0,
                10, 0, 0, 0,
                0, 0, 0, 0,
                30, 0, 40, 0}, dx);
        Pool2d avg = Pool2d.avg(new ImageShape(1, 4, 4), 2, 2, 0);
        assertArrayEquals(new float[] {2.5f, 1.75f, 0.25f, 6f}, avg.forward(K, Tensor.of(x, 1, 16), Mode.TRAINING).toArray());
        float[] da = avg.backward(K, Tensor.of(new float[] {4, 8, 12, 16}, 1, 4), true).toArray();
        assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}, da);
    }

    /** A direct double convolution: {@code p[0]} the weight [O, C, kh, kw], {@code p[1]} the bias. */
    private static double[] convRef(double[] x, double[][] p, int images, Window2d w, int out) {
        int oh = w.outHeight(), ow = w.outWidth();
        double[] y = new double[images * out * oh * ow];
        for (int n = 0; n < images; n++) {
            for (int o = 0; o < out; o++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double s = p.length > 1 ? p[1][o] : 0;
                        for (int c = 0; c < w.channels(); c++) {
                            for (int i = 0; i < w.kh(); i++) {
                                for (int j = 0; j < w.kw(); j++) {
                                    int yy = oy * w.strideH() - w.padH() + i * w.dilationH();
                                    int xx = ox * w.strideW() - w.padW() + j * w.dilationW();
                                    if (yy >= 0 && yy < w.height() && xx >= 0 && xx < w.width()) {
                                        s += x[((n * w.channels() + c) * w.height() + yy) * w.width() + xx]
                                                * p[0][((o * w.channels() + c) * w.kh() + i) * w.kw() + j];
                                    }
                                }
                            }
                        }
                        y[((n * out + o) * oh + oy) * ow + ox] = s;
                    }
                }
            }
        }
        return y;
    }

    @Test
    void convolutionGradientsMatchCentralDifferences() {
        SplittableRandom rng = new SplittableRandom(7);
        // odd sizes, strides, padding, dilation, a rectangular kernel, several channels, with and without bias
        List<Window2d> windows = List.of(
                Window2d.square(2, 5, 6, 3, 1, 1),
                new Window2d(3, 7, 5, 2, 3, 2, 1, 1, 0, 1, 1),
                new Window2d(1, 6, 6, 3, 3, 1, 2, 0, 2, 2, 1),
                Window2d.square(2, 4, 4, 1, 1, 0),
                Window2d.square(3, 11, 10, 7, 3, 2),        // 7×7, stride 3
                Window2d.square(17, 5, 5, 1, 2, 0));        // 1×1 over 17 channels, stride 2
        int seed = 30;
        for (Window2d w : windows) {
            for (boolean bias : new boolean[] {true, false}) {
                int out = 3, images = 2;
                Conv2d conv = new Conv2d(w, out, bias, Initializer.heUniform(), rng);
                if (bias) {
                    float[] b = {0.3f, -0.2f, 0.1f};
                    conv.bias().value().copyFrom(b);
                }
                int in = w.channels() * w.pixels();
                check("conv " + w + (bias ? "" : " no bias"), conv, images, in, out * w.outPixels(), 1.5, w.patch(),
                        (x, p) -> convRef(x, p, images, w, out), seed++);
            }
        }
    }

    @Test
    void poolingGradientsMatchCentralDifferences() {
        ImageShape img = new ImageShape(2, 5, 7);
        // max pooling: random inputs have no ties, and the finite-difference step moves no maximum
        check("max pool 2/2", Pool2d.max(img, 2, 2, 0), 3, img.features(), 2 * 2 * 3, 2, 1,
                (x, p) -> poolRef(x, 3, Window2d.square(2, 5, 7, 2, 2, 0), true), 40);
        check("max pool 3/2 pad 1", Pool2d.max(img, 3, 2, 1), 2, img.features(), 2 * 3 * 4, 2, 1,
                (x, p) -> poolRef(x, 2, Window2d.square(2, 5, 7, 3, 2, 1), true), 41);
        check("avg pool 3/1 pad 1", Pool2d.avg(img, 3, 1, 1), 2, img.features(), 2 * 5 * 7, 2, 9,
                (x, p) -> poolRef(x, 2, Window2d.square(2, 5, 7, 3, 1, 1), false), 42);
        check("global avg pool", Pool2d.globalAvg(img), 3, img.features(), 2, 2, 35,
                (x, p) -> poolRef(x, 3, new Window2d(2, 5, 7, 5, 7, 1, 1, 0, 0, 1, 1), false), 43);
    }

    @Test
    void channelBatchNormGradientsMatchCentralDifferences() {
        ImageShape img = new ImageShape(3, 4, 5);
        int images = 2, pixels = 20, channels = 3;
        dev.simdnn.nn.BatchNorm2d bn = new dev.simdnn.nn.BatchNorm2d(img);
        bn.perChannel().gamma().value().copyFrom(new float[] {1.5f, 0.5f, -1f});
        bn.perChannel().beta().value().copyFrom(new float[] {0.2f, -0.1f, 0.3f});
        // training mode: per channel, mean and biased variance over the 2·20 values of the batch
        check("batch norm 2d", bn, images, img.features(), img.features(), 2, 1, (x, p) -> {
            double[] y = new double[x.length];
            for (int c = 0; c < channels; c++) {
                double mean = 0, var = 0;
                for (int n = 0; n < images; n++) {
                    for (int q = 0; q < pixels; q++) {
                        mean += x[(n * channels + c) * pixels + q];
                    }
                }
                mean /= images * pixels;
                for (int n = 0; n < images; n++) {
                    for (int q = 0; q < pixels; q++) {
                        double d = x[(n * channels + c) * pixels + q] - mean;
                        var += d * d;
                    }
                }
                var /= images * pixels;
                for (int n = 0; n < images; n++) {
                    for (int q = 0; q < pixels; q++) {
                        int i = (n * channels + c) * pixels + q;
                        y[i] = (x[i] - mean) / Math.sqrt(var + 1e-5) * p[0][c] + p[1][c];
                    }
                }
            }
            return y;
        }, 44);
    }

    private static double[] poolRef(double[] x, int images, Window2d w, boolean max) {
        int oh = w.outHeight(), ow = w.outWidth();
        double[] y = new double[images * w.channels() * oh * ow];
        int o = 0;
        for (int nc = 0; nc < images * w.channels(); nc++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    for (int i = 0; i < w.kh(); i++) {
                        for (int j = 0; j < w.kw(); j++) {
                            int yy = oy * w.strideH() - w.padH() + i, xx = ox * w.strideW() - w.padW() + j;
                            if (yy >= 0 && yy < w.height() && xx >= 0 && xx < w.width()) {
                                double v = x[nc * w.pixels() + yy * w.width() + xx];
                                acc = max ? Math.max(acc, v) : acc + v;
                            }
                        }
                    }
                    y[o++] = max ? acc : acc / (w.kh() * w.kw());
                }
            }
        }
        return y;
    }

    @Test
    void theBuilderChecksShapesAndNamesTheLayer() {
        Sequential cnn = Mlp.builder().input(1, 8, 8).conv2d(4, 3, 1, 1).relu().maxPool(2).conv2d(6, 3).relu()
                .globalAvgPool().flatten().dense(3).seed(2).build();
        assertEquals(64, cnn.inputFeatures());
        assertEquals(3, cnn.outputFeatures());
        // torch's numbering: Conv2d 0, ReLU 1, MaxPool2d 2, Conv2d 3, ReLU 4, AdaptiveAvgPool2d 5, Flatten 6, Linear 7
        assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias"),
                List.copyOf(cnn.namedParameters().keySet()));
        assertEquals(List.of(6, 4, 3, 3), List.of(cnn.namedParameters().get("3.weight").value().shape().dims()[0],
                cnn.namedParameters().get("3.weight").value().shape().dims()[1], cnn.namedParameters().get("3.weight").value().shape().dims()[2],
                cnn.namedParameters().get("3.weight").value().shape().dims()[3]), "[out, in, kh, kw]");
        String flat = assertThrows(IllegalStateException.class,
                () -> Mlp.builder().input(64).conv2d(4, 3).build()).getMessage();
        assertEquals("layer 0: conv2d needs images: give the input as input(channels, height, width), and no flatten() or "
                + "dense layer before it", flat);
        String dense = assertThrows(IllegalStateException.class,
                () -> Mlp.builder().input(1, 8, 8).conv2d(4, 3).dense(3).build()).getMessage();
        assertEquals("layer 1: dense after an image layer (rows of 4x6x6 images): add flatten() first, as torch needs "
                + "nn.Flatten()", dense);
        String big = assertThrows(IllegalArgumentException.class,
                () -> Mlp.builder().input(1, 8, 8).conv2d(4, 3).maxPool(2).conv2d(2, 5).build()).getMessage();
        assertEquals("layer 2: a 5x5 window (dilation 1x1) does not fit a 3x3 image padded by 0x0", big);
        assertTrue(assertThrows(IllegalStateException.class, () -> Mlp.builder().input(2, 4, 4).conv2d(3, 3).layerNorm()
                .build()).getMessage().contains("a per-channel layerNorm for images is not built yet"));
        assertEquals("BatchNorm2d(3; 3x2x2)", Mlp.builder().input(2, 4, 4).conv2d(3, 3).batchNorm().build().layers().get(1)
                .toString(), "batchNorm() on images is per channel");
    }

    @Test
    void aSmallCnnLearnsTheDigitsAndItsFrozenSnapshotAgrees() {
        Split split = Split.stratified(BundledData.digits(), 0.2, 42); // 8×8 images, one channel
        Standardizer scaler = Standardizer.fit(split.train().features());
        Dataset train = scaler.transform(split.train());
        Dataset test = scaler.transform(split.test());
        Sequential cnn = Mlp.builder().input(1, 8, 8).conv2d(8, 3, 1, 1).relu().maxPool(2).flatten().dense(10)
                .seed(3).build();
        Trainer trainer = Trainer.builder(cnn, new SoftmaxCrossEntropy(), new Adam(cnn.parameters(), 3e-3f))
                .epochs(12).batchSize(32).seed(3).build();
        trainer.fit(train);
        Evaluation e = trainer.evaluate(test);
        assertTrue(e.accuracy() >= 0.95f, "test accuracy " + e.accuracy());
        Tensor x = test.features();
        assertArrayEquals(cnn.predict(x).toArray(), cnn.frozen().predict(x).toArray(), "frozen: the same bits");
    }

    @Test
    void aCnnRoundTripsThroughItsModelFileWithTorchNames(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        Sequential cnn = Mlp.builder().input(2, 9, 7).conv2d(4, 3, 3, 2, 1, 1, true, null).relu().maxPool(2, 2, 1)
                .conv2d(3, 2, 1, 1, 0, 2, false, null).batchNorm().avgPool(2, 1, 1).globalAvgPool().flatten().dense(5).seed(8)
                .build();
        java.nio.file.Path file = dir.resolve("cnn.simdnn");
        dev.simdnn.io.ModelFile.save(new dev.simdnn.io.SavedModel(cnn, null, List.of(), java.util.Map.of()), file);
        Sequential back = dev.simdnn.io.ModelFile.load(file, cnn.kernels()).model();
        assertEquals(cnn.toString(), back.toString());
        Tensor x = Tensor.zeros(3, 2 * 9 * 7);
        SplittableRandom rng = new SplittableRandom(9);
        for (int i = 0; i < x.size(); i++) {
            x.setFlat(i, (float) rng.nextGaussian());
        }
        assertArrayEquals(cnn.predict(x).toArray(), back.predict(x).toArray(), "bit-identical");
        // Conv2d 0, ReLU 1, MaxPool2d 2, Conv2d 3, BatchNorm2d 4, AvgPool2d 5, AdaptiveAvgPool2d 6, Flatten 7, Linear 8
        assertEquals(List.of("0.weight", "0.bias", "3.weight", "4.weight", "4.bias", "8.weight", "8.bias"),
                List.copyOf(back.namedParameters().keySet()));
        assertEquals(List.of("4.running_mean", "4.running_var", "4.num_batches_tracked"), List.copyOf(back.buffers().keySet()));
        // a spec whose images do not fit the width it receives is named
        String header = new String(java.nio.file.Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
        String edited = header.replace("\\\"in_channels\\\": 2", "\\\"in_channels\\\": 3");
        assertTrue(!edited.equals(header), "the edit changed the file");
        java.nio.file.Path bad = dir.resolve("bad.simdnn");
        java.nio.file.Files.write(bad, edited.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        String m = assertThrows(dev.simdnn.io.ModelFormatException.class, () -> dev.simdnn.io.ModelFile.load(bad)).getMessage();
        assertTrue(m.contains("architecture layer 0 takes 3x9x7 images (189 features) but receives 126 features"), m);
    }

    @Test
    void theSpecVocabularyBuildsWhatTheBuilderCallsBuild() {
        Sequential bySpec = Mlp.builder().input(1, 8, 8)
                .layers("conv2d(4,3,pad=1),batchnorm,relu,maxpool(2),conv2d(6,3,stride=2,pad=1,bias=false),tanh,avgpool(2,1,1),"
                        + "globalavgpool,flatten,dropout(0.1),dense(5,relu),dense(3)")
                .seed(4).build();
        Sequential byCalls = Mlp.builder().input(1, 8, 8).conv2d(4, 3, 1, 1).batchNorm().relu().maxPool(2)
                .conv2d(6, 3, 3, 2, 1, 1, false, null).activation(dev.simdnn.kernel.Activation.TANH).avgPool(2, 1, 1)
                .globalAvgPool().flatten().dropout(0.1f).dense(5, dev.simdnn.kernel.Activation.RELU).dense(3).seed(4).build();
        assertEquals(byCalls.toString(), bySpec.toString());
        Tensor x = Tensor.zeros(2, 64);
        x.fill(0.3f);
        assertArrayEquals(byCalls.predict(x).toArray(), bySpec.predict(x).toArray(), "the same weights from the same seed");
        assertEquals("layer 'conv2d(4)' needs kernel", assertThrows(IllegalArgumentException.class,
                () -> Mlp.builder().input(1, 8, 8).layers("conv2d(4)")).getMessage());
        assertEquals("layer 'dense(x)': units must be a whole number, got 'x'", assertThrows(IllegalArgumentException.class,
                () -> Mlp.builder().input(4).layers("dense(x)")).getMessage());
    }

    @Test
    void manyRowsArePredictedInChunksThatGiveTheSameRows() {
        Sequential cnn = Mlp.builder().input(1, 8, 8).conv2d(4, 3, 1, 1).relu().flatten().dense(3).seed(2).build();
        int rows = Sequential.PREDICT_CHUNK_ROWS * 2 + 37;
        Tensor x = Tensor.zeros(rows, 64);
        SplittableRandom rng = new SplittableRandom(4);
        for (int i = 0; i < x.size(); i++) {
            x.setFlat(i, (float) rng.nextGaussian());
        }
        float[] all = cnn.predict(x).toArray();
        for (int from = 0; from < rows; from += Sequential.PREDICT_CHUNK_ROWS) {
            int to = Math.min(rows, from + Sequential.PREDICT_CHUNK_ROWS);
            float[] part = cnn.predict(x.rows(from, to).copy()).toArray();
            assertArrayEquals(part, java.util.Arrays.copyOfRange(all, from * 3, to * 3), "rows " + from + ".." + to);
        }
        x.set(300, 5, Float.NaN);
        assertEquals("input row 300, column 5 is NaN; inputs must be finite",
                assertThrows(IllegalArgumentException.class, () -> cnn.predict(x)).getMessage(), "the caller's row");
    }
}
