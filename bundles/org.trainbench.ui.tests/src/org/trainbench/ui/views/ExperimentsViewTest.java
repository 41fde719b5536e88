package org.trainbench.ui.views;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.eclipse.swt.widgets.Table;
import org.eclipse.ui.IEditorPart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.ui.LiveRuns;
import org.trainbench.ui.experiments.FakeRun;

class ExperimentsViewTest {
    @TempDir
    Path temp;

    @Test
    void listsRunsWithStatusStepLossThroughputAndEtaAndShowsWhyARunFailed() throws Exception {
        Path root = Workbench.freshRoot(temp);
        try (FakeRun running = new FakeRun(root.resolve("pretrain-llama-1b"), 1000, 65536, 2.0, 2.1);
                FakeRun diverged = new FakeRun(root.resolve("pretrain-llama-1b-lr1e-3"), 1000, 65536, 2.0, 2.1);
                FakeRun finished = new FakeRun(root.resolve("sft-llama-chat"), 300, 16384, 0.5, 1.2);
                FakeRun stopped = new FakeRun(root.resolve("tiny-demo"), 200, 2048, 0.05, 3.0)) {
            running.started(0).train(10, 420, 10);
            diverged.started(0).train(10, 130, 10).log("step 138: grad norm 4.1e+05 (clipped to 1.0)")
                    .log("error: training loss is NaN at step 139; the run stops here and its weights are not saved.")
                    .event("failed", 139, "message", "training loss is NaN at step 139; lower optimizer.learning_rate.base");
            finished.started(0).train(10, 300, 10).finished(300);
            stopped.started(0).train(10, 80, 10).checkpoint(80, 64).event("stopped", 80, "reason", "terminated from the IDE");

            ExperimentsView view = Workbench.show(ExperimentsView.ID);
            Table table = view.viewer().getTable();
            // The refresh job may have read the files half-written: wait for the final state of every run.
            Workbench.waitUntil("four runs listed as written", () -> table.getItemCount() == 4
                    && table.getItem(Workbench.row(table, "pretrain-llama-1b")).getText(2).equals("420 / 1,000")
                    && table.getItem(Workbench.row(table, "pretrain-llama-1b-lr1e-3")).getText(1).equals("failed")
                    && table.getItem(Workbench.row(table, "sft-llama-chat")).getText(1).equals("finished")
                    && table.getItem(Workbench.row(table, "tiny-demo")).getText(1).equals("stopped"), 10_000);

            int row = Workbench.row(table, "pretrain-llama-1b");
            assertEquals("running", table.getItem(row).getText(1));
            assertEquals("420 / 1,000", table.getItem(row).getText(2));
            assertEquals(Formats.loss(running.loss(420)), table.getItem(row).getText(3));
            assertEquals(Formats.rate(running.tokensPerSecond(420)), table.getItem(row).getText(4));
            assertEquals("19 min", table.getItem(row).getText(5), "580 steps left at 2 s each");
            assertEquals("finished", table.getItem(Workbench.row(table, "sft-llama-chat")).getText(1));
            assertEquals("stopped", table.getItem(Workbench.row(table, "tiny-demo")).getText(1));

            int failedRow = Workbench.row(table, "pretrain-llama-1b-lr1e-3");
            assertEquals("failed", table.getItem(failedRow).getText(1));
            Workbench.select(table, failedRow);
            String details = view.details().getText();
            assertTrue(details.contains("training loss is NaN at step 139; lower optimizer.learning_rate.base"), details);
            assertTrue(details.contains("Last lines of logs/train.log:\n"), details);
            assertTrue(details.contains("step 138: grad norm 4.1e+05 (clipped to 1.0)"), details);
            assertFalse(view.compare.isEnabled(), "one run selected: nothing to compare");

            // Open Log shows logs/train.log in an editor.
            view.openLog.run();
            IEditorPart editor = Workbench.waitFor("log editor", () -> Workbench.page().getActiveEditor(), 10_000);
            assertEquals("train.log", editor.getEditorInput().getName());
            Workbench.page().closeAllEditors(false);

            // The engine keeps writing while the view is open: the row follows.
            long start = System.currentTimeMillis();
            running.train(430, 450, 10);
            long waited = Workbench.waitUntil("step 450 shown",
                    () -> table.getItem(Workbench.row(table, "pretrain-llama-1b")).getText(2).equals("450 / 1,000"), 10_000);
            System.out.println("Experiments view showed new metrics " + waited + " ms after they were written (started " + start + ")");

            // For the picture: the running run's charts below, the failed run's story in the details.
            Workbench.select(table, Workbench.row(table, "pretrain-llama-1b"));
            Workbench.doubleClick(table);
            ChartsView charts = (ChartsView) Workbench.page().findView(ChartsView.ID);
            Workbench.waitUntil("charts of the running run", () -> charts.drawnGeneration() > 0 && charts.chart(ChartsView.Panel.LOSS).curves()
                    .stream().anyMatch(c -> c.name().equals("train") && c.points().count() == 45), 10_000);
            Workbench.select(table, Workbench.row(table, "pretrain-llama-1b-lr1e-3"));
            Workbench.screenshot("experiments.png");
        }
    }

    @Test
    void aRunWhoseDirectoryIsDeletedWhileShownIsMarkedMissing() throws Exception {
        Path root = Workbench.freshRoot(temp);
        Path dir = root.resolve("scratch-run");
        try (FakeRun run = new FakeRun(dir, 100, 1024, 0.1, 1.0)) {
            run.started(0).train(10, 50, 10);
        }
        ExperimentsView view = Workbench.show(ExperimentsView.ID);
        Table table = view.viewer().getTable();
        Workbench.waitUntil("run listed", () -> Workbench.row(table, "scratch-run") >= 0, 10_000);
        Workbench.select(table, Workbench.row(table, "scratch-run"));
        view.openCharts.run();
        ChartsView charts = Workbench.show(ChartsView.ID);
        Workbench.waitUntil("charts drawn", () -> charts.drawnGeneration() > 0, 10_000);

        Workbench.deleteTree(dir);
        Workbench.waitUntil("run marked missing", () -> table.getItem(Workbench.row(table, "scratch-run")).getText(1).equals("missing"), 10_000);
        assertEquals("50 / 100", table.getItem(Workbench.row(table, "scratch-run")).getText(2), "what was read before stays");
        Workbench.waitUntil("charts say so", () -> charts.headline().contains("deleted or moved"), 10_000);
        assertEquals(5, charts.chart(ChartsView.Panel.LOSS).curves().stream().filter(c -> c.name().equals("train")).findFirst().orElseThrow()
                .points().count(), "the curves read before stay");

        Workbench.select(table, Workbench.row(table, "scratch-run"));
        view.removeRun.run();
        Workbench.waitUntil("run taken off the list", () -> Workbench.row(table, "scratch-run") < 0, 10_000);
    }

    @Test
    void anEmptyListSaysWhereToBeginAndANewExperimentIsListedAsNotStarted() throws Exception {
        Path root = Workbench.freshRoot(temp);
        ExperimentsView view = Workbench.show(ExperimentsView.ID);
        Table table = view.viewer().getTable();
        Workbench.waitUntil("the hint of an empty list", () -> table.getItemCount() == 0
                && view.details().getText().equals(ExperimentsView.EMPTY_HINT), 10_000);
        assertTrue(ExperimentsView.EMPTY_HINT.contains("File > New Experiment...") && !ExperimentsView.EMPTY_HINT.contains("\n"),
                "one line saying where to begin");
        Workbench.screenshot("experiments-empty.png");

        // What the New Experiment wizard does on Finish: the run directory it chose is listed before any run.
        LiveRuns.get().addDirectory(root.resolve("lr-3e-4"));
        Workbench.waitUntil("the new experiment listed as not started", () -> table.getItemCount() == 1
                && table.getItem(0).getText(1).equals("not started"), 10_000);
        Workbench.select(table, 0);
        assertTrue(view.details().getText().contains("Run As > Trainbench Training Run"), view.details().getText());
        assertFalse(view.stopAction().isEnabled(), "nothing to stop");
    }

    @Test
    void stopInTheContextMenuAndInTheChartsHeaderSendsSigtermToAFollowedRunsEngine() throws Exception {
        Path root = Workbench.freshRoot(temp);
        for (String where : java.util.List.of("menu", "charts")) {
            Process engine = new ProcessBuilder("sleep", "60").start();
            try (FakeRun run = new FakeRun(root.resolve("followed-" + where), 1000, 65536, 2.0, 2.1)) {
                run.started(0).train(10, 40, 10);
                LiveRuns.get().follow(run.directory, engine.toHandle(), null);
                ExperimentsView view = Workbench.show(ExperimentsView.ID);
                Table table = view.viewer().getTable();
                Workbench.waitUntil("the followed run listed as running", () -> Workbench.row(table, "followed-" + where) >= 0
                        && table.getItem(Workbench.row(table, "followed-" + where)).getText(1).equals("running"), 10_000);
                Workbench.select(table, Workbench.row(table, "followed-" + where));
                assertTrue(view.stopAction().isEnabled(), "Stop offered for a running run whose process is known");
                if (where.equals("menu")) {
                    view.stopAction().run();
                } else {
                    view.openCharts.run();
                    ChartsView charts = (ChartsView) Workbench.page().findView(ChartsView.ID);
                    Workbench.waitUntil("Stop in the Charts header", () -> charts.stopButton().isEnabled(), 10_000);
                    charts.stopButton().notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
                }
                assertTrue(engine.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "the engine process got the signal");
                assertEquals(143, engine.exitValue(), "SIGTERM, on which the engine checkpoints and stops");
            } finally {
                engine.destroyForcibly();
            }
        }
    }

    /** The Run menu's item of a label, shown first so that contributed items exist. */
    private static org.eclipse.swt.widgets.MenuItem runMenuItem(String label) {
        org.eclipse.swt.widgets.Menu bar = Workbench.shell().getMenuBar();
        bar.notifyListeners(org.eclipse.swt.SWT.Show, new org.eclipse.swt.widgets.Event());
        for (org.eclipse.swt.widgets.MenuItem top : bar.getItems()) {
            if (top.getText().replace("&", "").equals("Run")) {
                org.eclipse.swt.widgets.Menu run = top.getMenu();
                run.notifyListeners(org.eclipse.swt.SWT.Show, new org.eclipse.swt.widgets.Event());
                for (org.eclipse.swt.widgets.MenuItem item : run.getItems()) {
                    if (item.getText().replace("&", "").startsWith(label)) {
                        return item;
                    }
                }
            }
        }
        throw new AssertionError("no '" + label + "' in the Run menu");
    }

    /** The main tool bar's item whose tool tip begins with {@code tip}. */
    private static org.eclipse.swt.widgets.ToolItem toolItem(org.eclipse.swt.widgets.Composite parent, String tip) {
        for (org.eclipse.swt.widgets.Control child : parent.getChildren()) {
            if (child instanceof org.eclipse.swt.widgets.ToolBar bar) {
                for (org.eclipse.swt.widgets.ToolItem item : bar.getItems()) {
                    if (item.getToolTipText() != null && item.getToolTipText().startsWith(tip)) {
                        return item;
                    }
                }
            }
            if (child instanceof org.eclipse.swt.widgets.Composite composite) {
                org.eclipse.swt.widgets.ToolItem found = toolItem(composite, tip);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    @Test
    void stopInTheToolBarAndTheRunMenuStopsTheRunSelectedInExperimentsOrShownInCharts() throws Exception {
        Path root = Workbench.freshRoot(temp);
        for (String where : java.util.List.of("run-menu", "toolbar")) {
            Process engine = new ProcessBuilder("sleep", "60").start();
            try (FakeRun run = new FakeRun(root.resolve("followed-" + where), 1000, 65536, 2.0, 2.1);
                    FakeRun finished = new FakeRun(root.resolve("finished-" + where), 100, 65536, 2.0, 2.1)) {
                run.started(0).train(10, 40, 10);
                finished.started(0).train(10, 100, 10).finished(100);
                ExperimentsView view = Workbench.show(ExperimentsView.ID);
                Table table = view.viewer().getTable();
                Workbench.waitUntil("the finished run listed", () -> Workbench.row(table, "finished-" + where) >= 0
                        && table.getItem(Workbench.row(table, "finished-" + where)).getText(1).equals("finished"), 10_000);
                Workbench.select(table, Workbench.row(table, "finished-" + where));
                assertFalse(runMenuItem("Stop (Checkpoint and Stop)").isEnabled(), "a finished run has nothing to stop");
                org.eclipse.swt.widgets.ToolItem toolStop = toolItem(Workbench.shell(), "Stop (checkpoint and stop)");
                assertTrue(toolStop != null, "Stop in the main tool bar");
                Workbench.waitUntil("the tool bar's Stop disabled", () -> !toolStop.isEnabled(), 10_000);

                LiveRuns.get().follow(run.directory, engine.toHandle(), null);
                Workbench.waitUntil("the followed run listed as running", () -> Workbench.row(table, "followed-" + where) >= 0
                        && table.getItem(Workbench.row(table, "followed-" + where)).getText(1).equals("running"), 10_000);
                Workbench.select(table, Workbench.row(table, "followed-" + where));
                if (where.equals("run-menu")) {
                    org.eclipse.swt.widgets.MenuItem stop = runMenuItem("Stop (Checkpoint and Stop)");
                    assertTrue(stop.isEnabled(), "Stop in the Run menu for the run selected in Experiments");
                    stop.notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
                } else {
                    // The run shown in Charts, with the Charts view active, whatever Experiments selects.
                    view.openCharts.run();
                    Workbench.select(table, Workbench.row(table, "finished-" + where));
                    ChartsView charts = (ChartsView) Workbench.page().findView(ChartsView.ID);
                    Workbench.page().activate(charts);
                    Workbench.waitUntil("the tool bar's Stop enabled for the run in Charts", toolStop::isEnabled, 10_000);
                    toolStop.notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
                }
                assertTrue(engine.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "the engine process got the signal");
                assertEquals(143, engine.exitValue(), "SIGTERM, on which the engine checkpoints and stops");
            } finally {
                engine.destroyForcibly();
            }
        }
    }
}
