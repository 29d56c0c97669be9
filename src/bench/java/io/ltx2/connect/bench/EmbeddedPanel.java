package io.ltx2.connect.bench;

import java.util.Locale;

/** A whole SVG drawing (the frontier plot) shown as one panel of the plot, scaled to its width. */
final class EmbeddedPanel implements SvgPlot.Panel {
    private final String svg;
    private final int width;
    private final int height;

    /** @param svg a drawing of {@code width} x {@code height} pixels, as {@code FrontierPlot.render} writes it */
    EmbeddedPanel(String svg, int width, int height) {
        this.svg = svg;
        this.width = width;
        this.height = height;
    }

    @Override
    public int height() {
        return (int) Math.round(height * (SvgPlot.W / (double) width));
    }

    @Override
    public void draw(StringBuilder s, int top) {
        int open = svg.indexOf('>', svg.indexOf("<svg")) + 1;
        int close = svg.lastIndexOf("</svg>");
        s.append(String.format(Locale.ROOT, "<svg x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                top, SvgPlot.W, height(), width, height));
        s.append(svg, open, close).append("</svg>\n");
    }
}
