package dev.simdnn.report;

import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.DoubleUnaryOperator;

/**
 * Self-contained SVG charts: no script, no external font (the generic {@code sans-serif} family),
 * so they render offline and inline in XHTML. Data points carry {@code class="point"} (line charts)
 * or {@code class="bar"} (bar charts), which the report test counts.
 */
final class Svg {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"};
    private static final int W = 680;
    private static final int H = 420;
    private static final int LEFT = 70;
    private static final int RIGHT = 160;
    private static final int TOP = 40;
    private static final int BOTTOM = 110;

    /** A named line: points (x, y, error). */
    record Series(String name, List<double[]> points) {
    }

    /** A labelled bar with its error. */
    record Bar(String label, double value, double error, int colorIndex) {
    }

    private Svg() {
    }

    static String lineChart(String title, String xLabel, String yLabel, List<Series> series, boolean logX,
                            double refLine, String refLabel) {
        return lineChart(title, xLabel, yLabel, series, logX, false, refLine, refLabel);
    }

    /**
     * Lines through points; with {@code logY} the y axis is logarithmic (decades), so that series an
     * order of magnitude apart (SIMD against scalar and EJML GEMM) are all readable.
     */
    static String lineChart(String title, String xLabel, String yLabel, List<Series> series, boolean logX, boolean logY,
                            double refLine, String refLabel) {
        double xMin = Double.MAX_VALUE, xMax = -Double.MAX_VALUE, yMax = 0, yMinPositive = Double.MAX_VALUE;
        for (Series s : series) {
            for (double[] p : s.points()) {
                double x = logX ? log2(p[0]) : p[0];
                xMin = Math.min(xMin, x);
                xMax = Math.max(xMax, x);
                yMax = Math.max(yMax, p[1] + (Double.isNaN(p[2]) ? 0 : p[2]));
                if (p[1] > 0) {
                    yMinPositive = Math.min(yMinPositive, p[1]);
                }
            }
        }
        if (refLine > 0) {
            yMax = Math.max(yMax, refLine);
        }
        if (xMin == Double.MAX_VALUE) {
            xMin = 0;
            xMax = 1;
        }
        if (xMax == xMin) {
            xMax = xMin + 1;
        }
        StringBuilder b = open(title);
        DoubleUnaryOperator ymap;
        if (logY) {
            double lo = Math.floor(Math.log10(yMinPositive == Double.MAX_VALUE ? 1 : yMinPositive));
            double hi = Math.ceil(Math.log10(Math.max(yMax, Math.pow(10, lo + 1))));
            ymap = v -> H - BOTTOM - (Math.log10(Math.max(v, Math.pow(10, lo))) - lo) / (hi - lo) * (H - TOP - BOTTOM);
            logAxes(b, xLabel, yLabel, lo, hi, ymap);
        } else {
            double top = niceCeil(yMax * 1.05);
            ymap = v -> py(v, top);
            axes(b, xLabel, yLabel, top);
        }
        double fxMin = xMin, fxMax = xMax;
        // x ticks at the data's x values
        TreeSet<Double> xs = new TreeSet<>();
        for (Series s : series) {
            for (double[] p : s.points()) {
                xs.add(p[0]);
            }
        }
        for (double x : xs) {
            double px = px(logX ? log2(x) : x, fxMin, fxMax);
            b.append(f("<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>%n",
                    px, H - BOTTOM + 16, trim(x)));
        }
        if (refLine > 0) {
            double py = ymap.applyAsDouble(refLine);
            b.append(f("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#555\" stroke-dasharray=\"6 4\"/>%n",
                    LEFT, py, W - RIGHT, py));
            b.append(f("<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"#555\">%s</text>%n", LEFT + 8, py - 5,
                    esc(refLabel)));
        }
        for (int si = 0; si < series.size(); si++) {
            Series s = series.get(si);
            String color = COLORS[si % COLORS.length];
            StringBuilder pts = new StringBuilder();
            for (double[] p : s.points()) {
                pts.append(f("%.1f,%.1f ", px(logX ? log2(p[0]) : p[0], fxMin, fxMax), ymap.applyAsDouble(p[1])));
            }
            b.append(f("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n", color, pts.toString().trim()));
            for (double[] p : s.points()) {
                double x = px(logX ? log2(p[0]) : p[0], fxMin, fxMax);
                double y = ymap.applyAsDouble(p[1]);
                if (!Double.isNaN(p[2]) && p[2] > 0) {
                    b.append(f("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>%n", x,
                            ymap.applyAsDouble(p[1] - p[2]), x, ymap.applyAsDouble(p[1] + p[2]), color));
                }
                b.append(f("<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s: %s = %s</title></circle>%n",
                        x, y, color, esc(s.name()), trim(p[0]), trim(p[1])));
            }
            b.append(f("<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n", W - RIGHT + 6, TOP + 18 * si, color));
            b.append(f("<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>%n", W - RIGHT + 22, TOP + 18 * si + 11, esc(s.name())));
        }
        return b.append("</svg>\n").toString();
    }

    /** Axes with a logarithmic y: grid lines and labels at each decade from 10^lo to 10^hi. */
    private static void logAxes(StringBuilder b, String xLabel, String yLabel, double lo, double hi, DoubleUnaryOperator ymap) {
        b.append(f("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>%n", LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM));
        b.append(f("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>%n", LEFT, TOP, LEFT, H - BOTTOM));
        for (double e = lo; e <= hi; e++) {
            double v = Math.pow(10, e);
            double y = ymap.applyAsDouble(v);
            b.append(f("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", LEFT, y, W - RIGHT, y));
            b.append(f("<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>%n", LEFT - 6, y + 4, trim(v)));
        }
        b.append(f("<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>%n", (LEFT + W - RIGHT) / 2, H - 8,
                esc(xLabel)));
        b.append(f("<text font-size=\"12\" text-anchor=\"middle\" transform=\"translate(16,%d) rotate(-90)\">%s (log scale)</text>%n",
                (TOP + H - BOTTOM) / 2, esc(yLabel)));
    }

    static String barChart(String title, String yLabel, List<Bar> bars, String legend) {
        double yMax = 0;
        for (Bar bar : bars) {
            yMax = Math.max(yMax, bar.value() + (Double.isNaN(bar.error()) ? 0 : bar.error()));
        }
        yMax = niceCeil(Math.max(yMax, 1e-9) * 1.05);
        StringBuilder b = open(title);
        axes(b, "", yLabel, yMax);
        int n = Math.max(1, bars.size());
        double slot = (W - LEFT - RIGHT) / (double) n;
        for (int i = 0; i < bars.size(); i++) {
            Bar bar = bars.get(i);
            double x = LEFT + i * slot + slot * 0.15;
            double w = slot * 0.7;
            double y = py(bar.value(), yMax);
            String color = COLORS[bar.colorIndex() % COLORS.length];
            b.append(f("<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s: %s</title></rect>%n",
                    x, y, w, H - BOTTOM - y, color, esc(bar.label()), trim(bar.value())));
            if (!Double.isNaN(bar.error()) && bar.error() > 0) {
                double cx = x + w / 2;
                b.append(f("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#000\"/>%n", cx,
                        py(Math.max(0, bar.value() - bar.error()), yMax), cx, py(bar.value() + bar.error(), yMax)));
            }
            b.append(f("<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%s</text>%n", x + w / 2, y - 4,
                    trim(bar.value())));
            b.append(f("<text font-size=\"10\" text-anchor=\"end\" transform=\"translate(%.1f,%d) rotate(-35)\">%s</text>%n",
                    x + w / 2, H - BOTTOM + 12, esc(bar.label())));
        }
        if (legend != null) {
            b.append(f("<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#555\">%s</text>%n", W - RIGHT + 6, TOP + 10, esc(legend)));
        }
        return b.append("</svg>\n").toString();
    }

    /** One segment of a stacked bar: a phase, its value, and whether it is the first kind (colour 0) or the second. */
    record Segment(String name, String label, double value, boolean firstKind) {
    }

    /** A stacked bar: its label and its segments, bottom first. */
    record Stack(String label, List<Segment> segments) {
    }

    /**
     * Stacked bars (one per {@link Stack}), segments coloured by kind and labelled where they are
     * tall enough, with a dashed reference line (e.g. the time at the FMA peak).
     */
    static String stackedBarChart(String title, String yLabel, List<Stack> stacks, String firstKind, String secondKind,
                                  double refLine, String refLabel) {
        double yMax = Math.max(refLine, 1e-9);
        for (Stack st : stacks) {
            double sum = 0;
            for (Segment sg : st.segments()) {
                sum += sg.value();
            }
            yMax = Math.max(yMax, sum);
        }
        yMax = niceCeil(yMax * 1.05);
        StringBuilder b = open(title);
        axes(b, "", yLabel, yMax);
        int n = Math.max(1, stacks.size());
        double slot = (W - LEFT - RIGHT) / (double) n;
        for (int i = 0; i < stacks.size(); i++) {
            Stack st = stacks.get(i);
            double x = LEFT + i * slot + slot * 0.2;
            double w = slot * 0.6;
            double base = 0;
            for (int k = 0; k < st.segments().size(); k++) {
                Segment sg = st.segments().get(k);
                double top = py(base + sg.value(), yMax);
                double bottom = py(base, yMax);
                String color = sg.firstKind() ? (k % 2 == 0 ? COLORS[0] : "#6baed6") : (k % 2 == 0 ? COLORS[4] : "#fdae6b");
                b.append(f("<rect class=\"segment\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
                        + "stroke=\"#fff\"><title>%s: %s</title></rect>%n", x, top, w, bottom - top, color, esc(sg.name()),
                        trim(sg.value())));
                if (bottom - top >= 13) {
                    b.append(f("<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\" fill=\"#fff\">%s</text>%n",
                            x + w / 2, (top + bottom) / 2 + 4, esc(sg.label() + " " + trim(sg.value()))));
                }
                base += sg.value();
            }
            b.append(f("<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"middle\">%s</text>%n", x + w / 2,
                    py(base, yMax) - 4, trim(base)));
            b.append(f("<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>%n", x + w / 2,
                    H - BOTTOM + 16, esc(st.label())));
        }
        if (refLine > 0) {
            double y = py(refLine, yMax);
            b.append(f("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#555\" stroke-dasharray=\"6 4\"/>%n",
                    LEFT, y, W - RIGHT, y));
            b.append(f("<text x=\"%d\" y=\"%.1f\" font-size=\"11\" fill=\"#555\">%s</text>%n", LEFT + 8, y - 5, esc(refLabel)));
        }
        b.append(f("<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n", W - RIGHT + 6, TOP, COLORS[0]));
        b.append(f("<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>%n", W - RIGHT + 22, TOP + 11, esc(firstKind)));
        b.append(f("<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n", W - RIGHT + 6, TOP + 18, COLORS[4]));
        b.append(f("<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>%n", W - RIGHT + 22, TOP + 29, esc(secondKind)));
        return b.append("</svg>\n").toString();
    }

    private static StringBuilder open(String title) {
        StringBuilder b = new StringBuilder();
        b.append(f("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">%n",
                W, H, W, H));
        b.append(f("<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>%n", W, H));
        b.append(f("<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>%n", LEFT, esc(title)));
        return b;
    }

    private static void axes(StringBuilder b, String xLabel, String yLabel, double yMax) {
        b.append(f("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>%n", LEFT, H - BOTTOM, W - RIGHT, H - BOTTOM));
        b.append(f("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>%n", LEFT, TOP, LEFT, H - BOTTOM));
        for (int t = 0; t <= 5; t++) {
            double v = yMax * t / 5;
            double y = py(v, yMax);
            b.append(f("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", LEFT, y, W - RIGHT, y));
            b.append(f("<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>%n", LEFT - 6, y + 4, trim(v)));
        }
        b.append(f("<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>%n", (LEFT + W - RIGHT) / 2, H - 8,
                esc(xLabel)));
        b.append(f("<text font-size=\"12\" text-anchor=\"middle\" transform=\"translate(16,%d) rotate(-90)\">%s</text>%n",
                (TOP + H - BOTTOM) / 2, esc(yLabel)));
    }

    private static double px(double x, double min, double max) {
        return LEFT + 10 + (x - min) / (max - min) * (W - LEFT - RIGHT - 20);
    }

    private static double py(double y, double yMax) {
        return H - BOTTOM - y / yMax * (H - TOP - BOTTOM);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    private static double niceCeil(double v) {
        double mag = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * mag >= v) {
                return m * mag;
            }
        }
        return 10 * mag;
    }

    static String trim(double v) {
        if (Math.abs(v) >= 1e6) {
            return String.format(Locale.ROOT, "%.3gM", v / 1e6);
        }
        if (Math.abs(v) >= 1e4) {
            return String.format(Locale.ROOT, "%.0fk", v / 1e3);
        }
        if (v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.3g", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String f(String fmt, Object... args) {
        return String.format(Locale.ROOT, fmt, args);
    }
}
