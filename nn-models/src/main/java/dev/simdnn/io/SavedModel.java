package dev.simdnn.io;

import dev.simdnn.data.Standardizer;
import dev.simdnn.nn.Sequential;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a model file holds: the network, the feature scaling fitted on its training data (or null),
 * the names of its output classes (empty for regression) and free-form training metadata.
 */
public record SavedModel(Sequential model, Standardizer scaling, List<String> labels, Map<String, String> training) {
    public SavedModel {
        Objects.requireNonNull(model, "model");
        labels = labels == null ? List.of() : List.copyOf(labels);
        training = training == null ? Map.of() : Map.copyOf(training);
    }
}
