package io.ltx2.connect.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A small hand-written SVG: the saturation time series on top, detection delays as bars below. No external tools. */
final class SvgPlot {
    private static final int W = 900;
    private static final int H = 640;
    private static final int LEFT = 70;
    private static final int RIGHT = 30;

    private SvgPlot() {
    }

    static String render(String title, List<double[]> ours, List<double[]> naive, Map<String, double[]> delays) {
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        text(s, W / 2.0, 22, title, "middle", 15);
        saturation(s, ours, naive, 50, 300);
        delays(s, delays, 400, 200);
        s.append("</svg>\n");
        return s.toString();
    }

    private static void saturation(StringBuilder s, List<double[]> ours, List<double[]> naive, int top, int height) {
        int bottom = top + height;
        double maxX = 1;
        for (double[] p : ours) {
            maxX = Math.max(maxX, p[0]);
        }
        for (double[] p : naive) {
            maxX = Math.max(maxX, p[0]);
        }
        text(s, W / 2.0, top - 8, "Saturation: tasks active / concurrency limit (API seconds since first create)", "middle", 13);
        axes(s, top, bottom);
        for (int pct = 0; pct <= 100; pct += 25) {
            double y = bottom - pct / 100.0 * height;
            line(s, LEFT, y, W - RIGHT, y, "#e0e0e0", 1, null);
            text(s, LEFT - 6, y + 4, pct + "%", "end", 11);
        }
        double targetY = bottom - 0.95 * height;
        line(s, LEFT, targetY, W - RIGHT, targetY, "#d62728", 1, "6,4");
        text(s, W - RIGHT - 4, targetY - 4, "target 95%", "end", 11);
        int ticks = 6;
        for (int i = 0; i <= ticks; i++) {
            double v = maxX * i / ticks;
            double x = LEFT + (W - LEFT - RIGHT) * i / (double) ticks;
            text(s, x, bottom + 16, String.format(Locale.ROOT, "%.0f s", v), "middle", 11);
        }
        polyline(s, naive, maxX, top, height, "#ff7f0e");
        polyline(s, ours, maxX, top, height, "#1f77b4");
        legend(s, LEFT + 10, top + 14, "#1f77b4", "LTX sink + source");
        legend(s, LEFT + 180, top + 14, "#ff7f0e", "naive blocking sink");
    }

    private static void delays(StringBuilder s, Map<String, double[]> delays, int top, int height) {
        int bottom = top + height;
        text(s, W / 2.0, top - 8, "Detection delay, API seconds (p50 light, p95 dark)", "middle", 13);
        axes(s, top, bottom);
        double max = 0.5;
        for (double[] d : delays.values()) {
            for (double v : d) {
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        max = Math.ceil(max);
        for (int i = 0; i <= 4; i++) {
            double v = max * i / 4;
            double y = bottom - v / max * height;
            line(s, LEFT, y, W - RIGHT, y, "#e0e0e0", 1, null);
            text(s, LEFT - 6, y + 4, String.format(Locale.ROOT, "%.1f", v), "end", 11);
        }
        int groups = Math.max(1, delays.size());
        double groupWidth = (W - LEFT - RIGHT) / (double) groups;
        int g = 0;
        for (Map.Entry<String, double[]> e : delays.entrySet()) {
            double x0 = LEFT + g * groupWidth + groupWidth * 0.25;
            double bw = groupWidth * 0.22;
            String[] colors = {"#9ecae1", "#3182bd"};
            for (int k = 0; k < 2 && k < e.getValue().length; k++) {
                double v = e.getValue()[k];
                if (Double.isNaN(v)) {
                    continue;
                }
                double h = Math.max(0, v) / max * height;
                s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n",
                        x0 + k * bw, bottom - h, bw - 4, h, colors[k]));
                text(s, x0 + k * bw + (bw - 4) / 2, bottom - h - 4, String.format(Locale.ROOT, "%.2f", v), "middle", 10);
            }
            text(s, x0 + bw, bottom + 16, e.getKey(), "middle", 12);
            g++;
        }
    }

    private static void axes(StringBuilder s, int top, int bottom) {
        line(s, LEFT, top, LEFT, bottom, "#333", 1, null);
        line(s, LEFT, bottom, W - RIGHT, bottom, "#333", 1, null);
    }

    private static void polyline(StringBuilder s, List<double[]> points, double maxX, int top, int height, String color) {
        if (points.isEmpty()) {
            return;
        }
        s.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.5\" points=\"");
        for (double[] p : points) {
            double x = LEFT + (W - LEFT - RIGHT) * p[0] / maxX;
            double y = top + height - Math.min(1.05, Math.max(0, p[1])) * height;
            s.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        s.append("\"/>\n");
    }

    private static void legend(StringBuilder s, double x, double y, String color, String label) {
        line(s, x, y - 4, x + 24, y - 4, color, 3, null);
        text(s, x + 30, y, label, "start", 12);
    }

    private static void line(StringBuilder s, double x1, double y1, double x2, double y2, String color, double width, String dash) {
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"%s/>\n",
                x1, y1, x2, y2, color, width, dash == null ? "" : " stroke-dasharray=\"" + dash + "\""));
    }

    private static void text(StringBuilder s, double x, double y, String t, String anchor, int size) {
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>\n", x, y, anchor, size,
                t.replace("&", "&amp;").replace("<", "&lt;")));
    }
}
