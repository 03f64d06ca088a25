package dev.simdnn.metrics;

import dev.simdnn.kernel.Activation;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Mode;
import dev.simdnn.layer.Parameter;
import dev.simdnn.loss.Loss;
import dev.simdnn.nn.ActivationLayer;
import dev.simdnn.nn.Dense;
import dev.simdnn.nn.Sequential;
import dev.simdnn.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Per-layer statistics of one forward and backward pass: the distribution of each layer's
 * outputs (activations) and of the gradient with respect to them, plus the norm of each layer's
 * parameter gradient. The tool that shows vanishing and exploding gradients, saturated sigmoids
 * and dead ReLUs, as in the course's histogram experiments.
 *
 * <pre>{@code
 * List<LayerStatistics> stats = LayerStatistics.measure(model, batch, targets, loss);
 * stats.forEach(System.out::println);
 * }</pre>
 *
 * <p>Measuring runs the model in training mode, as a training step does (dropout active, batch
 * normalisation on batch statistics); the running statistics are put back afterwards, so
 * measuring does not change later predictions. It accumulates into the parameter gradients:
 * clear them (the optimizer's {@code zeroGrad()}) before the next step. Off the hot path: it
 * allocates its results.
 *
 * @param index          position of the layer in the model
 * @param layer          the layer's description ({@code toString()})
 * @param activations    the layer's outputs
 * @param gradients      the gradient of the loss with respect to those outputs
 * @param parameterGradientNorm the L2 norm of the gradient of all the layer's parameters (0 if it has none)
 */
public record LayerStatistics(int index, String layer, Summary activations, Summary gradients,
                              double parameterGradientNorm) {

    /** Number of histogram bins. */
    public static final int BINS = 20;

    /**
     * The distribution of one tensor.
     *
     * @param mean              the mean
     * @param std               the standard deviation (population)
     * @param min               the smallest value
     * @param max               the largest value
     * @param fractionSaturated for a bounded activation (sigmoid, tanh): the fraction of values within
     *                          5% of the range of a bound (a sigmoid output below 0.05 or above 0.95);
     *                          NaN for an unbounded one or a gradient
     * @param fractionZero      the fraction of values exactly 0 (inactive ReLUs)
     * @param fractionDeadUnits the fraction of columns (units) that are 0 for every row of the batch
     * @param histogramLow      the lower edge of the histogram (the activation's lower bound if it has
     *                          one, else {@code min})
     * @param histogramHigh     the upper edge
     * @param histogram         counts in {@link #BINS} equal bins from {@code histogramLow} to {@code histogramHigh}
     */
    public record Summary(double mean, double std, double min, double max, double fractionSaturated,
                          double fractionZero, double fractionDeadUnits,
                          double histogramLow, double histogramHigh, List<Integer> histogram) {

        /** The summary of {@code t} ({@code [rows, cols]}), saturation measured against {@code [low, high]} if finite. */
        static Summary of(Tensor t, double low, double high) {
            int n = t.size();
            // two passes in double: collapsed activations (std ≪ |mean|) would lose their std to
            // cancellation in E[x²] - E[x]²
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += t.getFlat(i);
            }
            double mean = sum / n;
            double ss = 0;
            for (int i = 0; i < n; i++) {
                double d = t.getFlat(i) - mean;
                ss += d * d;
            }
            double std = Math.sqrt(ss / n);
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            long zero = 0;
            long saturated = 0;
            boolean bounded = Double.isFinite(low) && Double.isFinite(high);
            double margin = 0.05 * (high - low);
            for (int i = 0; i < n; i++) {
                float v = t.getFlat(i);
                min = Math.min(min, v);
                max = Math.max(max, v);
                zero += v == 0f ? 1 : 0;
                saturated += bounded && (v <= low + margin || v >= high - margin) ? 1 : 0;
            }
            int rows = t.rows();
            int cols = t.cols();
            int dead = 0;
            for (int c = 0; c < cols; c++) {
                boolean allZero = true;
                for (int r = 0; r < rows && allZero; r++) {
                    allZero = t.get(r, c) == 0f;
                }
                dead += allZero ? 1 : 0;
            }
            double hLow = bounded ? low : min;
            double hHigh = bounded ? high : max;
            int[] bins = new int[BINS];
            double width = (hHigh - hLow) / BINS;
            for (int i = 0; i < n; i++) {
                int b = width > 0 ? (int) ((t.getFlat(i) - hLow) / width) : 0;
                bins[Math.max(0, Math.min(BINS - 1, b))]++;
            }
            List<Integer> hist = new ArrayList<>(BINS);
            for (int b : bins) {
                hist.add(b);
            }
            return new Summary(mean, std, min, max, bounded ? (double) saturated / n : Double.NaN,
                    (double) zero / n, (double) dead / cols, hLow, hHigh, Collections.unmodifiableList(hist));
        }

        /** The histogram as a row of block characters, lowest bin first. */
        public String sparkline() {
            int top = Collections.max(histogram);
            StringBuilder sb = new StringBuilder();
            String blocks = " ▁▂▃▄▅▆▇█";
            for (int c : histogram) {
                sb.append(blocks.charAt(top == 0 ? 0 : (int) Math.ceil(8.0 * c / top)));
            }
            return sb.toString();
        }
    }

    /**
     * Forward and backward of {@code model} on {@code input} with {@code loss} against
     * {@code target}; one entry per top-level layer.
     */
    public static List<LayerStatistics> measure(Sequential model, Tensor input, Tensor target, Loss loss) {
        Kernels k = model.kernels();
        List<Tensor> outputs = forward(model, input);
        loss.forward(k, outputs.get(outputs.size() - 1), target);
        return backward(model, outputs, loss.backward());
    }

    /**
     * Forward of {@code model} on {@code input}, then backward of {@code gradOutput} (the gradient
     * with respect to the model's output; e.g. all ones, to study the network alone).
     */
    public static List<LayerStatistics> measure(Sequential model, Tensor input, Tensor gradOutput) {
        return backward(model, forward(model, input), gradOutput);
    }

    private static List<Tensor> forward(Sequential model, Tensor input) {
        Kernels k = model.kernels();
        if (input.rank() != 2 || input.cols() != model.inputFeatures()) {
            throw new IllegalArgumentException("model expects input [batch, " + model.inputFeatures() + "] but got " + input.shape());
        }
        List<Tensor> saved = new ArrayList<>();
        model.buffers().values().forEach(b -> saved.add(b.copy()));
        List<Tensor> outputs = new ArrayList<>();
        Tensor x = input;
        for (Layer l : model.layers()) {
            x = l.forward(k, x, Mode.TRAINING);
            outputs.add(x.copy()); // layers may reuse buffers; keep what each produced
        }
        int i = 0;
        for (Tensor b : model.buffers().values()) {
            b.copyFrom(saved.get(i++));
        }
        return outputs;
    }

    private static List<LayerStatistics> backward(Sequential model, List<Tensor> outputs, Tensor gradOutput) {
        Kernels k = model.kernels();
        List<Layer> layers = model.layers();
        Tensor last = outputs.get(outputs.size() - 1);
        if (gradOutput.rank() != 2 || gradOutput.rows() != last.rows() || gradOutput.cols() != last.cols()) {
            throw new IllegalArgumentException("the gradient " + gradOutput.shape() + " does not match the model's output "
                    + last.shape());
        }
        Summary[] grads = new Summary[layers.size()];
        Tensor g = gradOutput;
        for (int i = layers.size() - 1; i >= 0; i--) {
            grads[i] = Summary.of(g, Double.NaN, Double.NaN);
            g = layers.get(i).backward(k, g, i > 0);
        }
        List<LayerStatistics> stats = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            double[] range = range(l);
            double norm = 0;
            for (Parameter p : l.parameters()) {
                norm += k.blas().sumOfSquares(p.size(), p.grad().data(), p.grad().offset());
            }
            stats.add(new LayerStatistics(i, l.toString(), Summary.of(outputs.get(i), range[0], range[1]), grads[i],
                    Math.sqrt(norm)));
        }
        return Collections.unmodifiableList(stats);
    }

    /** The output range of a layer ending in a bounded activation, else (NaN, NaN). */
    private static double[] range(Layer l) {
        Activation a = l instanceof Dense d ? d.activation() : l instanceof ActivationLayer al ? al.activation() : null;
        if (a == null) {
            return new double[] {Double.NaN, Double.NaN};
        }
        return switch (a.kind()) {
            case SIGMOID, STEP -> new double[] {0, 1};
            case TANH -> new double[] {-1, 1};
            default -> new double[] {Double.NaN, Double.NaN};
        };
    }

    @Override
    public String toString() {
        return String.format("%2d %-28s act mean %+.3e std %.3e sat %5s zero %5.1f%% |%s|  grad std %.3e  |dθ| %.3e",
                index, layer, activations.mean, activations.std,
                Double.isNaN(activations.fractionSaturated) ? "-" : String.format("%.1f%%", 100 * activations.fractionSaturated),
                100 * activations.fractionZero, activations.sparkline(), gradients.std, parameterGradientNorm);
    }
}
