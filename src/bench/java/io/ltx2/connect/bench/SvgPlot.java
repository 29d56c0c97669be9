package io.ltx2.connect.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small hand-written SVG of the run, no external tools: panels stacked top to bottom, each a
 * {@link Panel}. A scenario adds its figure by adding a panel ({@link LinePanel} for series over
 * time, {@link BarPanel} for grouped figures); {@link #panels} lists what the results hold.
 */
final class SvgPlot {
    static final int W = 900;
    static final int LEFT = 70;
    static final int RIGHT = 30;
    private static final int GAP = 70;
    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#d62728"};

    /** One figure of the plot, drawn in a band {@link #height()} pixels high starting at {@code top}. */
    interface Panel {
        int height();

        void draw(StringBuilder s, int top);
    }

    private SvgPlot() {
    }

    static String render(String title, List<Panel> panels) {
        int height = 50 + panels.stream().mapToInt(p -> p.height() + GAP).sum();
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(height)
                .append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        text(s, W / 2.0, 22, title, "middle", 15);
        int top = 50;
        for (Panel p : panels) {
            p.draw(s, top);
            top += p.height() + GAP;
        }
        s.append("</svg>\n");
        return s.toString();
    }

    /** The panels of a run's results: saturation over time, detection delays, restart time against history, backlog drain. */
    static List<Panel> panels(List<double[]> ours, List<double[]> naive, List<double[]> oursSlow, Map<String, double[]> delays,
                              Map<String, double[]> restart, List<double[]> backlog, Map<String, List<double[]>> backlogHeap) {
        List<Panel> panels = new ArrayList<>();
        Map<String, List<double[]>> saturation = new LinkedHashMap<>();
        saturation.put("LTX sink + source", ours);
        saturation.put("naive blocking sink", naive);
        if (!oursSlow.isEmpty()) {
            saturation.put("LTX, time scale 1.0", oursSlow);
        }
        panels.add(new LinePanel("Saturation: tasks active / concurrency limit (API seconds since first create)", saturation, 1.05, 0.95,
                "target 95%", "%"));
        panels.add(new BarPanel("Detection delay, API seconds", delays, List.of("p50", "p95"), false));
        if (!restart.isEmpty()) {
            panels.add(new BarPanel("Sink task restart with a daily cap, ms (log scale) against tracking records in the last 24 h", restart,
                    List.of("start, no checkpoint (full read)", "start, from checkpoint", "first create after restart"), true));
        }
        if (!backlog.isEmpty()) {
            List<double[]> rate = backlog.stream().map(p -> new double[] {p[0], p[1]}).toList();
            panels.add(new LinePanel("Backlog drain: events per second (seconds since the first event)", Map.of("events/s", rate), Double.NaN,
                    Double.NaN, null, ""));
            panels.add(new LinePanel("Backlog drain: worker heap used after each collection, MB (-Xmx256m)", backlogHeap, 256, 256,
                    "256 MB", ""));
        }
        return panels;
    }

    static String color(int i) {
        return COLORS[i % COLORS.length];
    }

    static void axes(StringBuilder s, int top, int bottom) {
        line(s, LEFT, top, LEFT, bottom, "#333", 1, null);
        line(s, LEFT, bottom, W - RIGHT, bottom, "#333", 1, null);
    }

    static void legend(StringBuilder s, double x, double y, String color, String label) {
        line(s, x, y - 4, x + 24, y - 4, color, 3, null);
        text(s, x + 30, y, label, "start", 12);
    }

    static void line(StringBuilder s, double x1, double y1, double x2, double y2, String color, double width, String dash) {
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"%s/>\n",
                x1, y1, x2, y2, color, width, dash == null ? "" : " stroke-dasharray=\"" + dash + "\""));
    }

    static void rect(StringBuilder s, double x, double y, double w, double h, String color) {
        s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>\n", x, y, w, h, color));
    }

    static void text(StringBuilder s, double x, double y, String t, String anchor, int size) {
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>\n", x, y, anchor, size,
                t.replace("&", "&amp;").replace("<", "&lt;")));
    }
}
