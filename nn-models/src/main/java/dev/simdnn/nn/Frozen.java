package dev.simdnn.nn;

import dev.simdnn.kernel.Kernels;
import dev.simdnn.layer.Layer;
import dev.simdnn.layer.Parameter;

import java.util.ArrayList;
import java.util.List;

/** How each layer kind becomes part of a frozen snapshot ({@link Sequential#frozen()}). */
final class Frozen {
    private Frozen() {
    }

    static Layer of(Layer layer, Kernels kernels) {
        return switch (layer) {
            case Dense d -> new FrozenDense(d, kernels);
            case Sequential s -> {
                List<Layer> layers = new ArrayList<>();
                for (Layer l : s.layers()) {
                    layers.add(of(l, kernels));
                }
                yield new Sequential(s.inputFeatures(), layers, kernels);
            }
            case Residual r -> r.frozen(kernels);
            case BatchNorm b -> b.detachedCopy();
            case LayerNorm l -> l.detachedCopy();
            case PRelu p -> p.detachedCopy();
            case Maxout m -> m.detachedCopy();
            case Conv2d c -> c.detachedCopy();
            case BatchNorm2d b -> b.detachedCopy();
            case Pool2d p -> p.inferenceCopy();
            case Flatten f -> f;
            case Recurrent r -> r.detachedCopy();
            case StackedRecurrent r -> r.detachedCopy();
            case BidirectionalRecurrent r -> r.detachedCopy();
            case LastStep l -> l.inferenceCopy();
            case FrozenDense f -> f.inferenceCopy();
            case Dropout d -> d.inferenceCopy();
            case ActivationLayer a -> a.inferenceCopy();
            case Softmax s -> s.inferenceCopy();
            default -> throw new UnsupportedOperationException(layer + " (" + layer.getClass().getSimpleName()
                    + ") has no frozen form: Sequential.frozen() knows simdnn's own layers");
        };
    }

    static Parameter copy(Parameter p) {
        return new Parameter(p.name(), p.value().copy(), p.penalized());
    }
}
