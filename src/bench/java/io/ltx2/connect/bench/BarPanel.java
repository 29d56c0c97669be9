package io.ltx2.connect.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Groups of bars (one group per key, one bar per named figure), values written on the bars; a linear or a log y axis. */
final class BarPanel implements SvgPlot.Panel {
    private static final int HEIGHT = 200;

    private final String title;
    private final Map<String, double[]> groups;
    private final List<String> bars;
    private final boolean log;

    BarPanel(String title, Map<String, double[]> groups, List<String> bars, boolean log) {
        this.title = title;
        this.groups = groups;
        this.bars = bars;
        this.log = log;
    }

    @Override
    public int height() {
        return HEIGHT;
    }

    @Override
    public void draw(StringBuilder s, int top) {
        int bottom = top + HEIGHT;
        SvgPlot.text(s, SvgPlot.W / 2.0, top - 8, title, "middle", 13);
        SvgPlot.axes(s, top, bottom);
        double max = log ? 10 : 0.5;
        for (double[] d : groups.values()) {
            for (double v : d) {
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        max = log ? Math.pow(10, Math.ceil(Math.log10(max))) : Math.ceil(max);
        int ticks = log ? (int) Math.round(Math.log10(max)) : 4;
        for (int i = 0; i <= ticks; i++) {
            double v = log ? Math.pow(10, i) : max * i / ticks;
            double y = bottom - scaled(v, max) * HEIGHT;
            SvgPlot.line(s, SvgPlot.LEFT, y, SvgPlot.W - SvgPlot.RIGHT, y, "#e0e0e0", 1, null);
            SvgPlot.text(s, SvgPlot.LEFT - 6, y + 4, log ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v), "end", 11);
        }
        int groupCount = Math.max(1, groups.size());
        double groupWidth = (SvgPlot.W - SvgPlot.LEFT - SvgPlot.RIGHT) / (double) groupCount;
        double bw = groupWidth * 0.7 / Math.max(1, bars.size());
        int g = 0;
        for (Map.Entry<String, double[]> e : groups.entrySet()) {
            double x0 = SvgPlot.LEFT + g * groupWidth + groupWidth * 0.15;
            for (int k = 0; k < bars.size() && k < e.getValue().length; k++) {
                double v = e.getValue()[k];
                if (Double.isNaN(v)) {
                    continue;
                }
                double h = scaled(v, max) * HEIGHT;
                SvgPlot.rect(s, x0 + k * bw, bottom - h, bw - 4, h, SvgPlot.color(k));
                SvgPlot.text(s, x0 + k * bw + (bw - 4) / 2, bottom - h - 4, v >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                        : String.format(Locale.ROOT, "%.2f", v), "middle", 10);
            }
            SvgPlot.text(s, x0 + bw * bars.size() / 2, bottom + 16, e.getKey(), "middle", 12);
            g++;
        }
        for (int k = 0; k < bars.size(); k++) {
            SvgPlot.legend(s, SvgPlot.LEFT + 10 + 240 * k, top + 14, SvgPlot.color(k), bars.get(k));
        }
    }

    private double scaled(double v, double max) {
        if (log) {
            return v <= 1 ? 0 : Math.log10(v) / Math.log10(max);
        }
        return Math.max(0, v) / max;
    }
}
