package org.trainbench.engine.train.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import org.trainbench.engine.run.MetricsLog;
import org.trainbench.engine.run.MetricsRecord;

/**
 * Draws the training and validation loss of a run directory's metrics.jsonl as a PNG: steps on x, loss on y (from
 * 0), training loss as a blue line, validation loss as red points joined by a thin line.
 */
public final class LossCurvePlot {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 60;
    private static final int BOTTOM = 70;
    private static final int WHITE = 0xFFFFFF;
    private static final int INK = 0x222222;
    private static final int GRID = 0xE4E4E4;
    private static final int TRAIN = 0x1F5FBF;
    private static final int VALIDATION = 0xD0342C;

    private LossCurvePlot() {
    }

    /** The train and validation series of a metrics.jsonl; a later line for the same step (after a resume) wins. */
    public record Series(NavigableMap<Long, Double> train, NavigableMap<Long, Double> validation) {
    }

    public static Series read(Path metricsJsonl) throws IOException {
        NavigableMap<Long, Double> train = new TreeMap<>();
        NavigableMap<Long, Double> validation = new TreeMap<>();
        for (MetricsRecord record : MetricsLog.read(metricsJsonl)) {
            switch (record) {
                case MetricsRecord.Train t when !Double.isNaN(t.loss()) -> train.put(t.step(), t.loss());
                case MetricsRecord.Evaluation e when !e.test() && !Double.isNaN(e.loss()) -> validation.put(e.step(), e.loss());
                default -> {
                }
            }
        }
        return new Series(train, validation);
    }

    /** Reads {@code metricsJsonl} and writes the plot to {@code png}. */
    public static void write(Path metricsJsonl, Path png, String title) throws IOException {
        Series series = read(metricsJsonl);
        if (series.train().isEmpty()) {
            throw new IOException(metricsJsonl + ": no train lines with a loss to plot");
        }
        draw(series, title).writePng(png);
    }

    /**
     * {@code java -cp "lib/*" org.trainbench.engine.train.demo.LossCurvePlot OUT.png TITLE LABEL=metrics.jsonl...}: the
     * runs' losses on one plot (docs/gpu/demo-gpu-vs-cpu.png was made so).
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: LossCurvePlot OUT.png TITLE LABEL=metrics.jsonl [LABEL=metrics.jsonl...]");
            System.exit(2);
        }
        java.util.LinkedHashMap<String, Path> runs = new java.util.LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            int equals = args[i].indexOf('=');
            runs.put(args[i].substring(0, equals), Path.of(args[i].substring(equals + 1)));
        }
        compare(runs, Path.of(args[0]), args[1]);
    }

    /** Colours of the runs of {@link #compare}, in order (train lines; validation markers in the same colour). */
    private static final int[] RUN_COLOURS = {TRAIN, VALIDATION, 0x2E8B57, 0x8E44AD};

    /**
     * Several runs' training (lines) and validation (markers) losses on one set of axes, e.g. the same config trained
     * on the CPU and on the GPU: {@code runs} maps a legend label to a run's metrics.jsonl.
     */
    public static void compare(java.util.SequencedMap<String, Path> runs, Path png, String title) throws IOException {
        java.util.LinkedHashMap<String, Series> all = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, Path> run : runs.entrySet()) {
            all.put(run.getKey(), read(run.getValue()));
        }
        PngCanvas canvas = new PngCanvas(WIDTH, HEIGHT, WHITE);
        long lastStep = 0;
        double maxLoss = 0;
        for (Series s : all.values()) {
            if (!s.train().isEmpty()) {
                lastStep = Math.max(lastStep, s.train().lastKey());
            }
            for (double loss : s.train().values()) {
                maxLoss = Math.max(maxLoss, loss);
            }
        }
        int plotWidth = axes(canvas, lastStep, maxLoss, title);
        double yTop = niceCeiling(maxLoss);
        long xRight = Math.max(1, (long) niceCeiling(lastStep));
        int plotHeight = HEIGHT - TOP - BOTTOM;
        int index = 0;
        int legendX = LEFT + plotWidth - 420;
        for (Map.Entry<String, Series> run : all.entrySet()) {
            int colour = RUN_COLOURS[index % RUN_COLOURS.length];
            plot(canvas, run.getValue().train(), xRight, yTop, plotWidth, plotHeight, colour, index == 0 ? 4 : 2, false);
            plot(canvas, run.getValue().validation(), xRight, yTop, plotWidth, plotHeight, colour, 1, true);
            canvas.fillRect(legendX, TOP + 14 + 22 * index, 24, 4, colour);
            canvas.text(run.getKey(), legendX + 32, TOP + 10 + 22 * index, 2, INK);
            index++;
        }
        canvas.writePng(png);
    }

    /** Draws grid, ticks, labels and title for losses up to {@code maxLoss} over {@code lastStep} steps; returns the plot width. */
    private static int axes(PngCanvas canvas, long lastStep, double maxLoss, String title) {
        double yTop = niceCeiling(maxLoss);
        long xRight = Math.max(1, (long) niceCeiling(lastStep));
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        for (int i = 0; i <= 5; i++) {
            int y = TOP + plotHeight - (int) Math.round(plotHeight * i / 5.0);
            canvas.line(LEFT, y, LEFT + plotWidth, y, 1, GRID);
            String label = format(yTop * i / 5.0);
            canvas.text(label, LEFT - 10 - PngCanvas.textWidth(label, 2), y - 7, 2, INK);
            int x = LEFT + (int) Math.round(plotWidth * i / 5.0);
            canvas.line(x, TOP, x, TOP + plotHeight, 1, GRID);
            String step = Long.toString(Math.round(xRight * i / 5.0));
            canvas.text(step, x - PngCanvas.textWidth(step, 2) / 2, TOP + plotHeight + 12, 2, INK);
        }
        canvas.line(LEFT, TOP, LEFT, TOP + plotHeight, 2, INK);
        canvas.line(LEFT, TOP + plotHeight, LEFT + plotWidth, TOP + plotHeight, 2, INK);
        canvas.text("step", LEFT + plotWidth / 2 - PngCanvas.textWidth("step", 2) / 2, HEIGHT - 28, 2, INK);
        canvas.text("loss", 12, TOP - 30, 2, INK);
        canvas.text(title, LEFT + plotWidth / 2 - PngCanvas.textWidth(title, 3) / 2, 14, 3, INK);
        return plotWidth;
    }

    static PngCanvas draw(Series series, String title) {
        PngCanvas canvas = new PngCanvas(WIDTH, HEIGHT, WHITE);
        long lastStep = Math.max(series.train().lastKey(), series.validation().isEmpty() ? 0 : series.validation().lastKey());
        double maxLoss = 0;
        for (double loss : series.train().values()) {
            maxLoss = Math.max(maxLoss, loss);
        }
        for (double loss : series.validation().values()) {
            maxLoss = Math.max(maxLoss, loss);
        }
        double yTop = niceCeiling(maxLoss);
        long xRight = Math.max(1, (long) niceCeiling(lastStep));
        int plotWidth = axes(canvas, lastStep, maxLoss, title);
        int plotHeight = HEIGHT - TOP - BOTTOM;

        plot(canvas, series.train(), xRight, yTop, plotWidth, plotHeight, TRAIN, 3, false);
        plot(canvas, series.validation(), xRight, yTop, plotWidth, plotHeight, VALIDATION, 1, true);

        int legendX = LEFT + plotWidth - 320;
        canvas.fillRect(legendX, TOP + 14, 24, 4, TRAIN);
        canvas.text("train", legendX + 32, TOP + 10, 2, INK);
        if (!series.validation().isEmpty()) {
            canvas.fillRect(legendX + 120, TOP + 12, 8, 8, VALIDATION);
            canvas.text("validation", legendX + 136, TOP + 10, 2, INK);
        }
        return canvas;
    }

    private static void plot(PngCanvas canvas, NavigableMap<Long, Double> points, long xRight, double yTop, int plotWidth, int plotHeight,
            int colour, int thickness, boolean markers) {
        int previousX = -1;
        int previousY = -1;
        for (Map.Entry<Long, Double> point : points.entrySet()) {
            int x = LEFT + (int) Math.round(plotWidth * (double) point.getKey() / xRight);
            int y = TOP + plotHeight - (int) Math.round(plotHeight * Math.min(point.getValue(), yTop) / yTop);
            if (previousX >= 0) {
                canvas.line(previousX, previousY, x, y, thickness, colour);
            }
            if (markers) {
                canvas.fillRect(x - 4, y - 4, 9, 9, colour);
            }
            previousX = x;
            previousY = y;
        }
    }

    /** The smallest round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) that is at least {@code value}. */
    static double niceCeiling(double value) {
        if (!(value > 0)) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double factor : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (factor * power >= value) {
                return factor * power;
            }
        }
        return 10 * power;
    }

    private static String format(double value) {
        if (value == Math.rint(value)) {
            return Long.toString((long) value);
        }
        return String.format(Locale.ROOT, "%.2f", value).replaceAll("0+$", "");
    }
}
