package io.ltx2.connect.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Named series of (x, y) points as lines, with an optional dashed target line; y from 0 to {@code maxY} (NaN: the data's maximum). */
final class LinePanel implements SvgPlot.Panel {
    private static final int HEIGHT = 260;

    private final String title;
    private final Map<String, List<double[]>> series;
    private final double maxY;
    private final double target;
    private final String targetLabel;
    /** "%" to label the y axis in percent of 1, "" for plain numbers. */
    private final String unit;

    LinePanel(String title, Map<String, List<double[]>> series, double maxY, double target, String targetLabel, String unit) {
        this.title = title;
        this.series = series;
        this.maxY = maxY;
        this.target = target;
        this.targetLabel = targetLabel;
        this.unit = unit;
    }

    @Override
    public int height() {
        return HEIGHT;
    }

    @Override
    public void draw(StringBuilder s, int top) {
        int bottom = top + HEIGHT;
        double maxX = 1;
        double top2 = Double.isNaN(maxY) ? 0 : maxY;
        for (List<double[]> points : series.values()) {
            for (double[] p : points) {
                maxX = Math.max(maxX, p[0]);
                if (Double.isNaN(maxY) && !Double.isNaN(p[1])) {
                    top2 = Math.max(top2, p[1] * 1.1);
                }
            }
        }
        double yMax = top2 <= 0 ? 1 : top2;
        SvgPlot.text(s, SvgPlot.W / 2.0, top - 8, title, "middle", 13);
        SvgPlot.axes(s, top, bottom);
        for (int i = 0; i <= 4; i++) {
            double v = yMax * i / 4;
            double y = bottom - v / yMax * HEIGHT;
            SvgPlot.line(s, SvgPlot.LEFT, y, SvgPlot.W - SvgPlot.RIGHT, y, "#e0e0e0", 1, null);
            String label = "%".equals(unit) ? String.format(Locale.ROOT, "%.0f%%", v * 100) : String.format(Locale.ROOT, "%.0f", v);
            SvgPlot.text(s, SvgPlot.LEFT - 6, y + 4, label, "end", 11);
        }
        if (!Double.isNaN(target)) {
            double y = bottom - target / yMax * HEIGHT;
            SvgPlot.line(s, SvgPlot.LEFT, y, SvgPlot.W - SvgPlot.RIGHT, y, "#d62728", 1, "6,4");
            SvgPlot.text(s, SvgPlot.W - SvgPlot.RIGHT - 4, y - 4, targetLabel, "end", 11);
        }
        for (int i = 0; i <= 6; i++) {
            double x = SvgPlot.LEFT + (SvgPlot.W - SvgPlot.LEFT - SvgPlot.RIGHT) * i / 6.0;
            SvgPlot.text(s, x, bottom + 16, String.format(Locale.ROOT, "%.0f s", maxX * i / 6), "middle", 11);
        }
        int k = 0;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            polyline(s, e.getValue(), maxX, yMax, top, SvgPlot.color(k));
            SvgPlot.legend(s, SvgPlot.LEFT + 10 + 200 * k, top + 14, SvgPlot.color(k), e.getKey());
            k++;
        }
    }

    private static void polyline(StringBuilder s, List<double[]> points, double maxX, double yMax, int top, String color) {
        if (points.isEmpty()) {
            return;
        }
        s.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"1.5\" points=\"");
        for (double[] p : points) {
            if (Double.isNaN(p[1])) {
                continue;
            }
            double x = SvgPlot.LEFT + (SvgPlot.W - SvgPlot.LEFT - SvgPlot.RIGHT) * p[0] / maxX;
            double y = top + HEIGHT - Math.min(1.0, Math.max(0, p[1] / yMax)) * HEIGHT;
            s.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        s.append("\"/>\n");
    }
}
