package org.trainbench.ui.views;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Table;
import org.eclipse.ui.IWorkbenchPage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.ui.charts.Points;
import org.trainbench.ui.experiments.FakeRun;

class CompareViewTest {
    @TempDir
    Path temp;

    @Test
    void overlaysTwoRunsListsTheirConfigDifferencesAndSummarisesThem() throws Exception {
        Path root = Workbench.freshRoot(temp);
        Path a = root.resolve("lr-3e-4");
        Path b = root.resolve("lr-1e-4-batch16");
        FakeRun runA = new FakeRun(a, 400, 4096, 0.2, 2.0);
        FakeRun runB = new FakeRun(b, 400, 8192, 0.35, 2.3);
        try (runA; runB) {
            runA.config(FakeRun.config(a.toString(), "0.0003", 16, 400));
            runB.config(FakeRun.config(b.toString(), "0.0001", 16, 400).replace("batch_size: 8", "batch_size: 16"));
            for (FakeRun run : List.of(runA, runB)) {
                run.started(0);
                for (long step = 5; step <= 400; step += 5) {
                    run.train(step);
                    if (step % 100 == 0) {
                        run.validation(step);
                    }
                }
                run.finished(400);
            }
        }
        ExperimentsView experiments = Workbench.show(ExperimentsView.ID);
        Table runs = experiments.viewer().getTable();
        Workbench.waitUntil("both runs listed", () -> runs.getItemCount() == 2 && runs.getItem(0).getText(1).equals("finished")
                && runs.getItem(1).getText(1).equals("finished"), 10_000);
        Workbench.select(runs, 0, 1);
        assertTrue(experiments.compare.isEnabled());
        experiments.compare.run();

        CompareView view = (CompareView) Workbench.page().findView(CompareView.ID);
        Table summary = view.summaryViewer().getTable();
        Table diff = view.diffViewer().getTable();
        Workbench.waitUntil("summary of both whole runs and the config diff", () -> summary.getItemCount() == 2 && diff.getItemCount() > 0
                && summary.getItem(0).getText(1).equals("400") && summary.getItem(1).getText(1).equals("400")
                && view.chart().curves().stream().allMatch(c -> c.points().count() == 80), 10_000);

        assertEquals(List.of("batch.batch_size", "optimizer.learning_rate.base", "run.experiment_dir"),
                List.of(diff.getItem(0).getText(0), diff.getItem(1).getText(0), diff.getItem(2).getText(0)));
        assertEquals(3, diff.getItemCount());
        assertTrue(!view.isRunDirectoryRow(0) && !view.isRunDirectoryRow(1) && view.isRunDirectoryRow(2),
                "run.experiment_dir differs only because each run has its own directory: apart, after the real changes");
        assertEquals(diff.getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY), diff.getItem(2).getForeground(0));
        assertEquals(null == diff.getItem(0).getForeground(0) ? diff.getForeground() : diff.getItem(0).getForeground(0),
                diff.getForeground(), "real changes in the table's own colour");
        assertTrue(view.diffNote().getText().startsWith("2 key(s) differ; 1 more only because each run has its own directory"),
                view.diffNote().getText());
        assertEquals("Tokens/s (mean)", summary.getColumn(8).getText());
        assertEquals("Tokens/s (last)", experiments.viewer().getTable().getColumn(4).getText());
        int columnA = diff.getColumn(1).getText().equals("lr-3e-4") ? 1 : 2;
        assertEquals("8", diff.getItem(0).getText(columnA));
        assertEquals("16", diff.getItem(0).getText(3 - columnA));
        assertEquals("0.0003", diff.getItem(1).getText(columnA));

        int rowA = Workbench.row(summary, "lr-3e-4");
        int rowB = Workbench.row(summary, "lr-1e-4-batch16");
        assertEquals("400", summary.getItem(rowA).getText(1));
        assertEquals("1,638,400", summary.getItem(rowA).getText(2));
        assertEquals("3,276,800", summary.getItem(rowB).getText(2));
        assertEquals(Formats.loss(runA.loss(400)), summary.getItem(rowA).getText(3));
        assertEquals(Formats.loss(runA.validationLoss(400)), summary.getItem(rowA).getText(4));
        assertEquals(Formats.loss(runB.validationLoss(400)), summary.getItem(rowB).getText(5), "validation loss falls: best is last");
        assertEquals("400", summary.getItem(rowB).getText(6));

        List<ChartCurve> curves = view.chart().curves();
        assertEquals(2, curves.size());
        assertEquals(80, curves.get(0).points().count());

        // Aligned by tokens, run B (twice the tokens per step) reaches twice as far.
        view.alignCombo.select(1);
        view.alignCombo.notifyListeners(SWT.Selection, new Event());
        Workbench.waitUntil("aligned by tokens", () -> view.chart().chart().getXYPlot().getDomainAxis().getLabel().startsWith("Tokens"), 10_000);
        Workbench.waitUntil("curves rescaled", () -> lastX(view, "lr-1e-4-batch16") == 2 * lastX(view, "lr-3e-4"), 10_000);
        assertEquals(3.2768, lastX(view, "lr-1e-4-batch16"), 1e-12, "millions of tokens");

        view.shownCombo.select(1);
        view.shownCombo.notifyListeners(SWT.Selection, new Event());
        Workbench.waitUntil("validation curves", () -> view.chart().curves().stream().allMatch(c -> c.points().count() == 4), 10_000);

        view.shownCombo.select(0);
        view.shownCombo.notifyListeners(SWT.Selection, new Event());
        Workbench.waitUntil("training curves again", () -> view.chart().curves().stream().allMatch(c -> c.points().count() == 80), 10_000);
        IWorkbenchPage page = Workbench.page();
        page.setPartState(page.getReference(view), IWorkbenchPage.STATE_MAXIMIZED);
        try {
            Workbench.spin(300);
            Workbench.screenshot("compare.png");
        } finally {
            page.setPartState(page.getReference(view), IWorkbenchPage.STATE_RESTORED);
        }
    }

    private static double lastX(CompareView view, String run) {
        Points p = view.chart().curves().stream().filter(c -> c.name().equals(run)).findFirst().orElseThrow().points();
        return p.x()[p.count() - 1];
    }
}
