package org.tidegate.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Collects a benchmark's figures and prints them: readable lines as they come, then one JSON object.
 * Values are numbers, strings or booleans; keys keep insertion order.
 */
public final class BenchReport {
    private final String benchmark;
    private final Map<String, Object> figures = new LinkedHashMap<>();

    public BenchReport(String benchmark) {
        this.benchmark = benchmark;
    }

    /** Records a figure and prints {@code label: value unit}. */
    public BenchReport put(PrintStream out, String key, String label, double value, String unit) {
        figures.put(key, value);
        out.printf(Locale.ROOT, "  %-48s %14s %s%n", label, format(value), unit);
        return this;
    }

    public BenchReport put(String key, Object value) {
        figures.put(key, value);
        return this;
    }

    public Map<String, Object> figures() {
        return figures;
    }

    /** Prints the JSON line; call last. */
    public void printJson(PrintStream out) {
        StringBuilder sb = new StringBuilder("{\"benchmark\":").append(quote(benchmark));
        figures.forEach((k, v) -> {
            sb.append(',').append(quote(k)).append(':');
            if (v instanceof Double d) {
                sb.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%.3f", d) : "null");
            } else if (v instanceof Number || v instanceof Boolean) {
                sb.append(v);
            } else if (v == null) {
                sb.append("null");
            } else {
                sb.append(quote(v.toString()));
            }
        });
        out.println(sb.append('}'));
        out.flush();
    }

    /** Median of the values (mean of the middle two for an even count); NaN for none. */
    public static double median(double... values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }

    /** The p-th percentile (0–100) by nearest rank; NaN for none. */
    public static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int rank = (int) Math.ceil(p / 100.0 * v.length);
        return v[Math.min(v.length - 1, Math.max(0, rank - 1))];
    }

    private static String format(double v) {
        if (Math.abs(v) >= 1000 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
