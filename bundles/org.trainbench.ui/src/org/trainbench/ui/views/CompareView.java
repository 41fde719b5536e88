package org.trainbench.ui.views;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.layout.TableColumnLayout;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.ColumnWeightData;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.ui.part.ViewPart;
import org.trainbench.engine.run.RunDirectory;
import org.trainbench.ui.LiveRuns;
import org.trainbench.ui.charts.Curves;
import org.trainbench.ui.charts.XAxis;
import org.trainbench.ui.experiments.ConfigDiff;
import org.trainbench.ui.experiments.Metric;
import org.trainbench.ui.experiments.RunFollower;
import org.trainbench.ui.experiments.RunSnapshot;
import org.trainbench.ui.experiments.RunSummary;
import org.trainbench.ui.experiments.Series;

/**
 * Two or more runs side by side: their loss curves overlaid (aligned by step or by tokens), the keys on which their
 * resolved configs differ, and a summary (final and best validation loss, throughput). Follows the runs live.
 */
public final class CompareView extends ViewPart {
    public static final String ID = "org.trainbench.ui.views.compare";

    /** Summary columns: final training and validation loss, the best validation loss and its step, mean throughput. */
    public static final String[] SUMMARY_COLUMNS = {"Run", "Steps", "Tokens", "Train loss", "Val. loss", "Best val.", "at step", "Test loss",
            "Tokens/s (mean)"};

    /** Which loss the overlay shows. */
    enum Shown {
        TRAIN("Training loss"), VALIDATION("Validation loss");

        final String label;

        Shown(String label) {
            this.label = label;
        }
    }

    private record Request(List<Path> runs, Map<Path, RunFollower> followers, XAxis align, Shown shown, double smoothing, boolean log,
            double[] domain, int width, boolean readConfigs) {
    }

    private record Result(Request request, List<ChartCurve> curves, List<RunSummary> summaries, ConfigDiff diff, String diffProblem,
            double unit, Map<Path, Long> generations) {
    }

    private Label header;
    Combo alignCombo;
    Combo shownCombo;
    private Button logButton;
    private MetricChart chart;
    private TableViewer summaryViewer;
    private TableViewer diffViewer;
    private Label diffNote;
    private TableColumnLayout diffLayout;
    private final List<RunSummary> summaries = new ArrayList<>();
    private final List<ConfigDiff.Row> diffRows = new ArrayList<>();
    /** The rows of {@link #diffRows} that differ only because each run has its own directory: shown last, in grey. */
    private final java.util.Set<ConfigDiff.Row> runDirectoryRows = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    private List<Path> runs = List.of();
    private XAxis align = XAxis.STEP;
    private Shown shown = Shown.TRAIN;
    private double smoothing = 0.6;
    private boolean log;
    private Map<Path, Long> drawnGenerations = Map.of();
    private boolean configsRead;
    private volatile Request pending;
    private volatile Result lastResult;
    private final Consumer<List<RunSnapshot>> listener = this::update;

    private final Job job = new Job("Comparing runs") {
        @Override
        protected IStatus run(IProgressMonitor monitor) {
            Request request = pending;
            if (request == null) {
                return Status.OK_STATUS;
            }
            Result result = compute(request);
            Display.getDefault().asyncExec(() -> apply(result));
            return Status.OK_STATUS;
        }
    };

    @Override
    public void createPartControl(Composite parent) {
        job.setSystem(true);
        parent.setLayout(new GridLayout(1, false));
        header = new Label(parent, SWT.WRAP);
        header.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
        header.setText("Select two or more runs in the Experiments view and choose Compare.");

        Composite controls = new Composite(parent, SWT.NONE);
        controls.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
        GridLayout controlsLayout = new GridLayout(6, false);
        controlsLayout.marginHeight = 0;
        controls.setLayout(controlsLayout);
        new Label(controls, SWT.NONE).setText("Show:");
        shownCombo = new Combo(controls, SWT.READ_ONLY);
        for (Shown s : Shown.values()) {
            shownCombo.add(s.label);
        }
        shownCombo.select(0);
        shownCombo.addListener(SWT.Selection, e -> {
            shown = Shown.values()[shownCombo.getSelectionIndex()];
            chart.resetZoom();
            recompute(false);
        });
        new Label(controls, SWT.NONE).setText("  Align by:");
        alignCombo = new Combo(controls, SWT.READ_ONLY);
        alignCombo.add(XAxis.STEP.label());
        alignCombo.add(XAxis.TOKENS.label());
        alignCombo.select(0);
        alignCombo.addListener(SWT.Selection, e -> {
            align = alignCombo.getSelectionIndex() == 0 ? XAxis.STEP : XAxis.TOKENS;
            chart.resetZoom();
            recompute(false);
        });
        logButton = new Button(controls, SWT.CHECK);
        logButton.setText("Log scale");
        logButton.addListener(SWT.Selection, e -> {
            log = logButton.getSelection();
            recompute(false);
        });
        Button reset = new Button(controls, SWT.PUSH);
        reset.setText("Reset Zoom");
        reset.addListener(SWT.Selection, e -> chart.resetZoom());

        SashForm vertical = new SashForm(parent, SWT.VERTICAL);
        vertical.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
        chart = new MetricChart(vertical, "Loss", "Loss", true, false);
        chart.onZoom(() -> recompute(false));
        chart.control().addListener(SWT.Resize, e -> recompute(false));
        SashForm tables = new SashForm(vertical, SWT.HORIZONTAL);

        Group summaryGroup = new Group(tables, SWT.NONE);
        summaryGroup.setText("Summary");
        summaryGroup.setLayout(new GridLayout(1, false));
        summaryViewer = new TableViewer(summaryGroup, SWT.BORDER | SWT.FULL_SELECTION);
        summaryViewer.getTable().setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
        summaryViewer.getTable().setHeaderVisible(true);
        summaryViewer.getTable().setLinesVisible(true);
        summaryColumn(SUMMARY_COLUMNS[0], SWT.LEFT, RunSummary::run);
        summaryColumn(SUMMARY_COLUMNS[1], SWT.RIGHT, s -> Formats.count(s.steps()));
        summaryColumn(SUMMARY_COLUMNS[2], SWT.RIGHT, s -> Formats.count(s.tokens()));
        summaryColumn(SUMMARY_COLUMNS[3], SWT.RIGHT, s -> Formats.loss(s.finalTrainLoss()));
        summaryColumn(SUMMARY_COLUMNS[4], SWT.RIGHT, s -> Formats.loss(s.finalValidationLoss()));
        summaryColumn(SUMMARY_COLUMNS[5], SWT.RIGHT, s -> Formats.loss(s.bestValidationLoss()));
        summaryColumn(SUMMARY_COLUMNS[6], SWT.RIGHT, s -> s.bestValidationStep() < 0 ? "" : Formats.count(s.bestValidationStep()));
        summaryColumn(SUMMARY_COLUMNS[7], SWT.RIGHT, s -> Formats.loss(s.testLoss()));
        summaryColumn(SUMMARY_COLUMNS[8], SWT.RIGHT, s -> Formats.rate(s.meanTokensPerSecond()));
        summaryViewer.getTable().getColumn(8).setToolTipText("Mean throughput over the whole run, weighted by the steps each log"
                + " interval covers (the Experiments view shows the last interval's)");
        summaryViewer.setContentProvider(ArrayContentProvider.getInstance());
        summaryViewer.setInput(summaries);

        Group diffGroup = new Group(tables, SWT.NONE);
        diffGroup.setText("Config differences (config.resolved.yaml)");
        diffGroup.setLayout(new GridLayout(1, false));
        diffNote = new Label(diffGroup, SWT.WRAP);
        diffNote.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
        Composite diffHolder = new Composite(diffGroup, SWT.NONE);
        diffHolder.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
        diffLayout = new TableColumnLayout();
        diffHolder.setLayout(diffLayout);
        diffViewer = new TableViewer(diffHolder, SWT.BORDER | SWT.FULL_SELECTION);
        diffViewer.getTable().setHeaderVisible(true);
        diffViewer.getTable().setLinesVisible(true);
        diffViewer.setContentProvider(ArrayContentProvider.getInstance());
        diffViewer.setInput(diffRows);
        tables.setWeights(60, 40);
        vertical.setWeights(55, 45);
        LiveRuns.get().addListener(listener);
    }

    private void summaryColumn(String title, int alignment, Function<RunSummary, String> text) {
        TableViewerColumn column = new TableViewerColumn(summaryViewer, alignment);
        column.getColumn().setText(title);
        column.getColumn().pack();
        column.setLabelProvider(new ColumnLabelProvider() {
            @Override
            public String getText(Object element) {
                return text.apply((RunSummary) element);
            }
        });
    }

    /** Compares these runs (two or more make sense; one shows its curve and config alone). */
    public void compare(List<Path> directories) {
        runs = directories.stream().map(p -> p.toAbsolutePath().normalize()).distinct().toList();
        for (Path dir : runs) {
            if (LiveRuns.get().follower(dir) == null) {
                LiveRuns.get().addDirectory(dir);
            }
        }
        header.setText(headline(runs));
        header.getParent().layout();
        configsRead = false;
        drawnGenerations = Map.of();
        chart.resetZoom();
        recompute(true);
    }

    /** "Comparing 2 runs: a, b", or for the runs of one sweep "Comparing sweep lr (2 runs): base=1e-4, base=3e-4". */
    static String headline(List<Path> runs) {
        List<String> groups = runs.stream().map(dir -> LiveRuns.get().catalog().group(dir)).distinct().toList();
        String names = String.join(", ", runs.stream().map(p -> p.getFileName().toString()).toList());
        if (groups.size() == 1 && groups.getFirst() != null && runs.size() > 1) {
            return "Comparing sweep " + groups.getFirst() + " (" + runs.size() + " runs): " + names;
        }
        return "Comparing " + runs.size() + " runs: " + names;
    }

    /** The header line (tests read it). */
    public String header() {
        return header.getText();
    }

    public List<Path> runs() {
        return runs;
    }

    private void update(List<RunSnapshot> snapshots) {
        if (header.isDisposed() || runs.isEmpty()) {
            return;
        }
        Map<Path, Long> generations = generations();
        if (!generations.equals(drawnGenerations) || !configsRead) {
            recompute(!configsRead);
        }
    }

    private Map<Path, Long> generations() {
        Map<Path, Long> generations = new LinkedHashMap<>();
        for (Path dir : runs) {
            RunFollower f = LiveRuns.get().follower(dir);
            generations.put(dir, f == null ? -1L : f.metrics().generation());
        }
        return generations;
    }

    private void recompute(boolean readConfigs) {
        if (runs.isEmpty()) {
            return;
        }
        Map<Path, RunFollower> followers = new LinkedHashMap<>();
        for (Path dir : runs) {
            RunFollower f = LiveRuns.get().follower(dir);
            if (f != null) {
                followers.put(dir, f);
            }
        }
        drawnGenerations = generations();
        pending = new Request(runs, followers, align, shown, smoothing, log, chart.visibleDomain(), chart.plotWidth(),
                readConfigs && followers.size() == runs.size());
        job.schedule();
    }

    private static Result compute(Request request) {
        List<ChartCurve> curves = new ArrayList<>();
        List<RunSummary> summaries = new ArrayList<>();
        double largest = 0;
        for (RunFollower f : request.followers().values()) {
            Series s = series(f, request.shown());
            if (!s.isEmpty()) {
                largest = Math.max(largest, s.last(request.align().metric()));
            }
        }
        double unit = request.align().unit(largest);
        double from = request.domain() == null ? Double.NaN : request.domain()[0];
        double to = request.domain() == null ? Double.NaN : request.domain()[1];
        Map<Path, Long> generations = new LinkedHashMap<>();
        int color = 0;
        for (Map.Entry<Path, RunFollower> e : request.followers().entrySet()) {
            RunFollower f = e.getValue();
            generations.put(e.getKey(), f.metrics().generation());
            String name = f.name();
            Series s = series(f, request.shown());
            int rgb = ChartCurve.PALETTE[color++ % ChartCurve.PALETTE.length];
            double weight = request.shown() == Shown.TRAIN ? request.smoothing() : 0;
            curves.add(new ChartCurve(name, rgb, request.shown() == Shown.TRAIN ? ChartCurve.Style.LINE : ChartCurve.Style.MARKED,
                    Curves.sample(s, request.align(), unit, Metric.LOSS, weight, from, to, request.width(), request.log())));
            summaries.add(RunSummary.of(name, f.metrics()));
        }
        ConfigDiff diff = null;
        String problem = null;
        if (request.readConfigs()) {
            Map<String, String> configs = new LinkedHashMap<>();
            List<String> missing = new ArrayList<>();
            for (RunFollower f : request.followers().values()) {
                try {
                    String text = RunDirectory.of(f.directory()).readResolvedConfig();
                    if (text == null) {
                        missing.add(f.name());
                    } else {
                        configs.put(f.name(), text);
                    }
                } catch (IOException ex) {
                    missing.add(f.name() + " (" + ex.getMessage() + ")");
                }
            }
            try {
                diff = ConfigDiff.of(configs);
            } catch (IllegalArgumentException ex) {
                problem = ex.getMessage();
            }
            if (!missing.isEmpty()) {
                problem = "No " + RunDirectory.RESOLVED_CONFIG + " (yet) for " + String.join(", ", missing)
                        + (problem == null ? "" : "; " + problem);
            }
        }
        return new Result(request, curves, summaries, diff, problem, unit, generations);
    }

    private static Series series(RunFollower f, Shown shown) {
        if (shown == Shown.TRAIN) {
            return f.metrics().train();
        }
        for (Map.Entry<String, Series> e : f.metrics().evaluations().entrySet()) {
            if (!e.getKey().equals("test")) {
                return e.getValue();
            }
        }
        return Series.EMPTY;
    }

    private void apply(Result result) {
        if (header.isDisposed() || !result.request().runs().equals(runs)) {
            return;
        }
        lastResult = result;
        chart.setXTitle(result.request().align().title(result.unit()));
        chart.setLogScale(result.request().log());
        chart.setCurves(result.curves());
        summaries.clear();
        summaries.addAll(result.summaries());
        summaryViewer.refresh();
        // Sized to their content (headers included), so that no number is cut.
        for (TableColumn column : summaryViewer.getTable().getColumns()) {
            column.pack();
        }
        if (result.request().readConfigs()) {
            configsRead = result.diffProblem() == null || result.diff() != null && result.diff().runs().size() == runs.size();
            showDiff(result.diff(), result.diffProblem());
        }
    }

    private void showDiff(ConfigDiff diff, String problem) {
        for (TableColumn c : diffViewer.getTable().getColumns()) {
            c.dispose();
        }
        diffRows.clear();
        runDirectoryRows.clear();
        if (diff != null) {
            TableViewerColumn key = new TableViewerColumn(diffViewer, SWT.LEFT);
            key.getColumn().setText("Key");
            diffLayout.setColumnData(key.getColumn(), new ColumnWeightData(3, 120));
            key.setLabelProvider(new DiffLabels() {
                @Override
                public String getText(Object element) {
                    return ((ConfigDiff.Row) element).key();
                }
            });
            for (int i = 0; i < diff.runs().size(); i++) {
                int index = i;
                TableViewerColumn column = new TableViewerColumn(diffViewer, SWT.LEFT);
                column.getColumn().setText(diff.runs().get(i));
                diffLayout.setColumnData(column.getColumn(), new ColumnWeightData(2, 80));
                column.setLabelProvider(new DiffLabels() {
                    @Override
                    public String getText(Object element) {
                        String value = ((ConfigDiff.Row) element).values().get(index);
                        return value == null ? "(not set)" : value;
                    }
                });
            }
            diffRows.addAll(diff.rows());
            diffRows.addAll(diff.runDirectoryRows());
            runDirectoryRows.addAll(diff.runDirectoryRows());
        }
        diffNote.setText(problem != null ? problem : diff == null ? "" : diffSummary(diff));
        diffNote.getParent().layout(true, true);
        diffViewer.refresh();
    }

    /** What the note above the diff says: how many keys really differ, and how many only by each run's directory. */
    static String diffSummary(ConfigDiff diff) {
        String real = diff.rows().isEmpty() ? "No real changes" : String.format(Locale.ROOT, "%d key(s) differ", diff.rows().size());
        if (diff.runDirectoryRows().isEmpty()) {
            return diff.rows().isEmpty() ? "The configs are the same." : real + ".";
        }
        return String.format(Locale.ROOT, "%s; %d more only because each run has its own directory (%s and paths under it; in grey,"
                + " at the end).", real, diff.runDirectoryRows().size(), ConfigDiff.EXPERIMENT_DIR);
    }

    /** Labels of the diff table: the keys that differ only by each run's own directory in grey. */
    private class DiffLabels extends ColumnLabelProvider {
        @Override
        public org.eclipse.swt.graphics.Color getForeground(Object element) {
            return runDirectoryRows.contains(element) ? diffViewer.getControl().getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY) : null;
        }
    }

    /** Whether a row of the diff table differs only because each run has its own directory. */
    boolean isRunDirectoryRow(int index) {
        return runDirectoryRows.contains(diffRows.get(index));
    }

    Label diffNote() {
        return diffNote;
    }

    TableViewer summaryViewer() {
        return summaryViewer;
    }

    TableViewer diffViewer() {
        return diffViewer;
    }

    MetricChart chart() {
        return chart;
    }

    /** The last comparison shown, or null. */
    boolean hasResult() {
        return lastResult != null;
    }

    @Override
    public void setFocus() {
        shownCombo.setFocus();
    }

    @Override
    public void dispose() {
        LiveRuns.get().removeListener(listener);
        job.cancel();
        super.dispose();
    }
}
