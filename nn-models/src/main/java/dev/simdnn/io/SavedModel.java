package dev.simdnn.io;

import dev.simdnn.data.Standardizer;
import dev.simdnn.loss.Task;
import dev.simdnn.nn.Sequential;
import dev.simdnn.predict.Evaluator;
import dev.simdnn.predict.Predictor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a model file holds: the network, its {@link Task} (how its outputs become predictions),
 * the feature scaling fitted on its training data (or null), the names of its output classes
 * (empty for regression) and free-form training metadata.
 */
public record SavedModel(Sequential model, Task task, Standardizer scaling, List<String> labels,
                         Map<String, String> training) {

    /**
     * @throws IllegalArgumentException if the task does not fit the model's outputs (a multi-class
     *                                  model needs two or more), or the scaling its inputs
     */
    public SavedModel {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(task, "task");
        if (task == Task.MULTICLASS && model.outputFeatures() < 2) {
            throw new IllegalArgumentException("a " + task.id() + " model needs 2 or more outputs, this one has "
                    + model.outputFeatures());
        }
        if (scaling != null && scaling.mean().length != model.inputFeatures()) {
            throw new IllegalArgumentException("the scaling has " + scaling.mean().length + " features but the model "
                    + model.inputFeatures() + " inputs");
        }
        labels = labels == null ? List.of() : List.copyOf(labels);
        training = training == null ? Map.of() : Map.copyOf(training);
    }

    /** A classifier: {@link Task#BINARY} for one output, {@link Task#MULTICLASS} for more. */
    public SavedModel(Sequential model, Standardizer scaling, List<String> labels, Map<String, String> training) {
        this(model, model.outputFeatures() == 1 ? Task.BINARY : Task.MULTICLASS, scaling, labels, training);
    }

    /** Predictions of this model on raw (unscaled) features: its scaling first, then its task's rule. */
    public Predictor predictor() {
        return new Predictor(model, task, scaling);
    }

    /** An evaluator of this model with its task's default loss (features must be scaled already). */
    public Evaluator evaluator() {
        return Evaluator.forTask(model, task);
    }

    /**
     * The task of a model file's metadata ({@code __metadata__.task}); files written before the field
     * existed said {@code "task": "regression"} in the
     * training metadata, and were classifiers otherwise.
     */
    static Task taskIn(Path file, Map<?, ?> meta, Map<String, String> training, Sequential model)
            throws ModelFormatException {
        Task task;
        if (meta.get("task") != null) {
            try {
                task = Task.parse(String.valueOf(meta.get("task")));
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException(file, "__metadata__.task: " + e.getMessage());
            }
        } else if ("regression".equals(training.get("task"))) {
            task = Task.REGRESSION;
        } else {
            task = model.outputFeatures() == 1 ? Task.BINARY : Task.MULTICLASS;
        }
        if (task == Task.MULTICLASS && model.outputFeatures() < 2) {
            throw new ModelFormatException(file, "task " + task.id() + " needs 2 or more outputs, the architecture has "
                    + model.outputFeatures());
        }
        return task;
    }
}
