package dev.simdnn.nn;

import dev.simdnn.layer.Layer;

/** A layer whose rows in and out are images ({@link ImageShape}): convolution and pooling. */
public interface ImageLayer extends Layer {
    ImageShape inputImage();

    ImageShape outputImage();
}
