package io.ltx2.connect.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.ltx2.connect.bench.DetectionBenchmark.cast;
import static io.ltx2.connect.bench.SaturationBenchmark.num;

/**
 * {@code results/frontier.svg}, hand-written like {@link SvgPlot}: per panel (the mix, then each
 * resolution) status calls per task against the p95 detection delay: the frontier (input-aware:
 * a schedule per resolution, duration and LoRA; and resolution-only, dashed), the adaptive schedule
 * in-process (steady state at several target delays, a cold and a warm backlog), the vendor's
 * advice, and, when the run has them, the detection scenario's end-to-end points (hollow).
 */
final class FrontierPlot {
    static final int W = 1060;
    static final int H = 850;
    private static final int PANEL_W = 430;
    private static final int PANEL_H = 290;
    private static final double MAX_DELAY = 20;
    private static final String ADAPTIVE = "#1f77b4";
    private static final String COLD = "#ff7f0e";
    private static final String WARM = "#9467bd";
    private static final String VENDOR = "#d62728";

    private FrontierPlot() {
    }

    static String render(String title, Map<String, Object> frontier, Map<String, Object> detection) {
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        text(s, W / 2.0, 22, title, "middle", 15);
        legend(s);
        List<String> groups = List.of("mix", "480p", "720p", "1080p");
        for (int i = 0; i < groups.size(); i++) {
            double left = 80 + (i % 2) * (PANEL_W + 90);
            double top = 150 + (i / 2) * (PANEL_H + 80);
            panel(s, groups.get(i), frontier, detection, left, top);
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static void panel(StringBuilder s, String group, Map<String, Object> frontier, Map<String, Object> detection, double left, double top) {
        Map<String, Object> curves = cast(cast(frontier.get("curves")).get(group));
        Map<String, Object> points = cast(frontier.get("points"));
        double maxCalls = 2;
        for (String k : points.keySet()) {
            maxCalls = Math.max(maxCalls, num(FrontierBenchmark.group(points, k, group), "callsPerTask"));
        }
        double yMax = Math.ceil(maxCalls + 0.5);
        Frame f = new Frame(left, top, yMax);
        text(s, left + PANEL_W / 2.0, top - 10, group.equals("mix") ? "even resolution mix" : group, "middle", 13);
        f.axes(s);
        curve(s, f, curveOf(curves.get("resolutionOnly")), "#999", "6,4");
        curve(s, f, curveOf(curves.get("inputAware")), "#222", null);
        List<double[]> sweep = new ArrayList<>();
        for (String k : points.keySet()) {
            if (k.equals("adaptive") || k.startsWith("adaptive-target-")) {
                Map<String, Object> p = FrontierBenchmark.group(points, k, group);
                sweep.add(new double[] {num(p, "delayP95"), num(p, "callsPerTask")});
            }
        }
        sweep.sort((a, b) -> Double.compare(a[0], b[0]));
        curve(s, f, sweep, ADAPTIVE, "2,3");
        for (double[] p : sweep) {
            marker(s, f, p[0], p[1], ADAPTIVE, 3.5, true, false);
        }
        point(s, f, FrontierBenchmark.group(points, "adaptive-cold", group), COLD, true, false, null);
        point(s, f, FrontierBenchmark.group(points, "adaptive-warm", group), WARM, true, false, null);
        point(s, f, FrontierBenchmark.group(points, "adaptive", group), ADAPTIVE, true, false, "adaptive 4 s");
        point(s, f, FrontierBenchmark.group(points, "vendor", group), VENDOR, true, true, null);
        if (detection != null) {
            endToEnd(s, f, detection, "adaptive", group, COLD, false);
            endToEnd(s, f, detection, "adaptive-warm", group, WARM, false);
            endToEnd(s, f, detection, "fixed", group, VENDOR, true);
        }
    }

    private static void endToEnd(StringBuilder s, Frame f, Map<String, Object> detection, String pipeline, String group, String color, boolean square) {
        if (!(detection.get(pipeline) instanceof Map<?, ?> p)) {
            return;
        }
        Map<String, Object> m = cast(p);
        if (!group.equals("mix")) {
            if (!(m.get("byResolution") instanceof Map<?, ?> by) || !(by.get(group) instanceof Map<?, ?> g)) {
                return;
            }
            m = cast(g);
        }
        double p95 = num(cast(m.get("detectionDelayApiSec")), "p95");
        marker(s, f, p95, num(m, "statusCallsPerTask"), color, 6, false, square);
    }

    private static void point(StringBuilder s, Frame f, Map<String, Object> p, String color, boolean filled, boolean square, String label) {
        double x = num(p, "delayP95");
        double y = num(p, "callsPerTask");
        marker(s, f, x, y, color, 6, filled, square);
        if (label != null) {
            text(s, f.x(x) + 9, f.y(y) - 7, String.format(Locale.ROOT, "%s: %.2f (frontier %.2f)", label, y, num(p, "frontierCallsAtP95")),
                    "start", 10);
        }
    }

    static List<double[]> curveOf(Object o) {
        List<double[]> out = new ArrayList<>();
        for (Object p : (List<?>) o) {
            if (p instanceof double[] d) {
                out.add(d);
            } else if (p instanceof List<?> l) {
                out.add(new double[] {((Number) l.get(0)).doubleValue(), ((Number) l.get(1)).doubleValue()});
            }
        }
        return out;
    }

    private static void curve(StringBuilder s, Frame f, List<double[]> points, String color, String dash) {
        StringBuilder pts = new StringBuilder();
        for (double[] p : points) {
            if (p[0] <= MAX_DELAY && p[1] <= f.yMax) {
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", f.x(p[0]), f.y(p[1])));
            }
        }
        s.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.8\"")
                .append(dash == null ? "" : " stroke-dasharray=\"" + dash + "\"").append(" points=\"").append(pts).append("\"/>\n");
    }

    private static void marker(StringBuilder s, Frame f, double x, double y, String color, double r, boolean filled, boolean square) {
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return;
        }
        double cx = f.x(Math.min(x, MAX_DELAY));
        double cy = f.y(Math.min(y, f.yMax));
        String fill = filled ? color : "none";
        if (square) {
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" stroke=\"%s\" stroke-width=\"1.8\"/>\n",
                    cx - r, cy - r, 2 * r, 2 * r, fill, color));
        } else {
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" stroke=\"%s\" stroke-width=\"1.8\"/>\n",
                    cx, cy, r, fill, color));
        }
    }

    private static void legend(StringBuilder s) {
        double y = 56;
        line(s, 80, y - 4, 110, y - 4, "#222", null);
        text(s, 116, y, "frontier: fewest calls for the p95 delay,", "start", 11);
        text(s, 116, y + 14, "one schedule per resolution, duration and LoRA", "start", 11);
        line(s, 80, y + 32, 110, y + 32, "#999", "6,4");
        text(s, 116, y + 36, "frontier, one schedule per resolution", "start", 11);
        double x = 600;
        String[][] items = {{ADAPTIVE, "adaptive, steady state (target 2, 3, 4, 6, 8 s)"}, {COLD, "adaptive, cold backlog"},
            {WARM, "adaptive, backlog after 3x as many"}, {VENDOR, "vendor advice (60 s, then 5 s)"}};
        for (int i = 0; i < items.length; i++) {
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>\n", x, y - 14 + i * 15.0, items[i][0]));
            text(s, x + 10, y - 10 + i * 15.0, items[i][1], "start", 11);
        }
        text(s, x, y + 50, "filled: in-process simulation; hollow: detection scenario, end to end", "start", 11);
    }

    /** One panel's coordinates: p95 delay 0-20 API s across, calls per task 0-yMax up. */
    private record Frame(double left, double top, double yMax) {
        double x(double delay) {
            return left + PANEL_W * delay / MAX_DELAY;
        }

        double y(double calls) {
            return top + PANEL_H - PANEL_H * calls / yMax;
        }

        void axes(StringBuilder s) {
            line(s, left, top, left, top + PANEL_H, "#333", null);
            line(s, left, top + PANEL_H, left + PANEL_W, top + PANEL_H, "#333", null);
            for (int d = 0; d <= MAX_DELAY; d += 4) {
                text(s, x(d), top + PANEL_H + 15, d + " s", "middle", 10);
            }
            text(s, left + PANEL_W / 2.0, top + PANEL_H + 30, "p95 detection delay (API s)", "middle", 11);
            int step = yMax > 8 ? 2 : 1;
            for (int c = 0; c <= yMax; c += step) {
                line(s, left, y(c), left + PANEL_W, y(c), "#e8e8e8", null);
                text(s, left - 6, y(c) + 4, String.valueOf(c), "end", 10);
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 %.1f %.1f)\">"
                    + "status calls per task</text>\n", left - 32, top + PANEL_H / 2.0, left - 32, top + PANEL_H / 2.0));
        }
    }

    private static void line(StringBuilder s, double x1, double y1, double x2, double y2, String color, String dash) {
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\"%s/>\n",
                x1, y1, x2, y2, color, dash == null ? "" : " stroke-dasharray=\"" + dash + "\""));
    }

    private static void text(StringBuilder s, double x, double y, String t, String anchor, int size) {
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>\n", x, y, anchor, size,
                t.replace("&", "&amp;").replace("<", "&lt;")));
    }
}
