package org.trainbench.ui.views;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.swt.ChartComposite;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.DefaultXYDataset;
import org.trainbench.ui.charts.SvgChart;

/**
 * One JFreeChart line chart in an SWT {@link ChartComposite}: drag to zoom, double-click or Reset Zoom to see all.
 * Its curves are replaced as a whole by {@link #setCurves} (already downsampled to the chart's width, so drawing
 * stays fast however long the run). A listener hears about zooms so the owner can resample the visible range.
 */
final class MetricChart {
    private static final Font TITLE_FONT = new Font("SansSerif", Font.BOLD, 13);
    private static final Font AXIS_FONT = new Font("SansSerif", Font.PLAIN, 11);

    private final String title;
    private final String yTitle;
    private final JFreeChart chart;
    private final XYPlot plot;
    private final ChartComposite composite;
    private final NumberAxis linearAxis;
    private final LogAxis logAxis;
    private List<ChartCurve> curves = List.of();
    private Runnable zoomListener = () -> {
    };
    private boolean applying;

    /**
     * @param yTitle      the vertical axis's title in SVG exports; on screen the chart's title says it
     * @param includeZero whether the vertical axis always reaches down to zero (throughput, memory)
     */
    MetricChart(Composite parent, String title, String yTitle, boolean legend, boolean includeZero) {
        this.title = title;
        this.yTitle = yTitle;
        NumberAxis xAxis = new NumberAxis("Step");
        xAxis.setAutoRangeIncludesZero(false);
        xAxis.setLabelFont(AXIS_FONT);
        linearAxis = new NumberAxis(null);
        linearAxis.setAutoRangeIncludesZero(includeZero);
        linearAxis.setLabelFont(AXIS_FONT);
        logAxis = new LogAxis(null);
        logAxis.setLabelFont(AXIS_FONT);
        logAxis.setSmallestValue(1e-12);
        plot = new XYPlot(new DefaultXYDataset(), xAxis, linearAxis, new XYLineAndShapeRenderer(true, false));
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        chart = new JFreeChart(title, TITLE_FONT, plot, legend);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        LegendTitle legendTitle = chart.getLegend();
        if (legendTitle != null) {
            legendTitle.setPosition(RectangleEdge.TOP);
            legendTitle.setItemFont(AXIS_FONT);
        }
        // The built-in Save and Properties entries of jfreechart-swt 1.0 call JFreeChart 1.0 APIs that 1.5 dropped:
        // export and settings live in the view instead.
        composite = new ChartComposite(parent, SWT.NONE, chart, 600, 300, 120, 90, 4096, 3072, true, false, false, false, true, true);
        xAxis.addChangeListener(e -> {
            if (!applying) {
                zoomListener.run();
            }
        });
    }

    ChartComposite control() {
        return composite;
    }

    JFreeChart chart() {
        return chart;
    }

    String title() {
        return title;
    }

    List<ChartCurve> curves() {
        return curves;
    }

    void onZoom(Runnable listener) {
        zoomListener = listener;
    }

    /** Pixel columns of the plot area: the resolution curves are downsampled to. */
    int plotWidth() {
        int width = composite.getClientArea().width;
        return Math.max(100, width - 90);
    }

    /** The zoomed x range {lower, upper}, or null when the chart shows everything. */
    double[] visibleDomain() {
        ValueAxis axis = plot.getDomainAxis();
        return axis.isAutoRange() ? null : new double[] {axis.getLowerBound(), axis.getUpperBound()};
    }

    void resetZoom() {
        composite.restoreAutoBounds();
    }

    void setXTitle(String text) {
        if (!text.equals(plot.getDomainAxis().getLabel())) {
            applying = true;
            try {
                plot.getDomainAxis().setLabel(text);
            } finally {
                applying = false;
            }
        }
    }

    boolean isLogScale() {
        return plot.getRangeAxis() == logAxis;
    }

    void setLogScale(boolean log) {
        if (log != isLogScale()) {
            plot.setRangeAxis(log ? logAxis : linearAxis);
        }
    }

    /** Replaces the curves (UI thread). */
    void setCurves(List<ChartCurve> newCurves) {
        curves = List.copyOf(newCurves);
        DefaultXYDataset dataset = new DefaultXYDataset();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setDrawSeriesLineAsPath(true);
        int series = 0;
        // Faint raw curves first, so the smoothed ones are drawn over them.
        List<ChartCurve> ordered = new ArrayList<>();
        curves.stream().filter(c -> c.style() == ChartCurve.Style.FAINT).forEach(ordered::add);
        curves.stream().filter(c -> c.style() != ChartCurve.Style.FAINT).forEach(ordered::add);
        for (ChartCurve curve : ordered) {
            if (curve.points().isEmpty()) {
                continue;
            }
            double[] x = curve.points().x();
            double[] y = curve.points().y();
            dataset.addSeries(curve.name(), new double[][] {x, y});
            renderer.setSeriesPaint(series, new Color(curve.rgb()));
            switch (curve.style()) {
                case LINE -> renderer.setSeriesStroke(series, new BasicStroke(1.6f));
                case FAINT -> {
                    renderer.setSeriesStroke(series, new BasicStroke(1.0f));
                    renderer.setSeriesVisibleInLegend(series, false);
                }
                case MARKED -> {
                    renderer.setSeriesStroke(series, new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                            new float[] {6f, 3f}, 0f));
                    renderer.setSeriesShapesVisible(series, true);
                    renderer.setSeriesShape(series, new Ellipse2D.Double(-3, -3, 6, 6));
                }
            }
            series++;
        }
        applying = true;
        try {
            plot.setRenderer(renderer);
            plot.setDataset(dataset);
        } finally {
            applying = false;
        }
    }

    /** Number of points currently drawn, over all curves. */
    int drawnPoints() {
        return curves.stream().mapToInt(c -> c.points().count()).sum();
    }

    /** Draws the chart with Java2D (PNG export). */
    void draw(Graphics2D g, Rectangle2D area) {
        chart.draw(g, area);
    }

    /** The chart as the SVG exporter writes it: the same curves and the axis ranges on screen. */
    SvgChart toSvg() {
        ValueAxis x = plot.getDomainAxis();
        ValueAxis y = plot.getRangeAxis();
        List<SvgChart.Curve> svgCurves = new ArrayList<>();
        for (ChartCurve c : curves) {
            if (!c.points().isEmpty() && c.style() != ChartCurve.Style.FAINT) {
                svgCurves.add(new SvgChart.Curve(c.name(), c.rgb(), c.style() == ChartCurve.Style.MARKED, c.points()));
            }
        }
        double yLow = y.getLowerBound();
        double yHigh = y.getUpperBound();
        boolean log = isLogScale() && yLow > 0;
        return new SvgChart(title, x.getLabel(), yTitle, new double[] {x.getLowerBound(), x.getUpperBound()}, new double[] {yLow, yHigh}, log,
                svgCurves);
    }
}
