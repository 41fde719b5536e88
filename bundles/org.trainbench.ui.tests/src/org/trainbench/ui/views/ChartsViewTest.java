package org.trainbench.ui.views;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import javax.imageio.ImageIO;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Table;
import org.eclipse.ui.IWorkbenchPage;
import org.jfree.chart.axis.LogAxis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.ui.charts.Points;
import org.trainbench.ui.experiments.FakeRun;

class ChartsViewTest {
    @TempDir
    Path temp;

    private static Optional<ChartCurve> curve(ChartsView view, ChartsView.Panel panel, String name) {
        return view.chart(panel).curves().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    private static double lastX(ChartsView view, String name) {
        Points p = curve(view, ChartsView.Panel.LOSS, name).map(ChartCurve::points).orElse(Points.NONE);
        return p.isEmpty() ? Double.NaN : p.x()[p.count() - 1];
    }

    @Test
    void chartsFollowARunThatIsWrittenWhileTheyAreOpen() throws Exception {
        Path root = Workbench.freshRoot(temp);
        Path dir = root.resolve("pretrain-llama-1b");
        try (FakeRun run = new FakeRun(dir, 600, 4096, 0.25, 2.0)) {
            run.started(0);
            for (long step = 1; step <= 300; step++) {
                run.train(step);
                if (step % 50 == 0) {
                    run.validation(step);
                }
            }
            ExperimentsView experiments = Workbench.show(ExperimentsView.ID);
            Table table = experiments.viewer().getTable();
            Workbench.waitUntil("run listed", () -> Workbench.row(table, "pretrain-llama-1b") >= 0, 10_000);
            Workbench.select(table, Workbench.row(table, "pretrain-llama-1b"));
            Workbench.doubleClick(table);

            ChartsView view = Workbench.waitFor("charts view", () -> (ChartsView) Workbench.page().findView(ChartsView.ID), 5_000);
            assertEquals(dir, view.run());
            Workbench.waitUntil("300 training points and 6 validations drawn", () -> lastX(view, "train") == 300
                    && curve(view, ChartsView.Panel.LOSS, "validation").map(c -> c.points().count() == 6).orElse(false), 10_000);
            assertEquals(300, curve(view, ChartsView.Panel.LOSS, "train").orElseThrow().points().count());
            assertEquals(300, curve(view, ChartsView.Panel.LOSS, "train (raw)").orElseThrow().points().count(), "raw curve behind the EMA");
            Points validation = curve(view, ChartsView.Panel.LOSS, "validation").orElseThrow().points();
            assertEquals(6, validation.count());
            assertEquals(run.validationLoss(300), validation.y()[5], 1e-12);
            Points rate = view.chart(ChartsView.Panel.LEARNING_RATE).curves().getFirst().points();
            assertEquals(300, rate.count());
            Points memory = view.chart(ChartsView.Panel.MEMORY).curves().getFirst().points();
            assertEquals((1_500_000_000L + 300 * 1000) / (1024.0 * 1024 * 1024), memory.y()[299], 1e-12);
            // The headline comes with the catalog's next snapshot, which may follow the curves by a refresh.
            Workbench.waitUntil("headline at step 300 (it read \"" + view.headline() + "\" when the curves were drawn)",
                    () -> view.headline().startsWith("pretrain-llama-1b  |  running  |  step 300 / 600"), 10_000);

            // The engine appends in bursts, as at each log interval; each burst reaches the charts.
            long slowest = 0;
            for (long end = 320; end <= 400; end += 20) {
                run.train(end - 19, end, 1);
                long last = end;
                slowest = Math.max(slowest, Workbench.waitUntil("step " + end + " drawn", () -> lastX(view, "train") == last, 10_000));
            }
            System.out.println("Charts showed each burst of metrics at most " + slowest + " ms after it was written");

            // A malformed line is skipped; the lines after it still arrive.
            run.raw("{\"type\":\"train\",\"step\":401,\"loss\":\n");
            run.train(402);
            Workbench.waitUntil("step 402 drawn past a malformed line", () -> lastX(view, "train") == 402, 10_000);
            Workbench.waitUntil("malformed line counted",
                    () -> table.getItem(Workbench.row(table, "pretrain-llama-1b")).getText(0).equals("pretrain-llama-1b")
                            && experiments.details().getText().contains("1 malformed line(s)"), 10_000);

            // x axis by tokens: 402 steps of 4096 tokens, shown in millions
            view.xAxisCombo.select(1);
            view.xAxisCombo.notifyListeners(SWT.Selection, new Event());
            Workbench.waitUntil("x axis in tokens",
                    () -> "Tokens (millions)".equals(view.chart(ChartsView.Panel.LOSS).chart().getXYPlot().getDomainAxis().getLabel()), 10_000);
            Workbench.waitUntil("curve rescaled", () -> Math.abs(lastX(view, "train") - 402 * 4096 / 1e6) < 1e-9, 10_000);
            view.xAxisCombo.select(0);
            view.xAxisCombo.notifyListeners(SWT.Selection, new Event());

            view.logScaleButton.setSelection(true);
            view.logScaleButton.notifyListeners(SWT.Selection, new Event());
            Workbench.waitUntil("log axis", () -> view.chart(ChartsView.Panel.LOSS).chart().getXYPlot().getRangeAxis() instanceof LogAxis, 10_000);
            view.logScaleButton.setSelection(false);
            view.logScaleButton.notifyListeners(SWT.Selection, new Event());

            view.smoothingScale.setSelection(0);
            view.smoothingScale.notifyListeners(SWT.Selection, new Event());
            Workbench.waitUntil("no raw curve without smoothing", () -> curve(view, ChartsView.Panel.LOSS, "train (raw)").isEmpty(), 10_000);
            Points raw = curve(view, ChartsView.Panel.LOSS, "train").orElseThrow().points();
            assertEquals(run.loss(402), raw.y()[raw.count() - 1], 1e-12, "unsmoothed: the logged loss");

            // Zoom into steps 100..150: the curve is resampled to that range (plus one point each side).
            view.chart(ChartsView.Panel.LOSS).chart().getXYPlot().getDomainAxis().setRange(100, 150);
            Workbench.waitUntil("zoomed curve", () -> {
                Points p = curve(view, ChartsView.Panel.LOSS, "train").orElseThrow().points();
                return p.count() == 53 && p.x()[0] == 99 && p.x()[52] == 151;
            }, 10_000);
            view.chart(ChartsView.Panel.LOSS).resetZoom();
            Workbench.waitUntil("whole curve again", () -> curve(view, ChartsView.Panel.LOSS, "train").orElseThrow().points().count() == 401, 10_000);

            Path png = temp.resolve("charts.png");
            Path svg = temp.resolve("charts.svg");
            view.exportPng(png).join();
            view.exportSvg(svg).join();
            BufferedImage image = ImageIO.read(png.toFile());
            assertEquals(1600, image.getWidth());
            assertEquals(1200, image.getHeight());
            String text = Files.readString(svg);
            assertEquals(6, text.split("<svg ", -1).length - 1, "a page with five charts");
            assertTrue(text.contains(">Learning rate</text>"));
            assertTrue(text.contains(">validation</text>"));

            view.smoothingScale.setSelection(60);
            view.smoothingScale.notifyListeners(SWT.Selection, new Event());
            Workbench.waitUntil("smoothed again", () -> curve(view, ChartsView.Panel.LOSS, "train (raw)").isPresent(), 10_000);
            IWorkbenchPage page = Workbench.page();
            page.setPartState(page.getReference(view), IWorkbenchPage.STATE_MAXIMIZED);
            try {
                Workbench.spin(300);
                Workbench.screenshot("charts.png");
            } finally {
                page.setPartState(page.getReference(view), IWorkbenchPage.STATE_RESTORED);
            }
        }
    }
}
