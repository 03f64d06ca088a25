package dev.simdnn.spark;

import dev.simdnn.layer.Parameter;
import dev.simdnn.tensor.Tensor;

import java.util.List;

/** A network's parameters as one flat array, in parameter order: what a step broadcasts and a replica reads. */
final class Weights {
    private Weights() {
    }

    /** The parameters' values, concatenated in order, as a new array. */
    static float[] flat(List<Parameter> params) {
        int total = 0;
        for (Parameter p : params) {
            total += p.size();
        }
        float[] w = new float[total];
        int off = 0;
        for (Parameter p : params) {
            Tensor v = p.value();
            System.arraycopy(v.data(), v.offset(), w, off, v.size());
            off += v.size();
        }
        return w;
    }

    /**
     * Copies {@code w} into the parameters' values (modified), in order.
     *
     * @throws IllegalStateException if {@code w} is not exactly as long as the parameters
     */
    static void copyInto(float[] w, List<Parameter> params) {
        int off = 0;
        for (Parameter p : params) {
            Tensor v = p.value();
            System.arraycopy(w, off, v.data(), v.offset(), v.size());
            off += v.size();
        }
        if (off != w.length) {
            throw new IllegalStateException(w.length + " weights for parameters of " + off + " values");
        }
    }
}
