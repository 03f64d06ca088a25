package dev.simdnn.loss;

import java.util.Locale;

/** {@link Loss#parse}: a loss from its command-line name, {@code name} or {@code name:PARAMETER}. */
final class LossSpecs {
    static final String KNOWN = "ce[:EPS], bce, hinge, mse, mae, huber[:DELTA], logcosh";

    private LossSpecs() {
    }

    static Loss parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        String name = colon < 0 ? s : s.substring(0, colon);
        String arg = colon < 0 ? null : s.substring(colon + 1);
        Loss loss = switch (name) {
            case "ce" -> new SoftmaxCrossEntropy(arg == null ? 0f : number(spec, arg));
            case "bce" -> noArgument(spec, arg, new BinaryCrossEntropy());
            case "hinge" -> noArgument(spec, arg, new Hinge());
            case "mse" -> noArgument(spec, arg, new MeanSquaredError());
            case "mae" -> noArgument(spec, arg, new MeanAbsoluteError());
            case "huber" -> new Huber(arg == null ? 1f : number(spec, arg));
            case "logcosh" -> noArgument(spec, arg, new LogCosh());
            default -> throw new IllegalArgumentException("unknown loss '" + spec + "'; known: " + KNOWN);
        };
        return loss;
    }

    private static Loss noArgument(String spec, String arg, Loss loss) {
        if (arg != null) {
            throw new IllegalArgumentException("loss '" + spec + "' takes no parameter");
        }
        return loss;
    }

    private static float number(String spec, String arg) {
        try {
            return Float.parseFloat(arg);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("loss '" + spec + "': '" + arg + "' is not a number");
        }
    }
}
