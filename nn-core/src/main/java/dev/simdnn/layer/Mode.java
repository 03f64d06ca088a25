package dev.simdnn.layer;

/** Whether a forward pass is part of training (dropout on, batch statistics) or inference. */
public enum Mode {
    TRAINING,
    INFERENCE
}
