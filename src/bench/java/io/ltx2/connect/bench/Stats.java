package io.ltx2.connect.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Percentiles and rounding for the results file. */
final class Stats {
    private Stats() {
    }

    /** Nearest-rank percentile (p in 0..100) of the values; NaN when there are none. */
    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }

    static double[] toArray(Collection<? extends Number> values) {
        return values.stream().mapToDouble(Number::doubleValue).toArray();
    }

    /** count, mean, p50, p95, max of the values, rounded. */
    static Map<String, Object> summary(double[] values, int decimals) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", values.length);
        m.put("mean", round(Arrays.stream(values).average().orElse(Double.NaN), decimals));
        m.put("p50", round(percentile(values, 50), decimals));
        m.put("p95", round(percentile(values, 95), decimals));
        m.put("max", round(Arrays.stream(values).max().orElse(Double.NaN), decimals));
        return m;
    }

    static double round(double v, int decimals) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double f = Math.pow(10, decimals);
        return Math.round(v * f) / f;
    }

    /** a / b rounded, or NaN when b is 0. */
    static double ratio(double a, double b, int decimals) {
        return b == 0 ? Double.NaN : round(a / b, decimals);
    }
}
