package org.trainbench.ui.views;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.core.commands.AbstractHandler;
import org.eclipse.core.commands.ExecutionEvent;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.TextTransfer;
import org.eclipse.swt.widgets.Table;
import org.eclipse.ui.handlers.IHandlerActivation;
import org.eclipse.ui.handlers.IHandlerService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.ui.experiments.FakeRun;
import org.trainbench.ui.experiments.StoredModel;

class CheckpointsViewTest {
    @TempDir
    Path temp;

    @Test
    void listsCheckpointsAndExportsAndDeletesOneAfterConfirmation() throws Exception {
        Path root = Workbench.freshRoot(temp);
        Path dir = root.resolve("sft-llama-chat");
        FakeRun run = new FakeRun(dir, 300, 16384, 0.5, 1.2);
        try (run) {
            run.started(0);
            for (long step = 10; step <= 300; step += 10) {
                run.train(step);
                if (step % 100 == 0) {
                    run.validation(step).checkpoint(step, 3 * 1024 * 1024 + (int) step);
                }
            }
            run.export(300, 1024 * 1024).finished(300);
        }
        ExperimentsView experiments = Workbench.show(ExperimentsView.ID);
        Table runs = experiments.viewer().getTable();
        Workbench.waitUntil("run listed", () -> Workbench.row(runs, "sft-llama-chat") >= 0, 10_000);
        Workbench.select(runs, Workbench.row(runs, "sft-llama-chat"));
        experiments.openCheckpoints.run();

        CheckpointsView view = (CheckpointsView) Workbench.page().findView(CheckpointsView.ID);
        Table table = view.viewer().getTable();
        Workbench.waitUntil("three checkpoints and an export, with the losses of the whole run", () -> table.getItemCount() == 4
                && table.getItem(3).getText(4).equals(Formats.loss(run.loss(300)))
                && table.getItem(3).getText(5).equals(Formats.loss(run.validationLoss(300))), 10_000);
        assertEquals("checkpoint", table.getItem(0).getText(0));
        assertEquals("100", table.getItem(0).getText(1));
        assertEquals("3.0 MiB", table.getItem(0).getText(3));
        assertEquals(Formats.loss(run.loss(100)), table.getItem(0).getText(4));
        assertEquals(Formats.loss(run.validationLoss(100)), table.getItem(0).getText(5));
        assertEquals("trainbench", table.getItem(0).getText(6));
        assertEquals(dir.resolve("checkpoints/step-100"), ((StoredModel) table.getItem(0).getData()).path());
        assertEquals("export", table.getItem(3).getText(0));
        assertEquals("300", table.getItem(3).getText(1));
        assertEquals("llama", table.getItem(3).getText(6));
        assertEquals("1.0 MiB", table.getItem(3).getText(3));

        Workbench.select(table, 2);
        Workbench.screenshot("checkpoints.png");

        // Resume hands the run and checkpoint to whoever handles the command (the launch bundle in the product).
        Map<String, String> received = new HashMap<>();
        IHandlerService handlers = view.getSite().getService(IHandlerService.class);
        IHandlerActivation activation = handlers.activateHandler(CheckpointsView.RESUME_COMMAND, new AbstractHandler() {
            @Override
            public Object execute(ExecutionEvent event) {
                received.put("dir", event.getParameter(CheckpointsView.EXPERIMENT_DIR_PARAMETER));
                received.put("checkpoint", event.getParameter(CheckpointsView.CHECKPOINT_PARAMETER));
                return null;
            }
        });
        try {
            Workbench.select(table, 1);
            assertTrue(view.resume.isEnabled());
            view.resume.run();
            assertEquals(dir.toString(), received.get("dir"));
            assertEquals(dir.resolve("checkpoints/step-200").toString(), received.get("checkpoint"));
        } finally {
            handlers.deactivateHandler(activation);
        }
        Workbench.select(table, 3);
        assertFalse(view.resume.isEnabled(), "an export is not resumable");

        // Reveal copies the path and hands the folder to the desktop's file manager (replaced here: Xvfb has none).
        List<Path> opened = new ArrayList<>();
        view.fileManager = path -> opened.add(path);
        Workbench.select(table, 3);
        assertTrue(view.reveal.isEnabled());
        view.reveal.run();
        assertEquals(List.of(dir.resolve("export/step-300")), opened);
        Clipboard clipboard = new Clipboard(Workbench.display());
        try {
            assertEquals(dir.resolve("export/step-300").toString(), clipboard.getContents(TextTransfer.getInstance()));
        } finally {
            clipboard.dispose();
        }

        // Delete asks first; Cancel keeps it, OK deletes it.
        Workbench.select(table, 0);
        StringBuilder question = Workbench.answerDialog("Delete checkpoint", "Cancel");
        view.delete.run();
        assertTrue(question.toString().contains("Delete the checkpoint of step 100 (3.0 MiB)?"), question.toString());
        Workbench.spin(300);
        assertTrue(Files.isDirectory(dir.resolve("checkpoints/step-100")));

        Workbench.select(table, 0);
        Workbench.answerDialog("Delete checkpoint", "OK");
        view.delete.run();
        Workbench.waitUntil("deleted checkpoint gone from the list", () -> table.getItemCount() == 3, 10_000);
        assertFalse(Files.exists(dir.resolve("checkpoints/step-100")));
        assertEquals("200", table.getItem(0).getText(1));
    }
}
