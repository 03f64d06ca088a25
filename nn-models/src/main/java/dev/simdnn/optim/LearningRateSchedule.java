package dev.simdnn.optim;

import java.util.List;
import java.util.Locale;

/**
 * The learning rate of each epoch, from the base rate and the loss of the epochs so far. The
 * trainer sets it on the optimizer before every epoch, passing each finished epoch's monitored
 * loss: the validation loss, or the training loss without validation data. Factories validate
 * their arguments; {@link #parse} takes the command line's {@code --schedule} vocabulary.
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /**
     * The rate for epoch {@code epoch} (1-based), given the base rate and the monitored loss of
     * each finished epoch, oldest first (not modified).
     */
    float rate(int epoch, float base, List<Float> losses);

    /** The base rate throughout. */
    static LearningRateSchedule constant() {
        return named("constant", (e, b, h) -> b);
    }

    /** η·γ^⌊(epoch-1)/step⌋: multiplied by {@code gamma} every {@code step} epochs. */
    static LearningRateSchedule step(int step, float gamma) {
        if (step < 1 || !(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("step schedule needs step >= 1 and gamma in (0, 1], got " + step + ", " + gamma);
        }
        return named("step(" + step + ", " + gamma + ")", (e, b, h) -> (float) (b * Math.pow(gamma, (e - 1) / step)));
    }

    /** η·γ^(epoch-1). */
    static LearningRateSchedule exponential(float gamma) {
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("exponential schedule needs gamma in (0, 1], got " + gamma);
        }
        return named("exponential(" + gamma + ")", (e, b, h) -> (float) (b * Math.pow(gamma, e - 1)));
    }

    /**
     * Linear warm-up from η/warmup to η over the first {@code warmup} epochs, then a cosine from η
     * down to {@code minRate} at epoch {@code total}: η_min + (η - η_min)·(1 + cos(π·t))/2.
     */
    static LearningRateSchedule cosine(int warmup, int total, float minRate) {
        if (warmup < 0 || total <= warmup || !(minRate >= 0)) {
            throw new IllegalArgumentException("cosine schedule needs 0 <= warmup < total and minRate >= 0, got "
                    + warmup + ", " + total + ", " + minRate);
        }
        return named("cosine(warmup " + warmup + ", total " + total + ")", (e, b, h) -> {
            if (e <= warmup) {
                return b * e / warmup;
            }
            double t = Math.min(1.0, (double) (e - 1 - warmup) / Math.max(1, total - 1 - warmup));
            return (float) (minRate + (b - minRate) * (1 + Math.cos(Math.PI * t)) / 2);
        });
    }

    /**
     * Multiplies the rate by {@code factor} whenever the validation loss (the training loss
     * without validation data) has not improved for {@code patience} epochs; never below
     * {@code minRate}.
     */
    static LearningRateSchedule reduceOnPlateau(float factor, int patience, float minRate) {
        if (!(factor > 0 && factor < 1) || patience < 1 || !(minRate >= 0)) {
            throw new IllegalArgumentException("reduce-on-plateau needs factor in (0, 1), patience >= 1, minRate >= 0, got "
                    + factor + ", " + patience + ", " + minRate);
        }
        return named("reduce_on_plateau(" + factor + ", " + patience + ")", (e, b, h) -> {
            double rate = b;
            double best = Double.POSITIVE_INFINITY;
            int since = 0;
            for (float metric : h) {
                if (metric < best) {
                    best = metric;
                    since = 0;
                } else if (++since >= patience) {
                    rate = Math.max(minRate, rate * factor);
                    since = 0;
                }
            }
            return (float) rate;
        });
    }

    /** Parses {@code none}, {@code step:N:G}, {@code exp:G}, {@code cosine:W:T}, {@code plateau:F:P}. */
    static LearningRateSchedule parse(String spec, int epochs) {
        String[] p = spec.trim().toLowerCase(Locale.ROOT).split(":");
        try {
            return switch (p[0]) {
                case "none", "constant" -> constant();
                case "step" -> step(Integer.parseInt(p[1]), Float.parseFloat(p[2]));
                case "exp", "exponential" -> exponential(Float.parseFloat(p[1]));
                case "cosine" -> cosine(p.length > 1 ? Integer.parseInt(p[1]) : 0,
                        p.length > 2 ? Integer.parseInt(p[2]) : epochs, 0f);
                case "plateau" -> reduceOnPlateau(Float.parseFloat(p[1]), Integer.parseInt(p[2]), 0f);
                default -> throw new IllegalArgumentException("unknown schedule '" + spec
                        + "'; known: none, step:N:G, exp:G, cosine[:W[:T]], plateau:F:P");
            };
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            throw new IllegalArgumentException("bad schedule '" + spec + "'; forms: none, step:N:G, exp:G, cosine[:W[:T]], plateau:F:P");
        }
    }

    private static LearningRateSchedule named(String name, LearningRateSchedule body) {
        return new LearningRateSchedule() {
            @Override
            public float rate(int epoch, float base, List<Float> losses) {
                return body.rate(epoch, base, losses);
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }
}
