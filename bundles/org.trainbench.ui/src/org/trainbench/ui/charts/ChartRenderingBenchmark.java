package org.trainbench.ui.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.DefaultXYDataset;

/**
 * How long the Charts view takes to draw a run of N logged points (default 1,000,000): EMA smoothing, downsampling to
 * the plot width (whole run and a 10% zoom), and JFreeChart drawing the result, compared with drawing every point.
 * With {@code --swt} (needs a display, e.g. xvfb-run) it also times the on-screen path: a ChartComposite painting
 * through SWT.
 *
 * <pre>
 * java -cp &lt;ui classes&gt;:jfreechart-1.5.6.jar[:swt.jar:jfreechart-swt-1.0.jar:swtgraphics2d-1.0.jar] \
 *     org.trainbench.ui.charts.ChartRenderingBenchmark [points] [--swt]
 * </pre>
 *
 * Prints the median and best of several timed repetitions after warm-up; nothing is asserted.
 */
public final class ChartRenderingBenchmark {
    private static final int WIDTH = 1600;
    private static final int HEIGHT = 500;
    private static final int PLOT_PIXELS = WIDTH - 90;

    private ChartRenderingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int points = 1_000_000;
        boolean swt = false;
        for (String arg : args) {
            if (arg.equals("--swt")) {
                swt = true;
            } else {
                points = Integer.parseInt(arg.replace("_", ""));
            }
        }
        int n = points;
        double[] x = new double[n];
        double[] y = new double[n];
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
            y[i] = 2.0 + 8.0 * Math.exp(-i / (n / 6.0)) + 0.15 * random.nextGaussian();
        }
        System.out.printf(Locale.ROOT, "%,d points, plot %d px wide, Java %s%n", n, PLOT_PIXELS, Runtime.version());

        double[][] smoothed = new double[1][];
        time("EMA smoothing (weight 0.6)", 5, 20, () -> {
            smoothed[0] = ExponentialSmoothing.smooth(y, y.length, 0.6);
            return (long) smoothed[0][y.length - 1];
        });
        Points[] whole = new Points[1];
        time("downsample, whole run", 5, 20, () -> {
            whole[0] = PixelBucketDownsampler.downsample(x, smoothed[0], n, 1, n, PLOT_PIXELS, false);
            return whole[0].count();
        });
        time("downsample, 10% zoom", 5, 20,
                () -> PixelBucketDownsampler.downsample(x, smoothed[0], n, n * 0.45, n * 0.55, PLOT_PIXELS, false).count());
        System.out.printf(Locale.ROOT, "  -> %,d points drawn instead of %,d%n", whole[0].count(), n);

        JFreeChart reduced = chart(whole[0].x(), whole[0].y());
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        time("JFreeChart draw, downsampled", 5, 20, () -> draw(reduced, image));
        time("smooth + downsample + draw (one live update)", 5, 20, () -> {
            double[] s = ExponentialSmoothing.smooth(y, y.length, 0.6);
            Points p = PixelBucketDownsampler.downsample(x, s, n, 1, n, PLOT_PIXELS, false);
            return draw(chart(p.x(), p.y()), image);
        });
        JFreeChart full = chart(x, smoothed[0]);
        time("JFreeChart draw, every point (no downsampling)", 1, 3, () -> draw(full, image));
        if (swt) {
            SwtPaint.run(whole[0], x, smoothed[0]);
        }
    }

    static JFreeChart chart(double[] x, double[] y) {
        DefaultXYDataset dataset = new DefaultXYDataset();
        dataset.addSeries("train", new double[][] {x, y});
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setDrawSeriesLineAsPath(true);
        renderer.setSeriesPaint(0, new Color(0x0072B2));
        renderer.setSeriesStroke(0, new BasicStroke(1.6f));
        NumberAxis xAxis = new NumberAxis("Step");
        NumberAxis yAxis = new NumberAxis("Loss");
        yAxis.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(dataset, xAxis, yAxis, renderer);
        JFreeChart chart = new JFreeChart("Loss", plot);
        chart.setAntiAlias(true);
        return chart;
    }

    private static long draw(JFreeChart chart, BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        chart.draw(g, new Rectangle2D.Double(0, 0, WIDTH, HEIGHT));
        g.dispose();
        return image.getRGB(WIDTH / 2, HEIGHT / 2);
    }

    /** Runs {@code work} {@code warmup} times, then times {@code runs} runs; prints median and best in ms. */
    static void time(String what, int warmup, int runs, LongSupplier work) {
        long sink = 0;
        for (int i = 0; i < warmup; i++) {
            sink += work.getAsLong();
        }
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            sink += work.getAsLong();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        System.out.printf(Locale.ROOT, "%-48s median %8.2f ms   best %8.2f ms   (%d runs)%s%n", what, ms[runs / 2], ms[0], runs,
                sink == 42 ? " " : "");
    }

    /** The on-screen path: a ChartComposite of the given size painting synchronously. */
    private static final class SwtPaint {
        static void run(Points reducedPoints, double[] x, double[] y) {
            org.eclipse.swt.widgets.Display display = new org.eclipse.swt.widgets.Display();
            org.eclipse.swt.widgets.Shell shell = new org.eclipse.swt.widgets.Shell(display);
            shell.setLayout(new org.eclipse.swt.layout.FillLayout());
            shell.setSize(WIDTH, HEIGHT);
            JFreeChart reduced = chart(reducedPoints.x(), reducedPoints.y());
            org.jfree.chart.swt.ChartComposite composite = new org.jfree.chart.swt.ChartComposite(shell, org.eclipse.swt.SWT.NONE, reduced,
                    WIDTH, HEIGHT, 100, 100, 4096, 4096, true, false, false, false, true, true);
            shell.open();
            for (int i = 0; i < 20; i++) {
                display.readAndDispatch();
            }
            // A chart change invalidates the composite's buffer; forceRedraw then paints synchronously on this thread.
            LongSupplier paint = () -> {
                composite.getChart().fireChartChanged();
                composite.forceRedraw();
                return composite.getSize().x;
            };
            time("SWT ChartComposite paint, downsampled", 5, 20, paint);
            composite.setChart(chart(x, y));
            time("SWT ChartComposite paint, every point", 1, 3, paint);
            shell.dispose();
            display.dispose();
        }
    }
}
