package dev.simdnn.report;

import dev.simdnn.io.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One measured figure: a benchmark method, its parameters, a metric (JMH's primary score or a
 * secondary counter such as {@code flops}) with its error and unit.
 */
public record Figure(String benchmark, Map<String, String> params, String metric, double score, double error,
                     String unit) {

    /** The value of parameter {@code key}, or "" when absent. */
    public String param(String key) {
        return params.getOrDefault(key, "");
    }

    /** Short benchmark name: {@code GemmBench.gemm}. */
    public String shortName() {
        String[] parts = benchmark.split("\\.");
        return parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : benchmark;
    }

    /** Every figure of a JMH JSON result file: the primary metric and each secondary one. */
    @SuppressWarnings("unchecked")
    public static List<Figure> fromJmhJson(String json) {
        Object root = Json.parse(json);
        if (!(root instanceof List<?> runs)) {
            throw new IllegalArgumentException("not a JMH result file: the top level is not an array");
        }
        List<Figure> out = new ArrayList<>();
        for (Object o : runs) {
            Map<String, Object> run = (Map<String, Object>) o;
            String bench = String.valueOf(run.get("benchmark"));
            Map<String, String> params = new LinkedHashMap<>();
            Object p = run.get("params");
            if (p instanceof Map<?, ?> pm) {
                pm.forEach((k, v) -> params.put(String.valueOf(k), String.valueOf(v)));
            }
            Map<String, Object> primary = (Map<String, Object>) run.get("primaryMetric");
            if (primary == null) {
                throw new IllegalArgumentException("JMH result for " + bench + " has no primaryMetric");
            }
            out.add(metric(bench, params, String.valueOf(run.get("mode")), primary));
            Object sec = run.get("secondaryMetrics");
            if (sec instanceof Map<?, ?> sm) {
                for (Map.Entry<?, ?> e : sm.entrySet()) {
                    out.add(metric(bench, params, String.valueOf(e.getKey()), (Map<String, Object>) e.getValue()));
                }
            }
        }
        return out;
    }

    private static Figure metric(String bench, Map<String, String> params, String name, Map<String, Object> m) {
        double score = ((Number) m.get("score")).doubleValue();
        Object err = m.get("scoreError");
        double error = err instanceof Number n ? n.doubleValue() : Double.NaN;
        return new Figure(bench, params, name, score, error, String.valueOf(m.get("scoreUnit")));
    }
}
