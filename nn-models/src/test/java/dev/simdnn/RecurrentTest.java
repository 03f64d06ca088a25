package dev.simdnn;

import dev.simdnn.backend.KernelsProvider;
import dev.simdnn.data.BundledData;
import dev.simdnn.data.Dataset;
import dev.simdnn.data.Split;
import dev.simdnn.data.Standardizer;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Mode;
import dev.simdnn.loss.SoftmaxCrossEntropy;
import dev.simdnn.nn.Mlp;
import dev.simdnn.nn.Recurrent;
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

/** Issue 14, part 2 (recurrence): a worked LSTM step, backpropagation through time against central differences, training. */
class RecurrentTest {
    private static final Kernels K = KernelsProvider.best();

    private static double sig(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /**
     * torch's equations in double over {@code [batch, steps, features]}; {@code p} = weight_ih
     * [G·H, F], weight_hh [G·H, H], bias_ih, bias_hh. Returns every hidden state.
     */
    static double[] reference(Recurrent.Cell cell, double[] x, double[][] p, int n, int steps, int f, int h) {
        int g = switch (cell) {
            case LSTM -> 4;
            case GRU -> 3;
            default -> 1;
        };
        double[] y = new double[n * steps * h];
        for (int b = 0; b < n; b++) {
            double[] hs = new double[h];
            double[] cs = new double[h];
            for (int t = 0; t < steps; t++) {
                double[] ih = new double[g * h];
                double[] hh = new double[g * h];
                for (int r = 0; r < g * h; r++) {
                    ih[r] = p[2][r];
                    hh[r] = p[3][r];
                    for (int c = 0; c < f; c++) {
                        ih[r] += p[0][r * f + c] * x[(b * steps + t) * f + c];
                    }
                    for (int c = 0; c < h; c++) {
                        hh[r] += p[1][r * h + c] * hs[c];
                    }
                }
                double[] next = new double[h];
                for (int j = 0; j < h; j++) {
                    switch (cell) {
                        case RNN_TANH -> next[j] = Math.tanh(ih[j] + hh[j]);
                        case RNN_RELU -> next[j] = Math.max(0, ih[j] + hh[j]);
                        case LSTM -> {
                            double i = sig(ih[j] + hh[j]), fg = sig(ih[h + j] + hh[h + j]);
                            double gg = Math.tanh(ih[2 * h + j] + hh[2 * h + j]), o = sig(ih[3 * h + j] + hh[3 * h + j]);
                            cs[j] = fg * cs[j] + i * gg;
                            next[j] = o * Math.tanh(cs[j]);
                        }
                        case GRU -> {
                            double r = sig(ih[j] + hh[j]), z = sig(ih[h + j] + hh[h + j]);
                            double nn = Math.tanh(ih[2 * h + j] + r * hh[2 * h + j]);
                            next[j] = (1 - z) * nn + z * hs[j];
                        }
                    }
                }
                hs = next;
                System.arraycopy(hs, 0, y, (b * steps + t) * h, h);
            }
        }
        return y;
    }

    @Test
    void oneLstmStepWorkedByHand() {
        // one input, one unit, W_hh = 0, no biases, x = 1: i = σ(0) = ½, f = σ(0) = ½, g = tanh(ln(3)/2) = ½, o = σ(0) = ½;
        // c = f·0 + i·g = ¼, h = o·tanh(¼) = ½·0.24491866 = 0.12245933
        Recurrent lstm = new Recurrent(Recurrent.Cell.LSTM, 1, 1, 1, new SplittableRandom(1));
        lstm.parameters().forEach(p -> p.value().fill(0f));
        lstm.parameters().get(0).value().copyFrom(new float[] {0, 0, (float) (Math.log(3) / 2), 0});
        float h = lstm.forward(K, Tensor.of(new float[] {1}, 1, 1), Mode.TRAINING).getFlat(0);
        assertEquals(0.12245933, h, 1e-7);
        // ∂h/∂(pre-activations): do = tanh(c)·o(1−o) = 0.0612297; dc = o·(1 − tanh²c) = 0.4700074;
        // di = dc·g·i(1−i) = 0.0587509, df = dc·c'·… = 0, dg = dc·i·(1 − g²) = 0.1762528; dW_ih = those times x = 1
        lstm.backward(K, Tensor.of(new float[] {1}, 1, 1), false);
        float[] dw = lstm.parameters().get(0).grad().toArray();
        assertEquals(0.0587509, dw[0], 1e-6);
        assertEquals(0, dw[1], 1e-7);
        assertEquals(0.1762528, dw[2], 1e-6);
        assertEquals(0.0612297, dw[3], 1e-6);
    }

    @Test
    void backpropagationThroughTimeMatchesCentralDifferences() {
        int n = 2, steps = 3, f = 3, h = 4;
        long seed = 50;
        for (Recurrent.Cell cell : Recurrent.Cell.values()) {
            Recurrent layer = new Recurrent(cell, f, h, steps, new SplittableRandom(seed));
            check(cell.toString(), layer, n, steps * f, steps * h, 1.5, h, (x, p) -> reference(cell, x, p, n, steps, f, h),
                    seed++);
        }
    }

    @Test
    void theBuilderNamesAndShapesAsTorch() {
        Sequential m = Mlp.builder().inputSequence(5, 3).lstm(8).gru(6).last().dense(2).seed(1).build();
        // nn.LSTM 0, nn.GRU 1, (output[:, -1] is no module), nn.Linear 2
        assertEquals(List.of("0.weight_ih_l0", "0.weight_hh_l0", "0.bias_ih_l0", "0.bias_hh_l0", "1.weight_ih_l0",
                "1.weight_hh_l0", "1.bias_ih_l0", "1.bias_hh_l0", "2.weight", "2.bias"), List.copyOf(m.namedParameters().keySet()));
        assertEquals(List.of(32, 3), List.of(m.namedParameters().get("0.weight_ih_l0").value().shape().dims()[0],
                m.namedParameters().get("0.weight_ih_l0").value().shape().dims()[1]), "[4·H, F]");
        assertEquals(15, m.inputFeatures());
        assertEquals("recurrent layers need sequences: give the input as inputSequence(steps, features)",
                assertThrows(IllegalStateException.class, () -> Mlp.builder().input(8).lstm(4)).getMessage());
        Tensor x = Tensor.zeros(5, 15); // past 4 rows: the frozen dense layer then sums as the model's does
        x.fill(0.5f);
        assertArrayEquals(m.predict(x).toArray(), m.frozen().predict(x).toArray(), "frozen: the same bits");
    }

    @Test
    void anLstmReadsTheDigitsRowByRow() {
        // "sequential digits": each 8×8 image as 8 steps of 8 pixels
        Split split = Split.stratified(BundledData.digits(), 0.2, 42);
        Standardizer scaler = Standardizer.fit(split.train().features());
        Dataset train = scaler.transform(split.train());
        Dataset test = scaler.transform(split.test());
        Sequential m = Mlp.builder().inputSequence(8, 8).lstm(32).last().dense(10).seed(5).build();
        Trainer trainer = Trainer.builder(m, new SoftmaxCrossEntropy(), new Adam(m.parameters(), 1e-2f))
                .epochs(15).batchSize(32).seed(5).build();
        trainer.fit(train);
        Evaluation e = trainer.evaluate(test);
        assertTrue(e.accuracy() >= 0.90f, "test accuracy " + e.accuracy());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"lstm", "gru", "rnn_tanh", "rnn_relu"})
    void torchsOwnRecurrentLayersGiveTheSameStates(String name, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        // nn.LSTM / nn.GRU / nn.RNN(3, 4, batch_first=True) of PyTorch 1.13 (make-torch-fixtures.py): weights loaded strictly
        Mlp.Builder b = Mlp.builder().inputSequence(5, 3);
        Sequential m = (switch (name) {
            case "lstm" -> b.lstm(4);
            case "gru" -> b.gru(4);
            default -> b.rnn(4, name.equals("rnn_relu"));
        }).build();
        m.loadStateDict(dev.simdnn.io.Safetensors.read(dev.simdnn.onnx.OnnxImportTest.resource(dir, "torch_" + name + ".safetensors")));
        dev.simdnn.onnx.OnnxImportTest.assertReproducesTorch(dir, m, "torch_" + name + "_io.json", "outputs");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"lstm2", "gru2", "lstm_bi", "gru2_bi"})
    void torchsStackedRecurrentLayersGiveTheSameStates(String name, @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        // nn.LSTM / nn.GRU(3, 4, num_layers=2 and/or bidirectional=True, batch_first=True): one module,
        // weight_ih_l0 … bias_hh_l1, and weight_ih_l0_reverse … when read both ways
        boolean bi = name.endsWith("_bi");
        int layers = name.contains("2") ? 2 : 1;
        Sequential m = Mlp.builder().inputSequence(5, 3).recurrent(name.startsWith("lstm") ? Recurrent.Cell.LSTM
                : Recurrent.Cell.GRU, 4, layers, bi).build();
        List<String> names = new java.util.ArrayList<>();
        for (int l = 0; l < layers; l++) {
            for (String dir2 : bi ? List.of("", "_reverse") : List.of("")) {
                for (String p : List.of("weight_ih", "weight_hh", "bias_ih", "bias_hh")) {
                    names.add("0." + p + "_l" + l + dir2);
                }
            }
        }
        assertEquals(names, List.copyOf(m.namedParameters().keySet()));
        assertEquals(5 * (bi ? 8 : 4), m.outputFeatures());
        m.loadStateDict(dev.simdnn.io.Safetensors.read(dev.simdnn.onnx.OnnxImportTest.resource(dir, "torch_" + name + ".safetensors")));
        dev.simdnn.onnx.OnnxImportTest.assertReproducesTorch(dir, m, "torch_" + name + "_io.json", "outputs");
    }

    /** Both directions by central differences in double: torch's equations forward and on the reversed sequence. */
    @Test
    void aBidirectionalLayerMatchesCentralDifferences() {
        int n = 2, steps = 3, f = 3, h = 4;
        long seed = 70;
        for (Recurrent.Cell cell : Recurrent.Cell.values()) {
            dev.simdnn.nn.BidirectionalRecurrent layer = new dev.simdnn.nn.BidirectionalRecurrent(cell, f, h, steps,
                    new SplittableRandom(seed));
            check(cell + " bidirectional", layer, n, steps * f, steps * 2 * h, 1.5, h, (x, p) -> {
                double[] fwd = reference(cell, x, java.util.Arrays.copyOfRange(p, 0, 4), n, steps, f, h);
                double[] xr = new double[x.length];
                for (int r = 0; r < n; r++) {
                    for (int t = 0; t < steps; t++) {
                        System.arraycopy(x, (r * steps + t) * f, xr, (r * steps + steps - 1 - t) * f, f);
                    }
                }
                double[] bwd = reference(cell, xr, java.util.Arrays.copyOfRange(p, 4, 8), n, steps, f, h);
                double[] y = new double[n * steps * 2 * h];
                for (int r = 0; r < n; r++) {
                    for (int t = 0; t < steps; t++) {
                        System.arraycopy(fwd, (r * steps + t) * h, y, (r * steps + t) * 2 * h, h);
                        System.arraycopy(bwd, (r * steps + steps - 1 - t) * h, y, (r * steps + t) * 2 * h + h, h);
                    }
                }
                return y;
            }, seed++);
        }
    }

    /** A stack computes what its levels one after the other compute, forward and backward, bit for bit. */
    @Test
    void aStackIsItsLevelsInSequence() {
        int n = 3, steps = 4, f = 3, h = 5;
        for (Recurrent.Cell cell : Recurrent.Cell.values()) {
            dev.simdnn.nn.StackedRecurrent stack = new dev.simdnn.nn.StackedRecurrent(cell, f, h, steps, 3,
                    new SplittableRandom(7));
            List<Recurrent> levels = stack.levels().stream().map(l -> (Recurrent) l).toList();
            assertEquals(List.of(f, h, h), levels.stream().map(Recurrent::inputFeatures).toList());
            Sequential chain = new Sequential(steps * f, List.of(copy(levels.get(0)), copy(levels.get(1)), copy(levels.get(2))), K);
            SplittableRandom rng = new SplittableRandom(8);
            Tensor x = Tensor.zeros(n, steps * f);
            Tensor g = Tensor.zeros(n, steps * h);
            for (Tensor t : List.of(x, g)) {
                for (int i = 0; i < t.size(); i++) {
                    t.setFlat(i, (float) rng.nextGaussian());
                }
            }
            assertArrayEquals(chain.forward(K, x, Mode.TRAINING).toArray(), stack.forward(K, x, Mode.TRAINING).toArray(),
                    cell + " forward");
            assertArrayEquals(chain.backward(K, g, true).toArray(), stack.backward(K, g, true).toArray(), cell + " dx");
            List<dev.simdnn.layer.Parameter> a = chain.parameters();
            List<dev.simdnn.layer.Parameter> b = stack.parameters();
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(a.get(i).grad().toArray(), b.get(i).grad().toArray(), cell + " " + b.get(i).name());
            }
            assertTrue(stack.toString().endsWith(", 3 layers)"), stack.toString());
        }
        assertThrows(IllegalArgumentException.class, () -> new dev.simdnn.nn.StackedRecurrent(Recurrent.Cell.LSTM, 3, 4, 5, 1,
                new SplittableRandom(1)));
    }

    /** A level's twin: the same weights in a layer of its own (level 0's names; the numbers are what count). */
    private static Recurrent copy(Recurrent level) {
        Recurrent r = new Recurrent(level.cell(), level.inputFeatures(), level.hiddenUnits(), level.steps(),
                new SplittableRandom(0));
        for (int i = 0; i < 4; i++) {
            r.parameters().get(i).value().copyFrom(level.parameters().get(i).value());
        }
        return r;
    }

    @Test
    void aStackedModelRoundTripsThroughItsModelFileAndTheArchVocabulary(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        Sequential m = Mlp.builder().inputSequence(4, 3).layers("lstm(6,layers=2),gru(5,layers=3,bidirectional=true),"
                + "rnn(4,relu,layers=2),lstm(3,bidirectional=true),last,dense(2)").seed(6).build();
        assertEquals(6, m.layers().size(), "four recurrent modules, last, dense");
        assertEquals(2, m.outputFeatures());
        assertTrue(m.namedParameters().containsKey("3.weight_ih_l0_reverse"), "the last LSTM read both ways");
        assertEquals(List.of(15, 10), List.of(m.namedParameters().get("1.weight_ih_l1_reverse").value().shape().dims()[0],
                m.namedParameters().get("1.weight_ih_l1_reverse").value().shape().dims()[1]), "[3·H, 2·H] above a bidirectional level");
        java.nio.file.Path file = dir.resolve("stack.simdnn");
        dev.simdnn.io.ModelFile.save(new dev.simdnn.io.SavedModel(m, null, List.of(), java.util.Map.of()), file);
        Sequential back = dev.simdnn.io.ModelFile.load(file, m.kernels()).model();
        assertEquals(m.toString(), back.toString());
        assertEquals(List.copyOf(m.namedParameters().keySet()), List.copyOf(back.namedParameters().keySet()));
        Tensor x = Tensor.zeros(5, 12); // past 4 rows: see above
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < x.size(); i++) {
            x.setFlat(i, (float) rng.nextGaussian());
        }
        assertArrayEquals(m.predict(x).toArray(), back.predict(x).toArray(), "bit-identical");
        assertArrayEquals(m.predict(x).toArray(), m.frozen().predict(x).toArray(), "frozen: the same bits");
        assertTrue(m.namedParameters().containsKey("1.weight_hh_l2"), "the GRU stack's third level");
    }

    @Test
    void aSequenceModelRoundTripsThroughItsModelFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        Sequential m = Mlp.builder().inputSequence(4, 3).rnn(5, false).lstm(6).gru(4).rnn(3, true).last().dense(2).seed(6).build();
        java.nio.file.Path file = dir.resolve("seq.simdnn");
        dev.simdnn.io.ModelFile.save(new dev.simdnn.io.SavedModel(m, null, List.of(), java.util.Map.of()), file);
        Sequential back = dev.simdnn.io.ModelFile.load(file, m.kernels()).model();
        assertEquals(m.toString(), back.toString());
        Tensor x = Tensor.zeros(3, 12);
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < x.size(); i++) {
            x.setFlat(i, (float) rng.nextGaussian());
        }
        assertArrayEquals(m.predict(x).toArray(), back.predict(x).toArray(), "bit-identical");
    }

    /** ‖∂(Σ last state)/∂x_t‖ for every step t of one random sequence of {@code steps} steps. */
    private static double[] gradientNorms(Recurrent.Cell cell, int steps, long seed) {
        int f = 4, h = 16;
        Recurrent layer = new Recurrent(cell, f, h, steps, new SplittableRandom(seed));
        dev.simdnn.nn.LastStep last = new dev.simdnn.nn.LastStep(steps, h);
        SplittableRandom rng = new SplittableRandom(seed + 1);
        Tensor x = Tensor.zeros(1, steps * f);
        for (int i = 0; i < x.size(); i++) {
            x.setFlat(i, (float) rng.nextGaussian());
        }
        last.forward(K, layer.forward(K, x, Mode.TRAINING), Mode.TRAINING);
        Tensor g = Tensor.zeros(1, h);
        g.fill(1f);
        float[] dx = layer.backward(K, last.backward(K, g, true), true).toArray();
        double[] norms = new double[steps];
        for (int t = 0; t < steps; t++) {
            double s = 0;
            for (int j = 0; j < f; j++) {
                s += (double) dx[t * f + j] * dx[t * f + j];
            }
            norms[t] = Math.sqrt(s);
        }
        return norms;
    }

    @Test
    void gradientsVanishThroughAPlainRnnAndMuchLessThroughAnLstm() {
        // the course's point, with numbers: how much of the last step's gradient reaches step t, 50 steps back
        int steps = 50;
        double[] rnn = gradientNorms(Recurrent.Cell.RNN_TANH, steps, 60);
        double[] lstm = gradientNorms(Recurrent.Cell.LSTM, steps, 60);
        StringBuilder sb = new StringBuilder("step  |dL/dx_t| rnn(tanh)   lstm\n");
        for (int t : new int[] {49, 45, 40, 30, 20, 10, 0}) {
            sb.append(String.format(java.util.Locale.ROOT, "%4d  %14.3e  %12.3e%n", t, rnn[t], lstm[t]));
        }
        System.out.print(sb);
        double rnnDecay = rnn[0] / rnn[steps - 1];
        double lstmDecay = lstm[0] / lstm[steps - 1];
        assertTrue(rnnDecay < 1e-6, "a plain RNN's gradient 50 steps back: " + rnnDecay + " of the last step's\n" + sb);
        assertTrue(lstmDecay > 1e3 * rnnDecay, "an LSTM keeps far more of it: " + lstmDecay + " against " + rnnDecay + "\n" + sb);
        // and sequences of length 1 and 50 pass the gradient check as well
        for (int len : new int[] {1, 50}) {
            for (Recurrent.Cell cell : List.of(Recurrent.Cell.LSTM, Recurrent.Cell.GRU, Recurrent.Cell.RNN_TANH)) {
                Recurrent layer = new Recurrent(cell, 2, 3, len, new SplittableRandom(70 + len));
                check(cell + " over " + len + " steps", layer, 2, len * 2, len * 3, 1, 3,
                        (xx, p) -> reference(cell, xx, p, 2, len, 2, 3), 71 + len);
            }
        }
    }
}
