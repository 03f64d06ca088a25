package dev.simdnn.nn;

import java.util.Locale;

/** Where a hidden layer of {@link Mlp.Builder#hidden} normalises, between its dense map and its activation. */
public enum Normalization {
    /** No normalisation. */
    NONE,
    /** {@link BatchNorm}: statistics per feature over the batch (train with {@code dropLast}). */
    BATCH,
    /** {@link LayerNorm}: statistics per example over its features. */
    LAYER;

    /**
     * {@code none}, {@code batch} or {@code layer}, case-insensitive (the command line's {@code --norm}).
     *
     * @throws IllegalArgumentException naming the known values
     */
    public static Normalization parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "batch" -> BATCH;
            case "layer" -> LAYER;
            default -> throw new IllegalArgumentException("normalisation must be none, batch or layer, got '" + name + "'");
        };
    }
}
