package org.trainbench.ui.charts;

import java.util.List;
import java.util.Locale;

/**
 * A line chart written as SVG text: the curves a chart shows (already downsampled to its width), its axis ranges,
 * titles and legend. JFreeChart draws through Java2D and has no SVG output of its own, and the target platform has
 * no SVG Graphics2D, so the workbench writes the few elements of a line chart itself.
 *
 * @param xRange {@code [min, max]} of the horizontal axis in displayed units
 * @param yRange {@code [min, max]} of the vertical axis; positive when {@code logY}
 */
public record SvgChart(String title, String xTitle, String yTitle, double[] xRange, double[] yRange, boolean logY, List<Curve> curves) {

    /**
     * One curve.
     *
     * @param rgb    colour as {@code 0xRRGGBB}
     * @param dashed drawn dashed (validation curves)
     */
    public record Curve(String name, int rgb, boolean dashed, Points points) {
    }

    private static final int LEFT = 78;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 56;

    public SvgChart {
        curves = List.copyOf(curves);
        if (logY && !(yRange[0] > 0)) {
            throw new IllegalArgumentException("a log axis needs a positive range but got [" + yRange[0] + ", " + yRange[1] + "]");
        }
    }

    /** A standalone SVG document of this chart. */
    public String write(int width, int height) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + element(0, 0, width, height, "plot");
    }

    /**
     * Several charts on one page, each at {@code boxes[i] = {x, y, width, height}}: what the Charts view exports.
     */
    public static String page(List<SvgChart> charts, List<int[]> boxes, int width, int height) {
        StringBuilder svg = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">%n",
                width, height, width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        for (int i = 0; i < charts.size(); i++) {
            int[] box = boxes.get(i);
            svg.append(charts.get(i).element(box[0], box[1], box[2], box[3], "plot" + i));
        }
        return svg.append("</svg>\n").toString();
    }

    /** An {@code <svg>} element at (x, y) of the enclosing document; {@code clipId} must be unique in it. */
    private String element(int x, int y, int width, int height, String clipId) {
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                x, y, width, height, width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                width / 2, escape(title)));
        int plotW = width - LEFT - RIGHT;
        int plotH = height - TOP - BOTTOM;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n", LEFT, TOP, plotW,
                plotH));
        for (double tick : NiceTicks.linear(xRange[0], xRange[1], Math.max(2, plotW / 90))) {
            double px = px(tick, plotW);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e4e4e4\"/>%n", px, TOP, px, TOP + plotH));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", px, TOP + plotH + 16,
                    NiceTicks.label(tick)));
        }
        List<Double> yTicks = logY ? NiceTicks.decades(yRange[0], yRange[1]) : NiceTicks.linear(yRange[0], yRange[1], Math.max(2, plotH / 50));
        for (double tick : yTicks) {
            double py = py(tick, plotH);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>%n", LEFT, py, LEFT + plotW, py));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 6, py + 4,
                    NiceTicks.label(tick)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", LEFT + plotW / 2, height - 14,
                escape(xTitle)));
        svg.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 16 %d)\">%s</text>%n",
                TOP + plotH / 2, TOP + plotH / 2, escape(yTitle)));
        svg.append(String.format(Locale.ROOT, "<clipPath id=\"%s\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/></clipPath>%n", clipId, LEFT, TOP,
                plotW, plotH));
        int legendY = TOP + 16;
        for (Curve curve : curves) {
            String color = String.format("#%06x", curve.rgb() & 0xFFFFFF);
            svg.append("<polyline clip-path=\"url(#").append(clipId).append(")\" fill=\"none\" stroke-width=\"1.5\" stroke=\"").append(color).append('"');
            if (curve.dashed()) {
                svg.append(" stroke-dasharray=\"6 3\"");
            }
            svg.append(" points=\"");
            Points p = curve.points();
            for (int i = 0; i < p.count(); i++) {
                if (logY && p.y()[i] <= 0) {
                    continue;
                }
                svg.append(String.format(Locale.ROOT, "%.2f,%.2f ", px(p.x()[i], plotW), py(p.y()[i], plotH)));
            }
            svg.append("\"/>\n");
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>%n", LEFT + plotW - 170,
                    legendY - 4, LEFT + plotW - 150, legendY - 4, color, curve.dashed() ? " stroke-dasharray=\"6 3\"" : ""));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", LEFT + plotW - 144, legendY, escape(curve.name())));
            legendY += 16;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private double px(double x, int plotW) {
        double span = xRange[1] - xRange[0];
        return LEFT + (span > 0 ? (x - xRange[0]) / span : 0.5) * plotW;
    }

    private double py(double y, int plotH) {
        double t;
        if (logY) {
            double span = Math.log10(yRange[1]) - Math.log10(yRange[0]);
            t = span > 0 ? (Math.log10(y) - Math.log10(yRange[0])) / span : 0.5;
        } else {
            double span = yRange[1] - yRange[0];
            t = span > 0 ? (y - yRange[0]) / span : 0.5;
        }
        return TOP + (1 - t) * plotH;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
