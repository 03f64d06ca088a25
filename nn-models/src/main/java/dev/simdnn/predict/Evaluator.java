package dev.simdnn.predict;

import dev.simdnn.data.Dataset;
import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Mode;
import dev.simdnn.loss.Loss;
import dev.simdnn.loss.Task;
import dev.simdnn.nn.Sequential;
import dev.simdnn.tensor.Tensor;

import java.util.Objects;

/**
 * The mean loss and accuracy of a model on a data set, in inference mode, without an optimizer
 * or a trainer. Rows are evaluated in chunks ({@link #DEFAULT_CHUNK_ROWS} by default) so that the
 * activations of a large set never exist at once; the figures do not depend on the chunk size
 * beyond float rounding of the per-chunk means. Not thread-safe (the loss keeps buffers); one
 * evaluator per thread.
 */
public final class Evaluator {
    /** Rows per inference pass unless told otherwise. */
    public static final int DEFAULT_CHUNK_ROWS = 256;

    private final Sequential model;
    private final Loss loss;
    private final int chunkRows;
    private int[] predicted = new int[0];

    /** Evaluates {@code model} with {@code loss}; the task (and so the accuracy) is the loss's. */
    public Evaluator(Sequential model, Loss loss) {
        this(model, loss, DEFAULT_CHUNK_ROWS);
    }

    /** Like {@link #Evaluator(Sequential, Loss)}, {@code chunkRows} rows per inference pass. */
    public Evaluator(Sequential model, Loss loss, int chunkRows) {
        this.loss = Objects.requireNonNull(loss, "loss");
        // a final softmax layer is left out for a multi-class loss, which takes logits
        this.model = loss.task() == Task.MULTICLASS ? Objects.requireNonNull(model, "model").logits()
                : Objects.requireNonNull(model, "model");
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunk rows must be >= 1, got " + chunkRows);
        }
        this.chunkRows = chunkRows;
    }

    /** An evaluator of {@code model} for {@code task} with the task's default loss (CE, BCE, MSE). */
    public static Evaluator forTask(Sequential model, Task task) {
        return new Evaluator(model, task.defaultLoss());
    }

    /**
     * Mean loss and, for a classification loss, accuracy on {@code data}.
     *
     * @throws IllegalArgumentException if the data does not fit the model or the loss (widths named)
     */
    public Evaluation evaluate(Dataset data) {
        checkFits(model, loss, data, "evaluation");
        Kernels k = model.kernels();
        Tensor x = data.features();
        Tensor y = data.targets();
        int n = x.rows();
        Task task = loss.task();
        boolean classification = task.isClassification();
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < n; from += chunkRows) {
            int to = Math.min(n, from + chunkRows);
            Tensor out = model.forward(k, x.rows(from, to), Mode.INFERENCE);
            Tensor by = y.rows(from, to);
            lossSum += (double) loss.evaluate(k, out, by) * (to - from);
            if (classification) {
                correct += Predictor.countCorrect(k, task, out, by, scratch(to - from));
            }
        }
        return new Evaluation((float) (lossSum / n), classification ? (float) correct / n : Float.NaN, n);
    }

    private int[] scratch(int rows) {
        if (predicted.length < rows) {
            predicted = new int[rows];
        }
        return predicted;
    }

    /**
     * Checks that {@code data} fits {@code model} and {@code loss}: feature count, target columns,
     * and no more classes than outputs.
     *
     * @throws IllegalArgumentException naming {@code what} data and both widths
     */
    public static void checkFits(Sequential model, Loss loss, Dataset d, String what) {
        Objects.requireNonNull(d, what + " data");
        if (d.featureCount() != model.inputFeatures()) {
            throw new IllegalArgumentException(what + " data has " + d.featureCount()
                    + " features but the model expects " + model.inputFeatures());
        }
        int expectTargets = loss.targetFeatures(model.outputFeatures());
        if (d.targets().cols() != expectTargets) {
            throw new IllegalArgumentException(what + " data has " + d.targets().cols() + " target columns but "
                    + loss + " on " + model.outputFeatures() + " outputs expects " + expectTargets);
        }
        if (d.isClassification() && expectTargets == 1 && model.outputFeatures() > 1
                && d.numClasses() > model.outputFeatures()) {
            throw new IllegalArgumentException(what + " data has " + d.numClasses()
                    + " classes but the model has only " + model.outputFeatures() + " outputs");
        }
        requireFinite(d.features(), what + " data", "features");
        requireFinite(d.targets(), what + " data", "targets");
    }

    private static void requireFinite(Tensor t, String what, String part) {
        int bad = t.firstNonFinite();
        if (bad >= 0) {
            throw new IllegalArgumentException(what + ": " + part + " row " + bad / t.cols() + ", column " + bad % t.cols()
                    + " is " + t.getFlat(bad) + "; every value must be finite");
        }
    }
}
