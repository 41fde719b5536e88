package org.trainbench.ui.views;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import javax.imageio.ImageIO;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.layout.RowData;
import org.eclipse.swt.layout.RowLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Scale;
import org.eclipse.ui.part.ViewPart;
import org.trainbench.ui.LiveRuns;
import org.trainbench.ui.charts.Curves;
import org.trainbench.ui.charts.Points;
import org.trainbench.ui.charts.SvgChart;
import org.trainbench.ui.charts.XAxis;
import org.trainbench.ui.experiments.Metric;
import org.trainbench.ui.experiments.RunFollower;
import org.trainbench.ui.experiments.RunMetrics;
import org.trainbench.ui.experiments.RunSnapshot;
import org.trainbench.ui.experiments.Series;

/**
 * Live charts of one run: training and validation loss, learning rate, gradient norm, throughput and memory. Redrawn
 * within a second of the engine appending to metrics.jsonl: each {@link LiveRuns} refresh that brings new lines
 * starts a background job that smooths and downsamples the series to the charts' pixel widths; the UI thread only
 * swaps in the few thousand points that result. Smoothing (EMA), log scale for the loss, the x axis (step, tokens,
 * training time), zoom (drag in a chart), and PNG/SVG export of all five charts.
 */
public final class ChartsView extends ViewPart {
    public static final String ID = "org.trainbench.ui.views.charts";

    /** The charts, top to bottom and left to right. */
    public enum Panel {
        LOSS("Loss", "Loss"),
        LEARNING_RATE("Learning rate", "Learning rate"),
        GRAD_NORM("Gradient norm", "Gradient norm"),
        THROUGHPUT("Throughput (tokens/s)", "Tokens/s"),
        MEMORY("Memory in use (GiB)", "GiB");

        final String title;
        final String yTitle;

        Panel(String title, String yTitle) {
            this.title = title;
            this.yTitle = yTitle;
        }
    }

    /** Everything the curve job needs, captured on the UI thread. */
    private record Request(RunFollower follower, XAxis xAxis, double smoothing, boolean logLoss, Map<Panel, double[]> domains,
            Map<Panel, Integer> widths) {
    }

    /** What the curve job computed. */
    private record Drawing(Request request, long generation, double unit, Map<Panel, List<ChartCurve>> curves) {
    }

    private static final double GIB = 1024.0 * 1024.0 * 1024.0;

    private Label header;
    /** Checkpoint and stop for the run shown, while it runs and its process is known. */
    Button stopButton;
    Combo xAxisCombo;
    Scale smoothingScale;
    private Label smoothingLabel;
    Button logScaleButton;
    private final Map<Panel, MetricChart> charts = new EnumMap<>(Panel.class);

    private Path run;
    private RunFollower follower;
    private XAxis xAxis = XAxis.STEP;
    private double smoothing = 0.6;
    private boolean logLoss;
    private double drawnUnit = 1;
    private volatile long drawnGeneration = -1;
    private volatile long requestedGeneration = -1;
    private volatile Request pending;
    private final Consumer<List<RunSnapshot>> listener = this::update;

    private final Job curveJob = new Job("Drawing training curves") {
        @Override
        protected IStatus run(IProgressMonitor monitor) {
            Request request = pending;
            if (request == null || request.follower() == null) {
                return Status.OK_STATUS;
            }
            Drawing drawing = compute(request);
            Display display = Display.getDefault();
            if (!display.isDisposed()) {
                display.asyncExec(() -> apply(drawing));
            }
            return Status.OK_STATUS;
        }
    };

    @Override
    public void createPartControl(Composite parent) {
        curveJob.setSystem(true);
        parent.setLayout(new GridLayout(1, false));
        Composite headerRow = new Composite(parent, SWT.NONE);
        headerRow.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
        GridLayout headerLayout = new GridLayout(2, false);
        headerLayout.marginWidth = 0;
        headerLayout.marginHeight = 0;
        headerRow.setLayout(headerLayout);
        header = new Label(headerRow, SWT.NONE);
        header.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        header.setText("Open a run's charts from the Experiments view (double-click a run).");
        stopButton = new Button(headerRow, SWT.PUSH);
        stopButton.setText("Stop");
        stopButton.setToolTipText("Checkpoint and stop: the engine writes a checkpoint after its current step and ends;"
                + " run the same config again to resume");
        stopButton.setEnabled(false);
        stopButton.addListener(SWT.Selection, e -> {
            if (run != null) {
                LiveRuns.get().stop(run).ifPresent(stop -> {
                    stop.run();
                    stopButton.setEnabled(false);
                });
            }
        });

        Composite controls = new Composite(parent, SWT.NONE);
        controls.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
        RowLayout controlsLayout = new RowLayout(SWT.HORIZONTAL);
        controlsLayout.center = true;
        controlsLayout.wrap = true;
        controlsLayout.marginTop = 0;
        controlsLayout.marginBottom = 0;
        controls.setLayout(controlsLayout);
        new Label(controls, SWT.NONE).setText("X axis:");
        xAxisCombo = new Combo(controls, SWT.READ_ONLY);
        for (XAxis axis : XAxis.values()) {
            xAxisCombo.add(axis.label());
        }
        xAxisCombo.select(xAxis.ordinal());
        xAxisCombo.addListener(SWT.Selection, e -> {
            xAxis = XAxis.values()[xAxisCombo.getSelectionIndex()];
            charts.values().forEach(MetricChart::resetZoom);
            redraw();
        });
        new Label(controls, SWT.NONE).setText("  Smoothing:");
        smoothingScale = new Scale(controls, SWT.HORIZONTAL);
        smoothingScale.setMinimum(0);
        smoothingScale.setMaximum(99);
        smoothingScale.setSelection((int) Math.round(smoothing * 100));
        smoothingScale.setLayoutData(new RowData(140, SWT.DEFAULT));
        smoothingLabel = new Label(controls, SWT.NONE);
        smoothingLabel.setText(String.format(Locale.ROOT, "%.2f", smoothing));
        smoothingScale.addListener(SWT.Selection, e -> {
            smoothing = smoothingScale.getSelection() / 100.0;
            smoothingLabel.setText(String.format(Locale.ROOT, "%.2f", smoothing));
            redraw();
        });
        logScaleButton = new Button(controls, SWT.CHECK);
        logScaleButton.setText("Log scale (loss)");
        logScaleButton.addListener(SWT.Selection, e -> {
            logLoss = logScaleButton.getSelection();
            redraw();
        });
        Button reset = new Button(controls, SWT.PUSH);
        reset.setText("Reset Zoom");
        reset.addListener(SWT.Selection, e -> charts.values().forEach(MetricChart::resetZoom));
        Button png = new Button(controls, SWT.PUSH);
        png.setText("Export PNG...");
        png.addListener(SWT.Selection, e -> chooseFile("*.png").ifPresent(this::exportPng));
        Button svg = new Button(controls, SWT.PUSH);
        svg.setText("Export SVG...");
        svg.addListener(SWT.Selection, e -> chooseFile("*.svg").ifPresent(this::exportSvg));

        SashForm sash = new SashForm(parent, SWT.VERTICAL);
        sash.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
        charts.put(Panel.LOSS, new MetricChart(sash, Panel.LOSS.title, Panel.LOSS.yTitle, true, false));
        Composite grid = new Composite(sash, SWT.NONE);
        GridLayout gridLayout = new GridLayout(2, true);
        gridLayout.marginWidth = 0;
        gridLayout.marginHeight = 0;
        grid.setLayout(gridLayout);
        for (Panel panel : List.of(Panel.LEARNING_RATE, Panel.GRAD_NORM, Panel.THROUGHPUT, Panel.MEMORY)) {
            MetricChart chart = new MetricChart(grid, panel.title, panel.yTitle, false,
                    panel == Panel.THROUGHPUT || panel == Panel.MEMORY);
            chart.control().setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
            charts.put(panel, chart);
        }
        sash.setWeights(45, 55);
        charts.values().forEach(chart -> chart.onZoom(this::redraw));
        charts.values().forEach(chart -> chart.control().addListener(SWT.Resize, e -> redraw()));
        LiveRuns.get().addListener(listener);
    }

    /** Shows this run's charts (any thread may have found it; the follower appears with the next refresh). */
    public void showRun(Path directory) {
        run = directory.toAbsolutePath().normalize();
        follower = LiveRuns.get().follower(run);
        if (follower == null) {
            LiveRuns.get().addDirectory(run);
        }
        drawnGeneration = -1;
        requestedGeneration = -1;
        charts.values().forEach(chart -> chart.setCurves(List.of()));
        charts.values().forEach(MetricChart::resetZoom);
        header.setText("Loading " + run + " ...");
        LiveRuns.get().refreshSoon();
        redraw();
    }

    /** The line above the charts: run, status, step, loss, throughput, ETA. */
    public String headline() {
        return header.getText();
    }

    /** The header's Stop (checkpoint and stop) button (tests press it). */
    public Button stopButton() {
        return stopButton;
    }

    /** The run shown, or null. */
    public Path run() {
        return run;
    }

    private void update(List<RunSnapshot> snapshots) {
        if (header.isDisposed() || run == null) {
            return;
        }
        if (follower == null) {
            follower = LiveRuns.get().follower(run);
        }
        for (RunSnapshot s : snapshots) {
            if (s.directory().equals(run)) {
                header.setText(describe(s));
            }
        }
        boolean stoppable = LiveRuns.get().stop(run).isPresent();
        if (stoppable != stopButton.getEnabled()) {
            stopButton.setEnabled(stoppable);
            StopRunHandler.stoppableChanged();
        }
        if (follower != null && follower.metrics().generation() != requestedGeneration) {
            redraw();
        }
    }

    static String describe(RunSnapshot s) {
        StringBuilder text = new StringBuilder(s.name()).append("  |  ").append(s.status().label());
        text.append("  |  step ").append(Formats.step(s.step(), s.trainIters()));
        if (Double.isFinite(s.lastLoss())) {
            text.append("  |  loss ").append(Formats.loss(s.lastLoss()));
        }
        if (Double.isFinite(s.tokensPerSecond())) {
            text.append("  |  ").append(Formats.rate(s.tokensPerSecond())).append(" tokens/s");
        }
        if (s.eta() != null) {
            text.append("  |  ETA ").append(Formats.eta(s.eta()));
        }
        if (s.detail() != null) {
            text.append("  |  ").append(s.detail());
        }
        return text.toString();
    }

    /** Recomputes the curves in the background with the current settings, zoom and sizes. */
    private void redraw() {
        if (follower == null) {
            return;
        }
        Map<Panel, double[]> domains = new EnumMap<>(Panel.class);
        Map<Panel, Integer> widths = new EnumMap<>(Panel.class);
        charts.forEach((panel, chart) -> {
            domains.put(panel, chart.visibleDomain());
            widths.put(panel, chart.plotWidth());
        });
        requestedGeneration = follower.metrics().generation();
        pending = new Request(follower, xAxis, smoothing, logLoss, domains, widths);
        curveJob.schedule();
    }

    private static Drawing compute(Request request) {
        RunMetrics metrics = request.follower().metrics();
        long generation = metrics.generation();
        Series train = metrics.train();
        Map<String, Series> evaluations = metrics.evaluations();
        double largest = train.isEmpty() ? 0 : train.last(request.xAxis().metric());
        for (Series s : evaluations.values()) {
            if (!s.isEmpty()) {
                largest = Math.max(largest, s.last(request.xAxis().metric()));
            }
        }
        double unit = request.xAxis().unit(largest);
        Map<Panel, List<ChartCurve>> curves = new EnumMap<>(Panel.class);
        for (Panel panel : Panel.values()) {
            double[] domain = request.domains().get(panel);
            double from = domain == null ? Double.NaN : domain[0];
            double to = domain == null ? Double.NaN : domain[1];
            int width = request.widths().get(panel);
            List<ChartCurve> list = new ArrayList<>();
            switch (panel) {
                case LOSS -> {
                    boolean positive = request.logLoss();
                    addSmoothed(list, "train", ChartCurve.PALETTE[0], train, request, unit, Metric.LOSS, from, to, width, positive);
                    int color = 1;
                    for (Map.Entry<String, Series> e : evaluations.entrySet()) {
                        list.add(new ChartCurve(e.getKey(), ChartCurve.PALETTE[color++ % ChartCurve.PALETTE.length], ChartCurve.Style.MARKED,
                                Curves.sample(e.getValue(), request.xAxis(), unit, Metric.LOSS, 0, from, to, width, positive)));
                    }
                }
                case LEARNING_RATE -> list.add(new ChartCurve("learning rate", ChartCurve.PALETTE[2], ChartCurve.Style.LINE,
                        Curves.sample(train, request.xAxis(), unit, Metric.LEARNING_RATE, 0, from, to, width, false)));
                case GRAD_NORM -> addSmoothed(list, "gradient norm", ChartCurve.PALETTE[3], train, request, unit, Metric.GRAD_NORM, from, to,
                        width, false);
                case THROUGHPUT -> {
                    // GPU runs write their model-FLOPs utilization; the legend carries the latest value
                    double mfu = train.last(Metric.MFU);
                    String name = Double.isFinite(mfu) ? String.format(java.util.Locale.ROOT, "tokens/s (MFU %.1f%%)", 100 * mfu) : "tokens/s";
                    list.add(new ChartCurve(name, ChartCurve.PALETTE[4], ChartCurve.Style.LINE,
                            Curves.sample(train, request.xAxis(), unit, Metric.TOKENS_PER_SECOND, request.smoothing(), from, to, width, false)));
                }
                case MEMORY -> {
                    list.add(gibibytes("JVM heap", ChartCurve.PALETTE[5], Curves.sample(train, request.xAxis(), unit, Metric.MEMORY_BYTES, 0, from,
                            to, width, false)));
                    if (Double.isFinite(train.last(Metric.DEVICE_MEMORY_BYTES))) { // GPU runs only
                        list.add(gibibytes("GPU peak", ChartCurve.PALETTE[6], Curves.sample(train, request.xAxis(), unit,
                                Metric.DEVICE_MEMORY_BYTES, 0, from, to, width, false)));
                    }
                }
            }
            curves.put(panel, list);
        }
        return new Drawing(request, generation, unit, curves);
    }

    private static ChartCurve gibibytes(String name, int rgb, Points bytes) {
        double[] gib = new double[bytes.count()];
        for (int i = 0; i < gib.length; i++) {
            gib[i] = bytes.y()[i] / GIB;
        }
        return new ChartCurve(name, rgb, ChartCurve.Style.LINE, new Points(bytes.x(), gib, bytes.count()));
    }

    private static void addSmoothed(List<ChartCurve> list, String name, int rgb, Series series, Request request, double unit, Metric metric,
            double from, double to, int width, boolean positive) {
        if (request.smoothing() > 0) {
            list.add(new ChartCurve(name + " (raw)", ChartCurve.pale(rgb), ChartCurve.Style.FAINT,
                    Curves.sample(series, request.xAxis(), unit, metric, 0, from, to, width, positive)));
        }
        list.add(new ChartCurve(name, rgb, ChartCurve.Style.LINE,
                Curves.sample(series, request.xAxis(), unit, metric, request.smoothing(), from, to, width, positive)));
    }

    private void apply(Drawing drawing) {
        if (header.isDisposed() || drawing.request().follower() != follower) {
            return;
        }
        boolean unitChanged = drawing.unit() != drawnUnit;
        drawnUnit = drawing.unit();
        String xTitle = drawing.request().xAxis().title(drawing.unit());
        drawing.curves().forEach((panel, curves) -> {
            MetricChart chart = charts.get(panel);
            chart.setXTitle(xTitle);
            if (panel == Panel.LOSS) {
                chart.setLogScale(drawing.request().logLoss());
            }
            chart.setCurves(curves);
            if (unitChanged) {
                chart.resetZoom();
            }
        });
        drawnGeneration = drawing.generation();
    }

    /** The generation of the run's metrics that the charts show, -1 before the first drawing. */
    public long drawnGeneration() {
        return drawnGeneration;
    }

    MetricChart chart(Panel panel) {
        return charts.get(panel);
    }

    private java.util.Optional<Path> chooseFile(String extension) {
        FileDialog dialog = new FileDialog(getSite().getShell(), SWT.SAVE);
        dialog.setFilterExtensions(new String[] {extension});
        dialog.setOverwrite(true);
        String name = run == null ? "charts" : run.getFileName().toString();
        dialog.setFileName(name + extension.substring(1));
        String chosen = dialog.open();
        return java.util.Optional.ofNullable(chosen).map(Path::of);
    }

    /** Page layout of an export: the loss chart across the top, the other four in two columns below. */
    private static List<int[]> exportBoxes(int width, int height) {
        int top = height * 2 / 5;
        int cellW = width / 2;
        int cellH = (height - top) / 2;
        return List.of(new int[] {0, 0, width, top}, new int[] {0, top, cellW, cellH}, new int[] {cellW, top, cellW, cellH},
                new int[] {0, top + cellH, cellW, cellH}, new int[] {cellW, top + cellH, cellW, cellH});
    }

    /** Draws all charts into one PNG (rendering here, writing in a job); returns the job writing the file. */
    public Job exportPng(Path file) {
        int width = 1600;
        int height = 1200;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, width, height);
        List<int[]> boxes = exportBoxes(width, height);
        Panel[] panels = Panel.values();
        for (int i = 0; i < panels.length; i++) {
            int[] b = boxes.get(i);
            charts.get(panels[i]).draw(g, new Rectangle2D.Double(b[0], b[1], b[2], b[3]));
        }
        g.dispose();
        return write(file, "PNG", () -> {
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IOException("no PNG writer in this Java runtime");
            }
        });
    }

    /** Writes all charts as one SVG page; returns the job writing the file. */
    public Job exportSvg(Path file) {
        int width = 1600;
        int height = 1200;
        List<SvgChart> svgCharts = new ArrayList<>();
        for (Panel panel : Panel.values()) {
            svgCharts.add(charts.get(panel).toSvg());
        }
        String svg = SvgChart.page(svgCharts, exportBoxes(width, height), width, height);
        return write(file, "SVG", () -> Files.writeString(file, svg, StandardCharsets.UTF_8));
    }

    private interface FileWrite {
        void run() throws IOException;
    }

    private Job write(Path file, String kind, FileWrite action) {
        Job job = new Job("Exporting charts to " + file) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                try {
                    action.run();
                    return Status.OK_STATUS;
                } catch (IOException e) {
                    Display.getDefault().asyncExec(() -> MessageDialog.openError(getSite().getShell(), "Export " + kind,
                            "Cannot write " + file + ": " + e.getMessage() + ". Choose a folder you can write to."));
                    return Status.warning("cannot write " + file, e);
                }
            }
        };
        job.schedule();
        return job;
    }

    @Override
    public void setFocus() {
        xAxisCombo.setFocus();
    }

    @Override
    public void dispose() {
        LiveRuns.get().removeListener(listener);
        curveJob.cancel();
        super.dispose();
    }
}
