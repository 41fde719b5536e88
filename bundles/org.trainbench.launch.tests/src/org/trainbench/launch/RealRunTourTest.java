package org.trainbench.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.core.runtime.preferences.IEclipsePreferences;
import org.eclipse.core.runtime.preferences.InstanceScope;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.debug.core.model.IProcess;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.eclipse.ui.IPerspectiveDescriptor;
import org.eclipse.ui.IViewPart;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.launch.RunMetricsFile.Point;
import org.trainbench.ui.LiveRuns;
import org.trainbench.ui.TrainbenchPerspective;
import org.trainbench.ui.experiments.StoredModel;
import org.trainbench.ui.views.ChartsView;
import org.trainbench.ui.views.CheckpointsView;
import org.trainbench.ui.views.CompareView;
import org.trainbench.ui.views.ExperimentsView;

/**
 * The tour a user takes through the workbench, on real runs: the demo config (examples/demo/demo.yaml, a 4-layer Llama
 * on its synthetic chat dataset) launched twice on the CPU through the "Trainbench Training Run" launch type, each
 * engine in its own JVM; then the Experiments, Charts, Checkpoints and Compare views, driven through their widgets
 * (table selection, double-click, context menu, combo) on the UI thread, must show what the engines wrote. The
 * expected values come from the runs' own metrics.jsonl and checkpoints/ (read here, not through the views' model) and
 * from the overrides the test passed. Saves docs/screenshots/{charts,checkpoints,compare,experiments}-real.png.
 */
class RealRunTourTest {

    private static final Duration ENGINE_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration VIEW_TIMEOUT = Duration.ofSeconds(15);
    private static final int TRAIN_ITERS = 120;
    private static final int LOG_INTERVAL = 2;
    /**
     * The demo shortened to 120 steps (about 8 s on an idle 2-core machine), with a validation and a checkpoint every
     * 40 steps, all three checkpoints kept, the cosine decay ending with the run, a train line every 2 steps.
     */
    private static final List<String> SHORT_DEMO = List.of("training.train_iters=" + TRAIN_ITERS,
            "training.logs.interval=" + LOG_INTERVAL, "training.evaluators.validation.interval=40",
            "training.checkpoint.interval=40", "training.checkpoint.keep=3",
            "optimizer.learning_rate.decay_iterations=" + TRAIN_ITERS);

    /** debug.ui's preferences "show the Console when a program writes to stdout / stderr" (IDebugPreferenceConstants). */
    private static final String DEBUG_UI = "org.eclipse.debug.ui";
    private static final String CONSOLE_OPEN_ON_OUT = "DEBUG.consoleOpenOnOut";
    private static final String CONSOLE_OPEN_ON_ERR = "DEBUG.consoleOpenOnErr";

    @TempDir
    Path temp;
    private final List<ILaunch> launches = new ArrayList<>();
    private List<Path> previousRoots;
    private Rectangle previousBounds;
    private IPerspectiveDescriptor previousPerspective;

    @BeforeEach
    void showTheTrainbenchPerspectiveLargeEnoughToRead() {
        Shell shell = shell();
        previousBounds = shell.getBounds();
        shell.setBounds(0, 0, 1280, 860);
        IWorkbenchPage page = page();
        previousPerspective = page.getPerspective();
        page.setPerspective(PlatformUI.getWorkbench().getPerspectiveRegistry().findPerspectiveWithId(TrainbenchPerspective.ID));
        previousRoots = LiveRuns.get().catalog().roots();
        // Debug UI brings the Console to the front of the run views at every line an engine prints (the JVM's incubator
        // warning on stderr first): the views under test must stay in front while run B trains.
        IEclipsePreferences debugUi = InstanceScope.INSTANCE.getNode(DEBUG_UI);
        debugUi.putBoolean(CONSOLE_OPEN_ON_OUT, false);
        debugUi.putBoolean(CONSOLE_OPEN_ON_ERR, false);
    }

    @AfterEach
    void stopEnginesAndRestoreTheWorkbench() {
        for (ILaunch launch : launches) {
            for (IProcess process : launch.getProcesses()) {
                if (!process.isTerminated()) {
                    try {
                        // The second Terminate kills: a failed test leaves no engine running.
                        process.terminate();
                        process.terminate();
                    } catch (Exception e) {
                        System.err.println("could not stop " + process.getLabel() + ": " + e);
                    }
                    Workbench.spinUntil("the engine to be killed", Duration.ofSeconds(20), process::isTerminated);
                }
            }
            DebugPlugin.getDefault().getLaunchManager().removeLaunch(launch);
        }
        IWorkbenchPage page = page();
        page.resetPerspective();
        if (previousPerspective != null) {
            page.setPerspective(previousPerspective);
        }
        for (Path added : LiveRuns.get().catalog().addedDirectories()) {
            if (added.startsWith(temp)) {
                LiveRuns.get().remove(added);
            }
        }
        LiveRuns.get().setRoots(previousRoots);
        shell().setBounds(previousBounds);
        IEclipsePreferences debugUi = InstanceScope.INSTANCE.getNode(DEBUG_UI);
        debugUi.remove(CONSOLE_OPEN_ON_OUT);
        debugUi.remove(CONSOLE_OPEN_ON_ERR);
    }

    @Test
    void theDemoLaunchedTwiceOnTheCpuShowsItsRealPointsCheckpointsAndComparisonInTheViews() throws Exception {
        long testStart = System.nanoTime();
        Path root = Files.createDirectories(temp.resolve("experiments"));
        // Only this test's runs: earlier launches in this workbench (other test classes) were added to the list.
        for (Path added : LiveRuns.get().catalog().addedDirectories()) {
            LiveRuns.get().remove(added);
        }
        LiveRuns.get().setRoots(List.of(root));
        // The config in the experiments folder, next to its runs, as the New Experiment wizard writes it; relative
        // experiment directories, as in examples/demo/demo.yaml, resolve against the config's folder.
        Path config = EngineRuns.demoConfig(temp.resolve("data"), root.resolve("demo.yaml"), "demo-lr3e-3");
        Path runA = root.resolve("demo-lr3e-3");
        Path runB = root.resolve("demo-lr1e-3");

        // Run A: the demo config as written (learning rate 3e-3).
        ExperimentsView experiments = (ExperimentsView) page().showView(ExperimentsView.ID);
        Table runs = experiments.viewer().getTable();
        long startA = System.nanoTime();
        IProcess processA = launch(config, "demo-lr3e-3");
        Workbench.spinUntil("demo-lr3e-3 listed in Experiments while it starts", VIEW_TIMEOUT, () -> row(runs, "demo-lr3e-3") >= 0);
        Workbench.spinUntil(() -> "run A to end; the engine printed:\n" + EngineRuns.consoleText(processA), ENGINE_TIMEOUT, processA::isTerminated);
        double secondsA = (System.nanoTime() - startA) / 1e9;
        assertEquals(0, processA.getExitValue(), () -> EngineRuns.consoleText(processA));
        RunMetricsFile metricsA = RunMetricsFile.read(runA);
        Workbench.spinUntil(() -> "Experiments to show demo-lr3e-3 finished; row: " + rowText(runs, "demo-lr3e-3"), VIEW_TIMEOUT,
                () -> rowText(runs, "demo-lr3e-3").equals("demo-lr3e-3 | finished | 120 / 120 | " + loss(metricsA.lastTrainLoss())));

        // Run B, a lower learning rate into a directory of its own, trains while the views show run A.
        long startB = System.nanoTime();
        IProcess processB = launch(config, "demo-lr1e-3", "optimizer.learning_rate.base=1.0e-3", "run.experiment_dir=demo-lr1e-3");

        // The launch brings run B forward in Charts (as soon as B's directory appears); then the charts of run A:
        // double-click its row.
        Workbench.spinUntil("run B brought forward in Charts", VIEW_TIMEOUT, () -> page().findView(ChartsView.ID) instanceof ChartsView v
                && v.run() != null && v.run().getFileName().toString().equals("demo-lr1e-3"));
        select(runs, "demo-lr3e-3");
        runs.notifyListeners(SWT.DefaultSelection, new Event());
        ChartsView charts = (ChartsView) page().findView(ChartsView.ID);
        assertEquals(runA, charts.run());
        List<Point> train = metricsA.train();
        assertEquals(TRAIN_ITERS / LOG_INTERVAL, train.size(), "train lines in " + runA.resolve("metrics.jsonl"));
        Workbench.spinUntil(() -> "the loss chart to hold run A's " + train.size() + " train points; it holds "
                + WidgetTree.seriesSizes(WidgetTree.chart(shell(), "Loss")), VIEW_TIMEOUT,
                () -> WidgetTree.seriesSize(WidgetTree.chart(shell(), "Loss"), "train (raw)") == train.size()
                        && WidgetTree.seriesSize(WidgetTree.chart(shell(), "Loss"), "validation") == 3);
        XYDataset lossChart = WidgetTree.chart(shell(), "Loss");
        assertSeries(train, lossChart, "train (raw)", Point::loss);
        assertEquals(train.size(), WidgetTree.seriesSize(lossChart, "train"), "the smoothed curve has a point per train line");
        assertSeries(metricsA.validation(), lossChart, "validation", Point::loss);
        assertSeries(train, WidgetTree.chart(shell(), "Learning rate"), "learning rate", Point::learningRate);
        assertEquals(metricsA.lastTrainLoss(), WidgetTree.lastY(lossChart, "train (raw)"), 1e-12, "last loss on the chart");
        // the launch of run B brought B forward in Charts; A's headline follows at the next refresh of the run list
        String headlineA = "demo-lr3e-3  |  finished  |  step 120 / 120  |  loss " + loss(metricsA.lastTrainLoss());
        Workbench.spinUntil(() -> "the headline of run A; it reads " + charts.headline(), VIEW_TIMEOUT,
                () -> charts.headline().startsWith(headlineA));
        maximized(charts, () -> Workbench.saveScreenshot(shell(), "charts-real.png"));

        // Checkpoints of run A: the row's context menu.
        select(runs, "demo-lr3e-3");
        WidgetTree.runMenuItem(runs, "Show Checkpoints");
        Workbench.spinUntil("the Checkpoints view to list 3 checkpoints", VIEW_TIMEOUT,
                () -> WidgetTree.table(shell(), CheckpointsView.COLUMNS) != null
                        && WidgetTree.table(shell(), CheckpointsView.COLUMNS).getItemCount() == 3);
        Table checkpoints = WidgetTree.table(shell(), CheckpointsView.COLUMNS);
        for (int i = 0; i < 3; i++) {
            long step = 40L * (i + 1);
            Path onDisk = runA.resolve("checkpoints/step-" + step);
            assertTrue(Files.isRegularFile(onDisk.resolve("manifest.json")), "the engine wrote " + onDisk);
            assertEquals(List.of("checkpoint", Long.toString(step), loss(metricsA.trainLossAt(step)), loss(metricsA.validationLossAt(step)),
                    "trainbench"), List.of(checkpoints.getItem(i).getText(0), checkpoints.getItem(i).getText(1),
                            checkpoints.getItem(i).getText(4), checkpoints.getItem(i).getText(5), checkpoints.getItem(i).getText(6)));
            assertEquals(mebibytes(RunMetricsFile.sizeOf(onDisk)), checkpoints.getItem(i).getText(3), "size of " + onDisk);
            assertEquals(onDisk, ((StoredModel) checkpoints.getItem(i).getData()).path());
        }
        checkpoints.setSelection(2);
        checkpoints.notifyListeners(SWT.Selection, new Event());
        withoutEditorArea(() -> Workbench.saveScreenshot(shell(), "checkpoints-real.png"));

        // Run B must have ended before the comparison.
        Workbench.spinUntil(() -> "run B to end; the engine printed:\n" + EngineRuns.consoleText(processB), ENGINE_TIMEOUT, processB::isTerminated);
        double secondsB = (System.nanoTime() - startB) / 1e9;
        assertEquals(0, processB.getExitValue(), () -> EngineRuns.consoleText(processB));
        RunMetricsFile metricsB = RunMetricsFile.read(runB);
        Workbench.spinUntil(() -> "Experiments to show demo-lr1e-3 finished; row: " + rowText(runs, "demo-lr1e-3"), VIEW_TIMEOUT,
                () -> rowText(runs, "demo-lr1e-3").equals("demo-lr1e-3 | finished | 120 / 120 | " + loss(metricsB.lastTrainLoss())));
        assertEquals(2, runs.getItemCount(), "only the two runs under the fresh root");

        // Compare both: select the two rows, context menu.
        select(runs, "demo-lr3e-3", "demo-lr1e-3");
        WidgetTree.runMenuItem(runs, "Compare");
        CompareView compare = (CompareView) page().findView(CompareView.ID);
        assertEquals(List.of(runA, runB), compare.runs());
        String[] summaryColumns = CompareView.SUMMARY_COLUMNS;
        Workbench.spinUntil("the comparison of both whole runs with its config diff", VIEW_TIMEOUT, () -> {
            Table summary = WidgetTree.table(shell(), summaryColumns);
            Table diff = WidgetTree.table(shell(), "Key");
            XYDataset overlay = WidgetTree.chart(shell(), "Loss");
            return summary != null && summary.getItemCount() == 2 && diff != null && diff.getItemCount() > 0
                    && WidgetTree.seriesSize(overlay, "demo-lr3e-3") == train.size()
                    && WidgetTree.seriesSize(overlay, "demo-lr1e-3") == metricsB.train().size();
        });
        assertEquals(2, WidgetTree.chart(shell(), "Loss").getSeriesCount(), "one curve per run");
        Table summary = WidgetTree.table(shell(), summaryColumns);
        assertSummary(summary, "demo-lr3e-3", metricsA);
        assertSummary(summary, "demo-lr1e-3", metricsB);
        Table diff = WidgetTree.table(shell(), "Key");
        int columnA = diff.getColumn(1).getText().equals("demo-lr3e-3") ? 1 : 2;
        assertEquals("demo-lr1e-3", diff.getColumn(3 - columnA).getText());
        assertEquals(2, diff.getItemCount(), "only the learning rate and the directory differ: " + cells(diff, 0, 3));
        assertEquals(List.of("optimizer.learning_rate.base", "0.003", "0.001"),
                List.of(diff.getItem(0).getText(0), diff.getItem(0).getText(columnA), diff.getItem(0).getText(3 - columnA)));
        assertEquals(List.of("run.experiment_dir", "demo-lr3e-3", "demo-lr1e-3"),
                List.of(diff.getItem(1).getText(0), diff.getItem(1).getText(columnA), diff.getItem(1).getText(3 - columnA)));

        // The validation losses overlaid are the logged ones (the training curves are smoothed).
        Combo shown = WidgetTree.combo(shell(), "Validation loss");
        shown.select(1);
        shown.notifyListeners(SWT.Selection, new Event());
        Workbench.spinUntil("the validation curves", VIEW_TIMEOUT,
                () -> WidgetTree.seriesSize(WidgetTree.chart(shell(), "Loss"), "demo-lr3e-3") == 3
                        && WidgetTree.seriesSize(WidgetTree.chart(shell(), "Loss"), "demo-lr1e-3") == 3);
        assertSeries(metricsA.validation(), WidgetTree.chart(shell(), "Loss"), "demo-lr3e-3", Point::loss);
        assertSeries(metricsB.validation(), WidgetTree.chart(shell(), "Loss"), "demo-lr1e-3", Point::loss);
        shown.select(0);
        shown.notifyListeners(SWT.Selection, new Event());
        Workbench.spinUntil("the training curves again", VIEW_TIMEOUT,
                () -> WidgetTree.seriesSize(WidgetTree.chart(shell(), "Loss"), "demo-lr3e-3") == train.size());
        maximized(compare, () -> Workbench.saveScreenshot(shell(), "compare-real.png"));

        // Both runs in Experiments, run B's charts beside them.
        select(runs, "demo-lr1e-3");
        runs.notifyListeners(SWT.DefaultSelection, new Event());
        assertEquals(runB, charts.run());
        Workbench.spinUntil(() -> "the charts of run B; the loss chart holds " + WidgetTree.seriesSizes(WidgetTree.chart(shell(), "Loss")),
                VIEW_TIMEOUT, () -> charts.headline().startsWith("demo-lr1e-3  |  finished")
                        && WidgetTree.seriesSize(WidgetTree.chart(shell(), "Loss"), "train (raw)") == metricsB.train().size());
        assertSeries(metricsB.train(), WidgetTree.chart(shell(), "Loss"), "train (raw)", Point::loss);
        withoutEditorArea(() -> Workbench.saveScreenshot(shell(), "experiments-real.png"));

        System.out.printf(Locale.ROOT, "RealRunTourTest: run A launch to exit %.1f s, run B %.1f s (trained while the views were driven), "
                + "whole test %.1f s%n", secondsA, secondsB, (System.nanoTime() - testStart) / 1e9);
    }

    /** Launches the config through the launch configuration type, on the CPU, with {@link #SHORT_DEMO} and {@code overrides}. */
    private IProcess launch(Path config, String name, String... overrides) throws Exception {
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        ILaunchConfigurationWorkingCopy copy = manager.getLaunchConfigurationType(TrainingRunSettings.TYPE_ID).newInstance(null, name);
        TrainingRunSettings.forConfig(config.toString())
                .withOverrides(Stream.concat(SHORT_DEMO.stream(), Stream.of(overrides)).map(ConfigOverride::parse).toList())
                .writeTo(copy);
        ILaunch launch = copy.launch(ILaunchManager.RUN_MODE, new NullProgressMonitor());
        launches.add(launch);
        assertEquals(1, launch.getProcesses().length);
        return launch.getProcesses()[0];
    }

    private interface Screenshot {
        void take() throws Exception;
    }

    /** Takes the screenshot with the view maximized, so that its charts get the whole window. */
    private static void maximized(IViewPart view, Screenshot screenshot) throws Exception {
        IWorkbenchPage page = page();
        page.activate(view);
        page.setPartState(page.getReference(view), IWorkbenchPage.STATE_MAXIMIZED);
        try {
            // The views redraw their curves for the new width in a job: let it land before the picture.
            Workbench.spin(Duration.ofMillis(700));
            screenshot.take();
        } finally {
            page.setPartState(page.getReference(view), IWorkbenchPage.STATE_RESTORED);
        }
    }

    /** Takes the screenshot with the (empty) editor area hidden, so that the run views get the right half of the window. */
    private static void withoutEditorArea(Screenshot screenshot) throws Exception {
        IWorkbenchPage page = page();
        page.setEditorAreaVisible(false);
        try {
            Workbench.spin(Duration.ofMillis(700));
            screenshot.take();
        } finally {
            page.setEditorAreaVisible(true);
        }
    }

    private static void assertSeries(List<Point> expected, XYDataset dataset, String series, ToDoubleFunction<Point> y) {
        int index = WidgetTree.seriesIndex(dataset, series);
        assertTrue(index >= 0, "no series '" + series + "' in " + WidgetTree.seriesSizes(dataset));
        assertEquals(expected.size(), dataset.getItemCount(index), series + ": points");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).step(), dataset.getXValue(index, i), 0, series + ": step of point " + i);
            assertEquals(y.applyAsDouble(expected.get(i)), dataset.getYValue(index, i), 1e-12, series + ": value at step " + expected.get(i).step());
        }
    }

    private static Shell shell() {
        return PlatformUI.getWorkbench().getActiveWorkbenchWindow().getShell();
    }

    private static IWorkbenchPage page() {
        return PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
    }

    /** Selects the rows whose first cell is one of {@code names}, as clicks (and ctrl-clicks) would. */
    private static void select(Table table, String... names) {
        int[] rows = Stream.of(names).mapToInt(name -> row(table, name)).toArray();
        for (int i = 0; i < rows.length; i++) {
            assertTrue(rows[i] >= 0, names[i] + " is not listed");
        }
        table.setSelection(rows);
        table.notifyListeners(SWT.Selection, new Event());
    }

    private static int row(Table table, String name) {
        for (int i = 0; i < table.getItemCount(); i++) {
            if (table.getItem(i).getText(0).equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static List<String> cells(Table table, int row, int columns) {
        List<String> texts = new ArrayList<>();
        for (int c = 0; c < columns && row < table.getItemCount(); c++) {
            texts.add(table.getItem(row).getText(c));
        }
        return texts;
    }

    /** The first four cells of a run's row (name, status, step, loss), joined with " | ". */
    private static String rowText(Table table, String name) {
        int row = row(table, name);
        return row < 0 ? "(not listed)" : String.join(" | ", cells(table, row, 4));
    }

    /** A loss as the views write it. */
    private static String loss(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    private static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    /** The summary row of a run: steps, tokens (120 x 16 x 64), final train and validation loss, best validation loss and its step. */
    private static void assertSummary(Table summary, String run, RunMetricsFile metrics) {
        int row = row(summary, run);
        assertTrue(row >= 0, run + " is not in the summary");
        Point best = metrics.validation().stream().min(Comparator.comparingDouble(Point::loss)).orElseThrow();
        assertEquals(List.of(run, "120", "122,880", loss(metrics.lastTrainLoss()), loss(metrics.validation().getLast().loss()),
                loss(best.loss()), Long.toString(best.step())), cells(summary, row, 7));
    }

}
