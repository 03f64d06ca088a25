package dev.simdnn.report;

import dev.simdnn.io.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the peers measured on this machine, read from the output directory of
 * {@code shared/perf/peers.sh}: OpenBLAS SGEMM GFLOP/s for square n at one thread
 * ({@code sgemm_t1.json}), and PyTorch's training samples/s, batch-128 inference samples/s and
 * batch-1 latency at one thread ({@code torch_sgd_ob1.txt}, {@code torch_adam_ob1.txt}, whose last
 * line is {@code JSON {...}}). Missing files leave their figures out.
 *
 * @param sgemmSquare   n → OpenBLAS GFLOP/s (median), one thread
 * @param torchTrain    optimizer ({@code momentum}, {@code adam}) → steady training samples/s
 * @param torchInfer128 batch-128 inference samples/s (NaN when absent)
 * @param torchLatencyMicros batch-1 latency, median µs (NaN when absent)
 */
public record Peers(Map<Integer, Double> sgemmSquare, Map<String, Double> torchTrain, double torchInfer128,
                    double torchLatencyMicros) {

    /**
     * Reads {@code dir}.
     *
     * @throws IllegalArgumentException if a file there is not what peers.sh writes (named)
     */
    public static Peers read(Path dir) throws IOException {
        Map<Integer, Double> sgemm = new TreeMap<>();
        Path gemm = dir.resolve("sgemm_t1.json");
        if (Files.isRegularFile(gemm)) {
            Object root = parse(gemm, Files.readString(gemm));
            if (!(root instanceof Map<?, ?> m) || !(m.get("rows") instanceof List<?> rows)) {
                throw new IllegalArgumentException(gemm + ": no \"rows\" list (not sgemm_numpy.py's JSON_OUT)");
            }
            for (Object r : rows) {
                if (r instanceof Map<?, ?> row && String.valueOf(row.get("name")).startsWith("square ")
                        && row.get("M") instanceof Number n && row.get("med") instanceof Number med) {
                    sgemm.put(n.intValue(), med.doubleValue());
                }
            }
        }
        Map<String, Double> train = new TreeMap<>();
        double infer = Double.NaN;
        double latency = Double.NaN;
        for (String[] run : new String[][] {{"sgd", "momentum"}, {"adam", "adam"}}) {
            Path f = dir.resolve("torch_" + run[0] + "_ob1.txt");
            if (!Files.isRegularFile(f)) {
                continue;
            }
            String json = Files.readAllLines(f).stream().filter(l -> l.startsWith("JSON ")).reduce((a, b) -> b)
                    .orElseThrow(() -> new IllegalArgumentException(f + ": no 'JSON {...}' line (not mlp_torch.py's output)"))
                    .substring(5);
            if (!(parse(f, json) instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException(f + ": its JSON line is not an object");
            }
            train.put(run[1], number(f, m, "steady_train_samples_per_s_median"));
            infer = number(f, m, "infer_b128_samples_per_s");
            latency = number(f, m, "infer_b1_latency_us_median");
        }
        return new Peers(sgemm, train, infer, latency);
    }

    private static Object parse(Path f, String json) {
        try {
            return Json.parse(json.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f + ": " + e.getMessage());
        }
    }

    private static double number(Path f, Map<?, ?> m, String key) {
        if (!(m.get(key) instanceof Number n)) {
            throw new IllegalArgumentException(f + ": no number \"" + key + "\"");
        }
        return n.doubleValue();
    }
}
