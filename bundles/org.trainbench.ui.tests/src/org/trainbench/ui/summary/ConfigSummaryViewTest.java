package org.trainbench.ui.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.eclipse.core.filesystem.EFS;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.ITextViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.XMLMemento;
import org.eclipse.ui.ide.IDE;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.config.check.TrainingEstimate;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.hf.HfLlamaConfig;
import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.testing.Screenshots;
import org.trainbench.testing.UiPump;
import org.trainbench.ui.TrainbenchPerspective;
import org.trainbench.ui.editor.ConfigEditor;
import org.trainbench.ui.summary.ConfigSummaryView.Row;

/**
 * The summary view in the real workbench, beside a real config editor: its labels must read what the engine's
 * {@link TrainingEstimate} computes for the editor's text, follow the GPU count and ZeRO controls, and follow typing.
 */
class ConfigSummaryViewTest {
    private static final long N_8B = 8_030_261_248L;

    @Test
    void theSummaryBesideThe8bConfigShowsTheEnginesNumbersAndFollowsControlsAndTyping(@TempDir Path temp) throws Exception {
        Path example = Path.of(System.getProperty("user.dir")).resolve("../../examples/llama-3.1-8b-pretrain-from-scratch.yaml")
                .normalize();
        Path file = temp.resolve("llama-3.1-8b-pretrain-from-scratch.yaml");
        Files.copy(example, file);
        IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
        page.setPerspective(PlatformUI.getWorkbench().getPerspectiveRegistry().findPerspectiveWithId(TrainbenchPerspective.ID));
        ConfigEditor editor = assertInstanceOf(ConfigEditor.class,
                IDE.openEditorOnFileStore(page, EFS.getLocalFileSystem().getStore(file.toUri())));
        IDocument document = editor.getDocumentProvider().getDocument(editor.getEditorInput());
        ConfigSummaryView view = assertInstanceOf(ConfigSummaryView.class, page.showView(ConfigSummaryView.ID));
        assertNotNull(page.findView(ConfigSummaryView.ID), "the view is part of the Trainbench perspective");

        // Eight H100 (the default), the config's ZeRO stage 2.
        useDefaultControls(view);
        settle(view);
        TrainingEstimate on8 = engine(document, 8);
        assertEquals(N_8B, on8.parameterCount());
        assertEquals("8.03 B (8,030,261,248)", view.value(Row.PARAMETERS));
        assertEquals("", view.message());
        assertEquals(file.getFileName().toString(), view.header());
        assertShows(view, on8, TrainingEstimate.Gpu.H100_SXM, 8, 0.40);
        assertEquals("1,966,080", view.value(Row.TOKENS_PER_STEP), "480 sequences of 4096 tokens");
        assertEquals("15.0 GiB", view.value(Row.WEIGHTS), "2 bytes x 8.03 B in bf16, not sharded at stage 2");
        assertEquals("15", view.value(Row.MICRO_BATCHES), "480 sequences / (micro-batch 4 x 8 GPUs)");
        assertNotEquals(Display.getCurrent().getThread(), view.computedOn, "parsing and estimating run off the UI thread");
        assertNotNull(view.computedOn);

        // 64 GPUs: the documented 3.99 s per step, gradients and optimizer state sharded 8 times finer.
        String gradientsOn8 = view.value(Row.GRADIENTS);
        view.gpuCountSpinner.setSelection(64);
        view.gpuCountSpinner.notifyListeners(SWT.Modify, new Event());
        settle(view);
        TrainingEstimate on64 = engine(document, 64);
        assertShows(view, on64, TrainingEstimate.Gpu.H100_SXM, 64, 0.40);
        assertEquals("3.99 s", view.value(Row.TIME_PER_STEP));
        assertNotEquals(gradientsOn8, view.value(Row.GRADIENTS));
        assertEquals("15.0 GiB", view.value(Row.WEIGHTS));
        assertEquals("79.6 GiB: does not fit", view.value(Row.FITS), "micro-batch 4 without recomputation");
        // 480 sequences do not split over 64 GPUs x micro-batch 4: the view says so next to the time it estimates.
        assertEquals("1.875: not whole", view.value(Row.MICRO_BATCHES));

        ITextViewer viewer = editor.getAdapter(ITextViewer.class);
        viewer.setTopIndex(document.getLineOfOffset(document.get().indexOf("\nmodel:") + 1));
        screenshot("editor-summary.png");

        // An H200: the same peak throughput, more memory.
        view.gpuCombo.select(TrainingEstimate.Gpu.H200.ordinal());
        view.gpuCombo.notifyListeners(SWT.Selection, new Event());
        settle(view);
        assertShows(view, on64, TrainingEstimate.Gpu.H200, 64, 0.40);
        assertEquals("140 GiB: fits", view.value(Row.FITS));
        view.gpuCombo.select(TrainingEstimate.Gpu.H100_SXM.ordinal());
        view.gpuCombo.notifyListeners(SWT.Selection, new Event());

        // ZeRO stage 3 instead of the config's 2: the weights are sharded too.
        assertEquals("As in the config (2)", view.zeroCombo.getText(), "the combo names the config's stage and stays selected");
        view.zeroCombo.select(3);
        view.zeroCombo.notifyListeners(SWT.Selection, new Event());
        settle(view);
        assertShows(view, on64.withZeroStage(3), TrainingEstimate.Gpu.H100_SXM, 64, 0.40);
        assertEquals(ReadableNumbers.bytes(2 * N_8B / 64), view.value(Row.WEIGHTS));
        view.zeroCombo.select(0);
        view.zeroCombo.notifyListeners(SWT.Selection, new Event());

        // Typing: half the layers and a smaller micro-batch; the view follows once typing pauses.
        settle(view);
        long requestsBefore = view.requestedSerial();
        replace(document, "num_layers: 32", "num_layers: 16");
        replace(document, "micro_batch_size: 4", "micro_batch_size: 2");
        settle(view);
        assertEquals(requestsBefore + 1, view.requestedSerial(), "two edits within the debounce time are estimated once");
        TrainingEstimate edited = engine(document, 64);
        assertEquals(16, edited.numLayers());
        assertShows(view, edited, TrainingEstimate.Gpu.H100_SXM, 64, 0.40);
        assertTrue(edited.parameterCount() < N_8B);

        // Without batch_size the view names the key instead of going blank.
        replace(document, "  batch_size: 480\n", "");
        settle(view);
        assertTrue(view.message().contains("batch.batch_size: not written"), view.message());

        editor.close(false);
        waitUntil("the view lets go of the closed editor", () -> view.header().equals("No config"));
    }

    @Test
    void anSftConfigNamesTheArchitectureKeysUntilThePretrainedModelsConfigJsonIsBesideIt(@TempDir Path temp) throws Exception {
        Path example = Path.of(System.getProperty("user.dir")).resolve("../../examples/llama-3.1-8b-sft-train.yaml").normalize();
        Path file = temp.resolve("llama-3.1-8b-sft-train.yaml");
        Files.copy(example, file);
        IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
        ConfigEditor editor = assertInstanceOf(ConfigEditor.class,
                IDE.openEditorOnFileStore(page, EFS.getLocalFileSystem().getStore(file.toUri())));
        IDocument document = editor.getDocumentProvider().getDocument(editor.getEditorInput());
        ConfigSummaryView view = assertInstanceOf(ConfigSummaryView.class, page.showView(ConfigSummaryView.ID));
        page.activate(editor);
        useDefaultControls(view);
        settle(view);
        assertEquals(file.getFileName().toString(), view.header());
        assertTrue(view.message().contains("model.base_model.transformer.hidden_size: not written, and the pretrained model's"
                + " config.json cannot be read"), view.message());

        // The model the guide downloads, as its config.json describes it; a keystroke estimates again.
        Path model = Files.createDirectories(temp.resolve("sft-tutorial/Llama-3.1-8B"));
        LlamaArchitecture llama8b = LlamaArchitecture.llama(128_256, 4096, 32, 32, 8, 14_336)
                .withRotary(LlamaArchitecture.Rotary.llama3(500_000));
        new HfLlamaConfig(llama8b, 131_072, 128_000, List.of(128_001)).write(model, "bfloat16");
        document.replace(document.getLength(), 0, "# the model is downloaded\n");
        settle(view);
        assertEquals("", view.message());
        TrainingEstimate engine = TrainingEstimate.of(YamlParser.parse(document.get()), 8, file).orElseThrow();
        assertEquals(N_8B, engine.parameterCount());
        assertShows(view, engine, TrainingEstimate.Gpu.H100_SXM, 8, 0.40);
        assertEquals("As in the config (3)", view.zeroCombo.getText());
        editor.close(false);
    }

    @Test
    void theChosenGpuCountAndZeroStageAreSavedWithTheWorkbenchAndRestored() throws Exception {
        IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
        ConfigSummaryView view = assertInstanceOf(ConfigSummaryView.class, page.showView(ConfigSummaryView.ID));
        useDefaultControls(view);
        view.gpuCombo.select(TrainingEstimate.Gpu.A100.ordinal());
        view.gpuCombo.notifyListeners(SWT.Selection, new Event());
        view.gpuCountSpinner.setSelection(128);
        view.gpuCountSpinner.notifyListeners(SWT.Modify, new Event());
        view.zeroCombo.select(3);
        view.zeroCombo.notifyListeners(SWT.Selection, new Event());
        SummarySettings chosen = new SummarySettings(TrainingEstimate.Gpu.A100, 128, 40, 3);
        assertEquals(chosen, view.settings());

        XMLMemento saved = XMLMemento.createWriteRoot("view");
        view.saveState(saved);
        XMLMemento reread = XMLMemento.createReadRoot(new StringReader(saved.toString()));
        assertEquals(chosen, ConfigSummaryView.settingsFrom(reread));
        assertEquals(SummarySettings.DEFAULT, ConfigSummaryView.settingsFrom(null), "a first start has no memento");
        XMLMemento unknownGpu = XMLMemento.createWriteRoot("view");
        unknownGpu.putString("gpu", "TPU_V5");
        assertEquals(SummarySettings.DEFAULT, ConfigSummaryView.settingsFrom(unknownGpu));
        useDefaultControls(view);
    }

    /**
     * Eight H100 at 40 %, the config's ZeRO stage, whatever an earlier test chose. The configs here have no launch
     * configuration, which would start them on the CPU (as Run As would run them): the user picks CUDA GPUs.
     */
    private static void useDefaultControls(ConfigSummaryView view) {
        view.backendCombo.select(1);
        view.backendCombo.notifyListeners(SWT.Selection, new Event());
        view.gpuCombo.select(TrainingEstimate.Gpu.H100_SXM.ordinal());
        view.gpuCombo.notifyListeners(SWT.Selection, new Event());
        view.gpuCountSpinner.setSelection(8);
        view.gpuCountSpinner.notifyListeners(SWT.Modify, new Event());
        view.mfuSpinner.setSelection(40);
        view.mfuSpinner.notifyListeners(SWT.Modify, new Event());
        view.zeroCombo.select(0);
        view.zeroCombo.notifyListeners(SWT.Selection, new Event());
    }

    /** The engine's estimate of the document's text, as the view's job computes it. */
    private static TrainingEstimate engine(IDocument document, int gpus) throws Exception {
        return TrainingEstimate.of(YamlParser.parse(document.get()), gpus).orElseThrow();
    }

    /** Every line of the view reads the engine's value, formatted. */
    private static void assertShows(ConfigSummaryView view, TrainingEstimate e, TrainingEstimate.Gpu gpu, int gpus, double mfu) {
        assertEquals(ReadableNumbers.parameters(e.parameterCount()), view.value(Row.PARAMETERS));
        assertEquals(ReadableNumbers.bytes(e.weightBytes()), view.value(Row.WEIGHTS));
        assertEquals(ReadableNumbers.bytes(e.gradientBytes()), view.value(Row.GRADIENTS));
        assertEquals(ReadableNumbers.bytes(e.optimizerStateBytes()), view.value(Row.OPTIMIZER));
        assertEquals(ReadableNumbers.bytes(e.activationBytes()), view.value(Row.ACTIVATIONS));
        assertEquals(ReadableNumbers.bytes(e.memoryPerGpuBytes()), view.value(Row.TOTAL));
        assertEquals(ReadableNumbers.bytes(gpu.memoryBytes) + (e.fitsOn(gpu) ? ": fits" : ": does not fit"), view.value(Row.FITS));
        assertEquals(ReadableNumbers.count(e.tokensPerStep()), view.value(Row.TOKENS_PER_STEP));
        assertEquals(ReadableNumbers.flops(e.flopsPerToken()), view.value(Row.FLOPS_PER_TOKEN));
        assertEquals(ReadableNumbers.flops(e.flopsPerStep()), view.value(Row.FLOPS_PER_STEP));
        assertEquals(ReadableNumbers.seconds(e.secondsPerStep(gpu, gpus, mfu)), view.value(Row.TIME_PER_STEP));
    }

    private static void replace(IDocument document, String from, String to) throws Exception {
        int at = document.get().indexOf(from);
        assertTrue(at >= 0, "not in the document: " + from);
        document.replace(at, from.length(), to);
    }

    /** Waits past the debounce until the view shows the summary of the newest text and settings. */
    private static void settle(ConfigSummaryView view) {
        spin(ConfigSummaryView.DEBOUNCE_MILLIS + 100);
        waitUntil("the summary of the latest change", () -> view.appliedSerial == view.requestedSerial());
    }

    private static void waitUntil(String what, BooleanSupplier condition) {
        UiPump.waitUntil(what, Duration.ofSeconds(15), condition);
    }

    private static void spin(long millis) {
        UiPump.spin(Duration.ofMillis(millis));
    }

    /**
     * The workbench window filling the Xvfb screen (1600x1000), copied from the X server into the screenshots folder as
     * the views' tests take theirs; the window's size is restored afterwards.
     */
    private static void screenshot(String name) throws Exception {
        Shell shell = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getShell();
        Rectangle before = Screenshots.fillScreen(shell);
        Screenshots.screen(shell.getDisplay(), name);
        shell.setBounds(before);
        spin(200);
    }
}
