package org.trainbench.launch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.eclipse.core.commands.ParameterizedCommand;
import org.eclipse.core.runtime.NullProgressMonitor;
import org.eclipse.core.runtime.jobs.Job;
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
import org.eclipse.swt.widgets.Text;
import org.eclipse.ui.IPerspectiveDescriptor;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.commands.ICommandService;
import org.eclipse.ui.handlers.IHandlerService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.json.Json;
import org.trainbench.launch.ui.ExportCheckpointHandler;
import org.trainbench.launch.ui.ExportDestinationDialog;
import org.trainbench.ui.LiveRuns;
import org.trainbench.ui.TrainbenchPerspective;
import org.trainbench.ui.views.CheckpointsView;

/**
 * Export to Hugging Face from the Checkpoints view, on a real run: the demo config (examples/demo/demo.yaml) with two
 * layers instead of four, trained for two steps through the launch type, writes its checkpoint; the export command
 * runs through the handler service, its dialog is answered through its widgets, and the engine JVM writes the
 * Hugging Face directory. Expected values come from the run's checkpoint and the overrides, not from the export code.
 */
class ExportToHuggingFaceTest {

    private static final Duration ENGINE_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration DIALOG_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration VIEW_TIMEOUT = Duration.ofSeconds(15);
    private static final int LAYERS = 2;
    /** Two steps of two sequences, a checkpoint after the last; two layers, so the architecture is the run's, not the demo's. */
    private static final List<String> TINY_RUN = List.of("training.train_iters=2", "training.logs.interval=1",
            "batch.batch_size=2", "batch.micro_batch_size=2", "training.evaluators.validation.evaluator.iterations=1",
            "model.base_model.transformer.num_layers=" + LAYERS);

    /** One trained run for the class; each test works on it or a copy of it. */
    @TempDir
    static Path temp;
    private static Path trained;

    private List<Path> previousRoots;
    private Rectangle previousBounds;
    private IPerspectiveDescriptor previousPerspective;

    @BeforeEach
    void showTheTrainbenchPerspective() {
        Shell shell = shell();
        previousBounds = shell.getBounds();
        // The screen of the CI's Xvfb (1600x1000), less nothing: the screenshot shows the window as a user sees it.
        shell.setBounds(0, 0, 1600, 1000);
        IWorkbenchPage page = page();
        previousPerspective = page.getPerspective();
        page.setPerspective(PlatformUI.getWorkbench().getPerspectiveRegistry().findPerspectiveWithId(TrainbenchPerspective.ID));
        previousRoots = LiveRuns.get().catalog().roots();
    }

    @AfterEach
    void restoreTheWorkbench() {
        Workbench.stopAnswering();
        Job.getJobManager().cancel(ExportCheckpointHandler.JOB_FAMILY);
        Workbench.spinUntil("the export jobs to end", ENGINE_TIMEOUT,
                () -> Job.getJobManager().find(ExportCheckpointHandler.JOB_FAMILY).length == 0);
        IWorkbenchPage page = page();
        page.resetPerspective();
        if (previousPerspective != null) {
            page.setPerspective(previousPerspective);
        }
        // This test's runs leave the lists (a run once followed stays listed, as missing, until removed).
        for (Path added : LiveRuns.get().catalog().addedDirectories()) {
            if (added.startsWith(temp)) {
                LiveRuns.get().remove(added);
            }
        }
        for (var follower : LiveRuns.get().catalog().followers()) {
            if (follower.directory().startsWith(temp)) {
                LiveRuns.get().remove(follower.directory());
            }
        }
        LiveRuns.get().setRoots(previousRoots);
        shell().setBounds(previousBounds);
    }

    @AfterAll
    static void forgetTheRun() {
        trained = null;
    }

    @Test
    void exportWritesTheCheckpointAsAHuggingFaceDirectoryInTheRunsExportFolderAndTheViewListsIt() throws Exception {
        Path run = trainedRun();
        Path checkpoint = run.resolve("checkpoints/step-2");
        Path expectedTarget = run.resolve("export/step-2");
        CheckpointsView view = checkpointsOf(run);
        Table table = WidgetTree.table(shell(), CheckpointsView.COLUMNS);
        Workbench.spinUntil("the Checkpoints view to list the run's checkpoint", VIEW_TIMEOUT, () -> table.getItemCount() == 1);
        AtomicBoolean failed = Workbench.whenShellOpens(ExportCheckpointHandler.FAILURE_TITLE, ENGINE_TIMEOUT,
                shell -> Workbench.press(shell, "OK"));
        AtomicReference<String> proposed = new AtomicReference<>();
        AtomicBoolean asked = Workbench.whenShellOpens(ExportDestinationDialog.TITLE, DIALOG_TIMEOUT, shell -> {
            proposed.set(WidgetTree.visible(shell, Text.class, text -> true).getFirst().getText());
            Workbench.press(shell, "Export");
        });

        executeExport(run, checkpoint);

        Workbench.spinUntil("the export dialog", DIALOG_TIMEOUT, asked::get);
        assertEquals(expectedTarget.toString(), proposed.get(), "the proposed folder: where the engine's own exports go");
        awaitExportJobs();
        assertFalse(failed.get(), "the export reported a failure (see the error log)");
        assertTrue(Files.isRegularFile(expectedTarget.resolve("config.json")), "no config.json in " + expectedTarget);

        Map<String, Object> config = Json.parseObject(Files.readString(expectedTarget.resolve("config.json")), "config.json");
        assertEquals("llama", config.get("model_type"));
        assertEquals(96L, config.get("hidden_size"), "demo.yaml's hidden_size");
        assertEquals((long) LAYERS, config.get("num_hidden_layers"), "the run's num_layers override");
        assertEquals(4L, config.get("num_attention_heads"));
        assertEquals(2L, config.get("num_key_value_heads"), "demo.yaml's head_groups");
        assertEquals(256L, config.get("intermediate_size"));
        assertEquals(48L, config.get("vocab_size"));
        assertEquals("float32", config.get("torch_dtype"));

        // The weights: every parameter of the 2-layer Llama under its Hugging Face name, bit for bit the checkpoint's.
        Safetensors exported = Safetensors.read(expectedTarget.resolve("model.safetensors"));
        Safetensors saved = Safetensors.read(checkpoint.resolve("model.safetensors"));
        List<String> expectedNames = new ArrayList<>(List.of("model.embed_tokens.weight", "model.norm.weight", "lm_head.weight"));
        for (int layer = 0; layer < LAYERS; layer++) {
            for (String weight : List.of("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
                    "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj", "input_layernorm", "post_attention_layernorm")) {
                expectedNames.add("model.layers." + layer + "." + weight + ".weight");
            }
        }
        assertEquals(new TreeSet<>(expectedNames), exported.names());
        assertArrayEquals(new long[] {48, 96}, exported.shape("model.embed_tokens.weight"), "vocab x hidden");
        assertArrayEquals(new long[] {48, 96}, exported.shape("model.layers.1.self_attn.k_proj.weight"), "2 head groups x 24 channels");
        assertArrayEquals(new long[] {256, 96}, exported.shape("model.layers.1.mlp.gate_proj.weight"), "ffn x hidden");
        for (String name : expectedNames) {
            assertEquals("F32", exported.dtype(name), name);
            assertArrayEquals(saved.bytes(name), exported.bytes(name), name + " differs from the checkpoint's");
        }

        // The view lists the export below the checkpoint.
        Workbench.spinUntil(() -> "the Checkpoints view to list the export; it lists " + rows(table), VIEW_TIMEOUT,
                () -> table.getItemCount() == 2);
        assertEquals(List.of("export", "2", "llama (float32)"),
                List.of(table.getItem(1).getText(0), table.getItem(1).getText(1), table.getItem(1).getText(6)));
        assertEquals(view.run(), run);
        table.setSelection(1);
        table.notifyListeners(SWT.Selection, new Event());
        // Maximized: beside the other views of the perspective the table's last columns would be cut.
        IWorkbenchPage page = page();
        page.activate(view);
        page.setPartState(page.getReference(view), IWorkbenchPage.STATE_MAXIMIZED);
        try {
            Workbench.spin(Duration.ofMillis(700));
            Workbench.saveScreenshot(shell(), "checkpoints-export.png");
        } finally {
            page.setPartState(page.getReference(view), IWorkbenchPage.STATE_RESTORED);
        }
    }

    @Test
    void exportingACorruptCheckpointShowsTheEnginesErrorNamingItAndLeavesNoOutput() throws Exception {
        Path run = trainedRun();
        // A copy of the run whose checkpoint has one weight byte changed: its manifest's SHA-256 no longer matches.
        Path corrupt = Files.createDirectories(temp.resolve("broken/corrupt"));
        Files.copy(run.resolve("config.resolved.yaml"), corrupt.resolve("config.resolved.yaml"));
        Path checkpoint = Files.createDirectories(corrupt.resolve("checkpoints/step-2"));
        try (Stream<Path> files = Files.list(run.resolve("checkpoints/step-2"))) {
            for (Path file : files.toList()) {
                Files.copy(file, checkpoint.resolve(file.getFileName()));
            }
        }
        byte[] weights = Files.readAllBytes(checkpoint.resolve("model.safetensors"));
        weights[weights.length - 1] ^= 0x40;
        Files.write(checkpoint.resolve("model.safetensors"), weights);
        checkpointsOf(corrupt);

        AtomicReference<String> error = new AtomicReference<>();
        Workbench.whenShellOpens(ExportCheckpointHandler.FAILURE_TITLE, ENGINE_TIMEOUT, shell -> {
            error.set(Workbench.labels(shell));
            Workbench.press(shell, "OK");
        });
        AtomicBoolean asked = Workbench.whenShellOpens(ExportDestinationDialog.TITLE, DIALOG_TIMEOUT,
                shell -> Workbench.press(shell, "Export"));

        executeExport(corrupt, checkpoint);

        Workbench.spinUntil("the export dialog", DIALOG_TIMEOUT, asked::get);
        Workbench.spinUntil("the failure to be reported", ENGINE_TIMEOUT, () -> error.get() != null);
        awaitExportJobs();
        String message = error.get();
        assertTrue(message.contains("Could not export " + checkpoint + " to " + corrupt.resolve("export/step-2")), message);
        assertTrue(message.contains("exit code 1"), message);
        assertTrue(message.contains("trainbench export: " + checkpoint.resolve("model.safetensors") + ": checksum mismatch"),
                message);
        assertFalse(Files.exists(corrupt.resolve("export")), "a failed export left " + corrupt.resolve("export"));
        try (Stream<Path> entries = Files.list(corrupt)) {
            assertEquals(List.of("checkpoints", "config.resolved.yaml"),
                    entries.map(p -> p.getFileName().toString()).sorted().toList(), "the run folder has only what it had");
        }
    }

    @Test
    void aPreviousExportIsReplacedOnlyAfterTheUserSaysYesAndAFolderWithOtherFilesIsNeverEmptied() throws Exception {
        Path run = trainedRun();
        Path checkpoint = run.resolve("checkpoints/step-2");
        Path target = temp.resolve("elsewhere/tiny-hf");
        checkpointsOf(run);

        // A first export (float32) into a new folder: no question.
        AtomicBoolean first = Workbench.whenShellOpens(ExportDestinationDialog.TITLE, DIALOG_TIMEOUT,
                shell -> chooseFolder(shell, target, ExportDtype.FLOAT32));
        executeExport(run, checkpoint);
        Workbench.spinUntil("the export dialog", DIALOG_TIMEOUT, first::get);
        awaitExportJobs();
        assertEquals("float32", torchDtype(target));

        // No: nothing is written, the previous export stays.
        AtomicBoolean declined = Workbench.whenShellOpens(ExportCheckpointHandler.REPLACE_TITLE, DIALOG_TIMEOUT,
                shell -> Workbench.press(shell, "No"));
        AtomicBoolean asked = Workbench.whenShellOpens(ExportDestinationDialog.TITLE, DIALOG_TIMEOUT,
                shell -> chooseFolder(shell, target, ExportDtype.BFLOAT16));
        executeExport(run, checkpoint);
        Workbench.spinUntil("the export dialog", DIALOG_TIMEOUT, asked::get);
        Workbench.spinUntil("the question whether to replace " + target, DIALOG_TIMEOUT, declined::get);
        awaitExportJobs();
        assertEquals("float32", torchDtype(target));

        // Yes, in bfloat16: the export replaces the previous one.
        AtomicReference<String> question = new AtomicReference<>();
        Workbench.whenShellOpens(ExportCheckpointHandler.REPLACE_TITLE, DIALOG_TIMEOUT, shell -> {
            question.set(Workbench.labels(shell));
            Workbench.press(shell, "Yes");
        });
        AtomicBoolean failed = Workbench.whenShellOpens(ExportCheckpointHandler.FAILURE_TITLE, ENGINE_TIMEOUT,
                shell -> Workbench.press(shell, "OK"));
        AtomicBoolean askedAgain = Workbench.whenShellOpens(ExportDestinationDialog.TITLE, DIALOG_TIMEOUT,
                shell -> chooseFolder(shell, target, ExportDtype.BFLOAT16));
        executeExport(run, checkpoint);
        Workbench.spinUntil("the export dialog", DIALOG_TIMEOUT, askedAgain::get);
        Workbench.spinUntil("the question whether to replace " + target, DIALOG_TIMEOUT, () -> question.get() != null);
        awaitExportJobs();
        Workbench.stopAnswering();
        assertTrue(question.get().contains(target + " already holds files. Replace them with the export of step-2?"),
                question.get());
        assertFalse(failed.get(), "the export reported a failure (see the error log)");
        assertEquals("bfloat16", torchDtype(target));
        Safetensors weights = Safetensors.read(target.resolve("model.safetensors"));
        assertEquals("BF16", weights.dtype("model.norm.weight"));
        assertEquals(96 * 2, weights.bytes("model.norm.weight").length, "96 bfloat16 values");

        // A file the export did not write: even after Yes the engine refuses to empty the folder (docs/FILES.md), the
        // failure names the file, and everything stays.
        Files.writeString(target.resolve("notes.txt"), "the user's notes");
        List<String> before = fileNames(target);
        AtomicReference<String> refusal = new AtomicReference<>();
        Workbench.whenShellOpens(ExportCheckpointHandler.REPLACE_TITLE, DIALOG_TIMEOUT, shell -> Workbench.press(shell, "Yes"));
        Workbench.whenShellOpens(ExportCheckpointHandler.FAILURE_TITLE, ENGINE_TIMEOUT, shell -> {
            refusal.set(Workbench.labels(shell));
            Workbench.press(shell, "OK");
        });
        AtomicBoolean askedOnceMore = Workbench.whenShellOpens(ExportDestinationDialog.TITLE, DIALOG_TIMEOUT,
                shell -> chooseFolder(shell, target, ExportDtype.FLOAT32));
        executeExport(run, checkpoint);
        Workbench.spinUntil("the export dialog", DIALOG_TIMEOUT, askedOnceMore::get);
        Workbench.spinUntil("the refusal to be reported", ENGINE_TIMEOUT, () -> refusal.get() != null);
        awaitExportJobs();
        assertTrue(refusal.get().contains("notes.txt"), refusal.get());
        assertEquals(before, fileNames(target), "the folder keeps the export and the user's file");
        assertEquals("bfloat16", torchDtype(target));
    }

    private static String torchDtype(Path export) throws IOException {
        return (String) Json.parseObject(Files.readString(export.resolve("config.json")), "config.json").get("torch_dtype");
    }

    /** Types {@code folder} into the export dialog, picks the weight type and presses Export. */
    private static void chooseFolder(Shell dialog, Path folder, ExportDtype dtype) {
        WidgetTree.visible(dialog, Text.class, text -> true).getFirst().setText(folder.toString());
        Combo weights = WidgetTree.combo(dialog, dtype.label());
        weights.select(weights.indexOf(dtype.label()));
        weights.notifyListeners(SWT.Selection, new Event());
        Workbench.press(dialog, "Export");
    }

    private static List<String> fileNames(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void cancellingAnExportKillsTheEngineJvmAndLeavesNoOutput() throws Exception {
        Path run = trainedRun();
        Path target = temp.resolve("cancelled/step-2");
        CheckpointExport export = new CheckpointExport(run, run.resolve("checkpoints/step-2"), target, ExportDtype.BFLOAT16, false);
        NullProgressMonitor monitor = new NullProgressMonitor();
        // Cancelled before the JVM can have started: the export job's loop sees it at its first poll, 100 ms in.
        monitor.setCanceled(true);
        long start = System.nanoTime();

        CheckpointExport.Outcome outcome = export.run(export.commandLine(null), monitor);

        assertTrue(outcome.cancelled());
        assertFalse(outcome.succeeded());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos(), "the kill took longer than its 20 s wait");
        assertFalse(Files.exists(target.getParent()), "a cancelled export left " + target.getParent());
    }

    /** The run, trained once for the class through the launch type, as a user's Run As does. */
    private static Path trainedRun() throws Exception {
        if (trained != null) {
            return trained;
        }
        Path run = temp.resolve("experiments/tiny");
        Path config = EngineRuns.demoConfig(temp.resolve("data"), temp.resolve("configs/tiny.yaml"), run.toString());
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        ILaunchConfigurationWorkingCopy copy = manager.getLaunchConfigurationType(TrainingRunSettings.TYPE_ID).newInstance(null, "tiny");
        TrainingRunSettings.forConfig(config.toString()).withOverrides(TINY_RUN.stream().map(ConfigOverride::parse).toList())
                .writeTo(copy);
        ILaunch launch = copy.launch(ILaunchManager.RUN_MODE, new NullProgressMonitor());
        IProcess process = launch.getProcesses()[0];
        try {
            Workbench.spinUntil(() -> "the tiny run to end; the engine printed:\n" + EngineRuns.consoleText(process), ENGINE_TIMEOUT, process::isTerminated);
        } finally {
            if (!process.isTerminated()) {
                process.terminate();
                process.terminate();
                Workbench.spinUntil("the engine to be killed", Duration.ofSeconds(20), process::isTerminated);
            }
            DebugPlugin.getDefault().getLaunchManager().removeLaunch(launch);
        }
        assertEquals(0, process.getExitValue(), () -> EngineRuns.consoleText(process));
        assertTrue(Files.isRegularFile(run.resolve("checkpoints/step-2/manifest.json")), "no checkpoint of step 2 in " + run);
        trained = run;
        return run;
    }

    /** Lists {@code run} under the experiments root and shows its checkpoints. */
    private static CheckpointsView checkpointsOf(Path run) throws Exception {
        LiveRuns.get().setRoots(List.of(run.getParent()));
        CheckpointsView view = (CheckpointsView) page().showView(CheckpointsView.ID);
        view.showRun(run);
        return view;
    }

    /** What the Checkpoints view's Export to Hugging Face does: the command with the run and the checkpoint. */
    private static void executeExport(Path run, Path checkpoint) throws Exception {
        ICommandService commands = PlatformUI.getWorkbench().getService(ICommandService.class);
        IHandlerService handlers = PlatformUI.getWorkbench().getService(IHandlerService.class);
        handlers.executeCommand(ParameterizedCommand.generateCommand(commands.getCommand(CheckpointsView.EXPORT_COMMAND),
                Map.of(CheckpointsView.EXPERIMENT_DIR_PARAMETER, run.toString(),
                        CheckpointsView.CHECKPOINT_PARAMETER, checkpoint.toString())), null);
    }

    private static void awaitExportJobs() {
        Workbench.spinUntil("the export job to end", ENGINE_TIMEOUT,
                () -> Job.getJobManager().find(ExportCheckpointHandler.JOB_FAMILY).length == 0);
    }

    private static List<String> rows(Table table) {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < table.getItemCount(); i++) {
            rows.add(table.getItem(i).getText(0) + " " + table.getItem(i).getText(1));
        }
        return rows;
    }

    /**
     * A safetensors file read as the format defines it: an 8-byte little-endian header length, a JSON header naming
     * each tensor's dtype, shape and byte range, then the data.
     */
    private record Safetensors(Map<String, Object> header, byte[] data) {
        static Safetensors read(Path file) throws IOException {
            byte[] all = Files.readAllBytes(file);
            long length = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            String json = new String(all, 8, (int) length, StandardCharsets.UTF_8);
            return new Safetensors(Json.parseObject(json, file + " header"), Arrays.copyOfRange(all, 8 + (int) length, all.length));
        }

        TreeSet<String> names() {
            TreeSet<String> names = new TreeSet<>(header.keySet());
            names.remove("__metadata__");
            return names;
        }

        @SuppressWarnings("unchecked")
        private Map<String, Object> tensor(String name) {
            Object tensor = header.get(name);
            assertTrue(tensor instanceof Map, "no tensor " + name + " in " + names());
            return (Map<String, Object>) tensor;
        }

        String dtype(String name) {
            return (String) tensor(name).get("dtype");
        }

        long[] shape(String name) {
            return ((List<?>) tensor(name).get("shape")).stream().mapToLong(v -> (Long) v).toArray();
        }

        byte[] bytes(String name) {
            List<?> offsets = (List<?>) tensor(name).get("data_offsets");
            return Arrays.copyOfRange(data, (int) (long) (Long) offsets.get(0), (int) (long) (Long) offsets.get(1));
        }
    }

    private static Shell shell() {
        return PlatformUI.getWorkbench().getActiveWorkbenchWindow().getShell();
    }

    private static IWorkbenchPage page() {
        return PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
    }

}
