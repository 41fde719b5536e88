package org.trainbench.ui.summary;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.text.DocumentEvent;
import org.eclipse.jface.text.IDocument;
import org.eclipse.jface.text.IDocumentListener;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.ScrolledComposite;
import org.eclipse.swt.custom.StackLayout;
import org.eclipse.swt.graphics.Font;
import org.eclipse.swt.graphics.FontData;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.ui.IEditorInput;
import org.eclipse.ui.IEditorPart;
import org.eclipse.ui.IMemento;
import org.eclipse.ui.IViewSite;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.IURIEditorInput;
import org.eclipse.ui.IPartListener2;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.IWorkbenchPart;
import org.eclipse.ui.IWorkbenchPartReference;
import org.eclipse.ui.part.ViewPart;
import org.trainbench.engine.config.check.TrainingEstimate;
import org.eclipse.ui.texteditor.ITextEditor;
import org.trainbench.ui.editor.ConfigEditor;

/**
 * The live summary beside the config editor: size, memory per GPU, tokens, FLOPs and time per step of the training
 * config in the active {@link ConfigEditor}, on the GPUs the user chooses. Follows the active config editor and its
 * typing: 300 ms after the last change the text is parsed and estimated by the engine's {@link TrainingEstimate} in a
 * background job (which also reads a pretrained model's config.json), and the labels are updated on the UI thread.
 */
public final class ConfigSummaryView extends ViewPart {
    public static final String ID = "org.trainbench.ui.views.summary";

    private static final String GPU_KEY = "gpu";
    private static final String GPUS_KEY = "gpus";
    private static final String MFU_KEY = "mfuPercent";
    private static final String ZERO_KEY = "zeroOverride";

    /** Quiet time after the last keystroke before the text is estimated again. */
    static final int DEBOUNCE_MILLIS = 300;

    /** One line of the summary; {@link #value} reads it from an estimate. */
    public enum Row {
        PARAMETERS("Parameters", s -> ReadableNumbers.parameters(s.estimate().parameterCount())),
        WEIGHTS("Weights", s -> ReadableNumbers.bytes(s.estimate().weightBytes())),
        GRADIENTS("Gradients", s -> ReadableNumbers.bytes(s.estimate().gradientBytes())),
        OPTIMIZER("Optimizer state", s -> ReadableNumbers.bytes(s.estimate().optimizerStateBytes())),
        ACTIVATIONS("Activations", s -> ReadableNumbers.bytes(s.estimate().activationBytes())),
        TOTAL("Total", s -> ReadableNumbers.bytes(s.estimate().memoryPerGpuBytes())),
        FITS("GPU memory", s -> s.settings().cpu() ? "none (CPU run)"
                : ReadableNumbers.bytes(s.settings().gpu().memoryBytes) + (s.estimate().fitsOn(s.settings().gpu()) ? ": fits" : ": does not fit")),
        TOKENS_PER_STEP("Tokens per step", s -> ReadableNumbers.count(s.estimate().tokensPerStep())),
        MICRO_BATCHES("Micro-batches per GPU", s -> s.estimate().batchSplitProblem().isPresent()
                ? String.format(Locale.ROOT, "%.3f: not whole", s.estimate().microBatchesPerGpu())
                : String.format(Locale.ROOT, "%d", Math.round(s.estimate().microBatchesPerGpu()))),
        FLOPS_PER_TOKEN("FLOPs per token", s -> ReadableNumbers.flops(s.estimate().flopsPerToken())),
        FLOPS_PER_STEP("FLOPs per step", s -> ReadableNumbers.flops(s.estimate().flopsPerStep())),
        TIME_PER_STEP("Time per step", s -> s.settings().cpu() ? "n/a on the CPU"
                : ReadableNumbers.seconds(s.secondsPerStep()));

        final String label;
        private final Function<ConfigSummary.Estimated, String> value;

        Row(String label, Function<ConfigSummary.Estimated, String> value) {
            this.label = label;
            this.value = value;
        }

        String value(ConfigSummary.Estimated summary) {
            return value.apply(summary);
        }
    }

    /** A text to estimate; {@code serial} tells the newest request from older ones still in flight. */
    private record Request(long serial, String source, Path file, String text, SummarySettings settings) {
    }

    private Label header;
    private Composite pages;
    private StackLayout stack;
    private Composite valuesPage;
    private Label message;
    private Label shape;
    private final Map<Row, Label> values = new EnumMap<>(Row.class);
    private Group memoryGroup;
    /** CPU or GPUs, as the followed config's launch configuration says until the user chooses. */
    Combo backendCombo;
    Combo gpuCombo;
    Spinner gpuCountSpinner;
    Spinner mfuSpinner;
    Combo zeroCombo;
    private ScrolledComposite scroller;
    private Composite content;
    private Font bold;
    private Display display;

    private SummarySettings settings = SummarySettings.DEFAULT;
    /** Where the followed config's launch configuration trains, or null (no config, or no launch bundle installed). */
    private RunTarget target;
    /** What the user chose for a config while following it: kept when the editor comes back to the front. */
    private final Map<Path, SummarySettings> chosen = new java.util.HashMap<>();
    private Path followedFile;
    /** Set while the controls are being set from the settings, so that their listeners do not count it as a choice. */
    private boolean syncing;
    /** The config editor followed (a {@link ConfigEditor}), typed by its interface: see {@link #configEditor}. */
    private ITextEditor followed;
    private IDocument document;
    private long serial;
    private volatile Request pending;
    /** The thread that computed the summary shown now: the tests check it is not the UI thread. */
    volatile Thread computedOn;
    /** Requests applied so far; lets tests wait for the summary of a change. */
    volatile long appliedSerial;

    private final IDocumentListener documentListener = new IDocumentListener() {
        @Override
        public void documentAboutToBeChanged(DocumentEvent event) {
        }

        @Override
        public void documentChanged(DocumentEvent event) {
            // timerExec with the same runnable restarts its timer: typing postpones the estimate until a pause.
            display.timerExec(DEBOUNCE_MILLIS, debounced);
        }
    };
    private final Runnable debounced = this::refresh;

    private final IPartListener2 partListener = new IPartListener2() {
        @Override
        public void partActivated(IWorkbenchPartReference ref) {
            followIfConfigEditor(ref.getPart(false));
        }

        @Override
        public void partBroughtToTop(IWorkbenchPartReference ref) {
            followIfConfigEditor(ref.getPart(false));
        }

        @Override
        public void partInputChanged(IWorkbenchPartReference ref) {
            if (ref.getPart(false) == followed) {
                follow(followed);
            }
        }

        @Override
        public void partClosed(IWorkbenchPartReference ref) {
            if (ref.getPart(false) == followed) {
                IEditorPart next = getSite().getPage().getActiveEditor();
                ITextEditor editor = configEditor(next);
                follow(editor != followed ? editor : null);
            }
        }
    };

    private final Job job = new Job("Estimating the training config") {
        @Override
        protected IStatus run(IProgressMonitor monitor) {
            Request request = pending;
            if (request == null) {
                return Status.OK_STATUS;
            }
            ConfigSummary summary = ConfigSummary.of(request.text(), request.settings(), request.file());
            Thread thread = Thread.currentThread();
            if (!display.isDisposed()) {
                display.asyncExec(() -> apply(request, summary, thread));
            }
            return Status.OK_STATUS;
        }
    };

    @Override
    public void init(IViewSite site, IMemento memento) throws PartInitException {
        super.init(site, memento);
        settings = settingsFrom(memento);
    }

    /** Keeps the user's GPU, GPU count, MFU and ZeRO choice across workbench restarts. */
    @Override
    public void saveState(IMemento memento) {
        super.saveState(memento);
        memento.putString(GPU_KEY, settings.gpu().name());
        memento.putInteger(GPUS_KEY, settings.gpus());
        memento.putInteger(MFU_KEY, settings.mfuPercent());
        memento.putInteger(ZERO_KEY, settings.zeroOverride());
    }

    /** The settings a memento saved, the defaults for what it lacks or for values out of range (an older version's). */
    static SummarySettings settingsFrom(IMemento memento) {
        SummarySettings result = SummarySettings.DEFAULT;
        if (memento == null) {
            return result;
        }
        try {
            String gpu = memento.getString(GPU_KEY);
            if (gpu != null) {
                result = result.withGpu(TrainingEstimate.Gpu.valueOf(gpu));
            }
            Integer gpus = memento.getInteger(GPUS_KEY);
            Integer mfu = memento.getInteger(MFU_KEY);
            Integer zero = memento.getInteger(ZERO_KEY);
            return new SummarySettings(result.gpu(), gpus == null ? result.gpus() : gpus, mfu == null ? result.mfuPercent() : mfu,
                    zero == null ? result.zeroOverride() : zero);
        } catch (IllegalArgumentException e) {
            return SummarySettings.DEFAULT;
        }
    }

    @Override
    public void createPartControl(Composite parent) {
        job.setSystem(true);
        display = parent.getDisplay();
        scroller = new ScrolledComposite(parent, SWT.V_SCROLL | SWT.H_SCROLL);
        scroller.setExpandHorizontal(true);
        scroller.setExpandVertical(true);
        // Wrapped lines get taller as the view gets narrower: the scrolled size follows the width.
        scroller.addListener(SWT.Resize, e -> relayout());
        content = new Composite(scroller, SWT.NONE);
        scroller.setContent(content);
        content.setLayout(new GridLayout(1, false));
        FontData[] data = parent.getFont().getFontData();
        for (FontData d : data) {
            d.setStyle(SWT.BOLD);
        }
        bold = new Font(parent.getDisplay(), data);

        header = new Label(content, SWT.WRAP);
        header.setFont(bold);
        header.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
        createControls(content);

        pages = new Composite(content, SWT.NONE);
        pages.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
        stack = new StackLayout();
        pages.setLayout(stack);
        message = new Label(pages, SWT.WRAP);
        valuesPage = new Composite(pages, SWT.NONE);
        GridLayout valuesLayout = new GridLayout(1, false);
        valuesLayout.marginWidth = 0;
        valuesLayout.marginHeight = 0;
        valuesPage.setLayout(valuesLayout);
        shape = new Label(valuesPage, SWT.WRAP);
        shape.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
        Composite model = group(valuesPage, "Model");
        row(model, Row.PARAMETERS);
        Composite memory = group(valuesPage, "Memory per GPU");
        memoryGroup = (Group) memory;
        for (Row r : new Row[] {Row.WEIGHTS, Row.GRADIENTS, Row.OPTIMIZER, Row.ACTIVATIONS, Row.TOTAL, Row.FITS}) {
            row(memory, r);
        }
        values.get(Row.TOTAL).setFont(bold);
        Composite speed = group(valuesPage, "Step");
        for (Row r : new Row[] {Row.TOKENS_PER_STEP, Row.MICRO_BATCHES, Row.FLOPS_PER_TOKEN, Row.FLOPS_PER_STEP, Row.TIME_PER_STEP}) {
            row(speed, r);
        }
        values.get(Row.TIME_PER_STEP).setFont(bold);
        Label assumptions = new Label(valuesPage, SWT.WRAP);
        assumptions.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
        assumptions.setText("Mixed-precision AdamW; activations without recomputation; data parallelism only (no tensor or"
                + " pipeline parallelism). Formulas: docs/EDITOR.md.");

        show("Open a training config (*.yaml) in the editor: its size, memory per GPU and time per step show here.", null);
        getSite().getPage().addPartListener(partListener);
        followIfConfigEditor(getSite().getPage().getActiveEditor());
    }

    private void createControls(Composite parent) {
        Group hardware = new Group(parent, SWT.NONE);
        hardware.setText("Hardware");
        hardware.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
        hardware.setLayout(new GridLayout(2, false));

        new Label(hardware, SWT.NONE).setText("Backend:");
        backendCombo = new Combo(hardware, SWT.READ_ONLY);
        backendCombo.setItems(BACKENDS);
        backendCombo.select(settings.cpu() ? 0 : 1);
        backendCombo.setLayoutData(fill());
        backendCombo.addListener(SWT.Selection, e -> changeSettings(settings.withCpu(backendCombo.getSelectionIndex() == 0)));

        new Label(hardware, SWT.NONE).setText("GPU:");
        gpuCombo = new Combo(hardware, SWT.READ_ONLY);
        for (TrainingEstimate.Gpu gpu : TrainingEstimate.Gpu.values()) {
            gpuCombo.add(gpu.label);
        }
        gpuCombo.select(settings.gpu().ordinal());
        gpuCombo.setLayoutData(fill());
        gpuCombo.addListener(SWT.Selection, e -> changeSettings(settings.withGpu(TrainingEstimate.Gpu.values()[gpuCombo.getSelectionIndex()])));

        new Label(hardware, SWT.NONE).setText("GPUs (data-parallel):");
        gpuCountSpinner = new Spinner(hardware, SWT.BORDER);
        gpuCountSpinner.setValues(settings.gpus(), 1, 65_536, 0, 1, 8);
        gpuCountSpinner.addListener(SWT.Modify, e -> changeSettings(settings.withGpus(gpuCountSpinner.getSelection())));

        new Label(hardware, SWT.NONE).setText("MFU (%):");
        mfuSpinner = new Spinner(hardware, SWT.BORDER);
        mfuSpinner.setValues(settings.mfuPercent(), 1, 100, 0, 1, 10);
        mfuSpinner.addListener(SWT.Modify, e -> changeSettings(settings.withMfuPercent(mfuSpinner.getSelection())));

        new Label(hardware, SWT.NONE).setText("ZeRO stage:");
        zeroCombo = new Combo(hardware, SWT.READ_ONLY);
        zeroCombo.setItems(zeroItems(-1));
        zeroCombo.select(settings.zeroOverride());
        zeroCombo.setLayoutData(fill());
        zeroCombo.addListener(SWT.Selection, e -> changeSettings(settings.withZeroOverride(zeroCombo.getSelectionIndex())));
    }

    /** The backend combo's items, as the launch configuration's Backend tab names them. */
    static final String[] BACKENDS = {"CPU", "CUDA GPUs"};

    /** Sets the controls from the settings without counting it as the user's choice; GPU controls off on the CPU. */
    private void syncControls() {
        syncing = true;
        try {
            backendCombo.select(settings.cpu() ? 0 : 1);
            gpuCombo.select(settings.gpu().ordinal());
            if (gpuCountSpinner.getSelection() != settings.gpus()) {
                gpuCountSpinner.setSelection(settings.gpus());
            }
            if (mfuSpinner.getSelection() != settings.mfuPercent()) {
                mfuSpinner.setSelection(settings.mfuPercent());
            }
            zeroCombo.select(settings.zeroOverride());
            for (org.eclipse.swt.widgets.Control c : new org.eclipse.swt.widgets.Control[] {gpuCombo, gpuCountSpinner, mfuSpinner, zeroCombo}) {
                c.setEnabled(!settings.cpu());
            }
        } finally {
            syncing = false;
        }
    }

    /** Fills the column without asking for the widest item's width, so that a narrow view does not clip. */
    private static GridData fill() {
        GridData data = new GridData(SWT.FILL, SWT.CENTER, true, false);
        data.widthHint = 80;
        return data;
    }

    /** Item 0 keeps the config's stage (named once known); items 1 to 3 override it. */
    private static String[] zeroItems(int configStage) {
        return new String[] {configStage < 0 ? "As in the config" : "As in the config (" + configStage + ")",
                "1 (optimizer state)", "2 (+ gradients)", "3 (+ weights)"};
    }

    private static Composite group(Composite parent, String title) {
        Group group = new Group(parent, SWT.NONE);
        group.setText(title);
        group.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
        group.setLayout(new GridLayout(2, false));
        return group;
    }

    private void row(Composite parent, Row row) {
        new Label(parent, SWT.NONE).setText(row.label + ":");
        Label value = new Label(parent, SWT.NONE);
        value.setLayoutData(new GridData(SWT.FILL, SWT.CENTER, true, false));
        values.put(row, value);
    }

    /**
     * The part as a config editor, or null. Tells it by its id first: an {@code instanceof ConfigEditor} on every part
     * activated at start-up would load the editor class and with it the text editor bundles before the window shows.
     */
    private static ITextEditor configEditor(IWorkbenchPart part) {
        return part instanceof IEditorPart editor && ConfigEditor.ID.equals(editor.getSite().getId()) && part instanceof ITextEditor text
                ? text : null;
    }

    private void followIfConfigEditor(IWorkbenchPart part) {
        ITextEditor editor = configEditor(part);
        if (editor != null && editor != followed) {
            follow(editor);
        }
    }

    /** Follows {@code editor}'s document (null: none), and estimates it at once. */
    private void follow(ITextEditor editor) {
        if (document != null) {
            document.removeDocumentListener(documentListener);
        }
        followed = editor;
        document = editor == null || editor.getDocumentProvider() == null ? null
                : editor.getDocumentProvider().getDocument(editor.getEditorInput());
        followedFile = editor == null ? null : fileOf(editor.getEditorInput());
        // Start from where the config's launch configuration trains (the launch bundle's launch manager holds them in
        // memory), unless the user chose otherwise for this config.
        target = followedFile == null ? null : RunTarget.of(followedFile);
        SummarySettings remembered = followedFile == null ? null : chosen.get(followedFile);
        if (remembered != null) {
            settings = remembered;
        } else if (target != null) {
            settings = settings.withTarget(target);
        }
        syncControls();
        if (document != null) {
            document.addDocumentListener(documentListener);
        }
        refresh();
    }

    private void changeSettings(SummarySettings changed) {
        if (syncing) {
            return;
        }
        if (!changed.equals(settings)) {
            settings = changed;
            if (followedFile != null) {
                chosen.put(followedFile, settings);
            }
            syncControls();
            refresh();
        }
    }

    /** Takes the text on the UI thread (documents are not thread-safe) and estimates it in the job. */
    private void refresh() {
        if (header == null || header.isDisposed()) {
            return;
        }
        if (document == null) {
            pending = null;
            show("Open a training config (*.yaml) in the editor: its size, memory per GPU and time per step show here.", null);
            return;
        }
        IEditorInput input = followed.getEditorInput();
        pending = new Request(++serial, input.getName(), fileOf(input), document.get(), settings);
        job.schedule();
    }

    /** The local file an editor input is, for reading a relative pretrained.path; null for other inputs. */
    private static Path fileOf(IEditorInput input) {
        if (input instanceof IURIEditorInput uriInput && uriInput.getURI() != null && "file".equals(uriInput.getURI().getScheme())) {
            return Path.of(uriInput.getURI());
        }
        return null;
    }

    private void apply(Request request, ConfigSummary summary, Thread thread) {
        if (header.isDisposed() || request != pending) {
            return;
        }
        computedOn = thread;
        switch (summary) {
            case ConfigSummary.Estimated estimated -> {
                header.setText(request.source());
                String configStage = zeroItems(estimated.configZeroStage())[0];
                if (!zeroCombo.getItem(0).equals(configStage)) {
                    // GTK clears the selection when the selected item is replaced: select it again.
                    int selected = zeroCombo.getSelectionIndex();
                    zeroCombo.setItem(0, configStage);
                    zeroCombo.select(Math.max(0, selected));
                }
                TrainingEstimate e = estimated.estimate();
                SummarySettings s = estimated.settings();
                String hardware = s.cpu() ? "CPU, one engine process"
                        : String.format(Locale.ROOT, "%d x %s at %d %% of %.0f TFLOP/s; ZeRO stage %d", s.gpus(), s.gpu().label,
                                s.mfuPercent(), s.gpu().peakBf16TeraFlops, e.zeroStage());
                // Where the launch trains, and whether the numbers are for that or for what the user chose here instead.
                boolean asLaunched = target != null && target.cpu() == s.cpu() && (s.cpu() || target.gpus() == s.gpus());
                shape.setText((target == null ? "" : (asLaunched ? "Launch: " : "Chosen here; the launch: ") + target.describe() + "\n") + hardware
                        + String.format(Locale.ROOT, "; micro-batch %d x %,d tokens; %s training", e.microBatchSize(), e.sequenceLength(),
                                e.trainingDtypeBytes() == 4 ? "fp32" : "16-bit")
                        + e.batchSplitProblem().map(problem -> "\n\u26a0 " + problem).orElse(""));
                memoryGroup.setText(s.cpu() ? "Memory (host RAM)" : "Memory per GPU");
                shape.setForeground(e.batchSplitProblem().isPresent() ? display.getSystemColor(SWT.COLOR_RED) : null);
                for (Row row : Row.values()) {
                    values.get(row).setText(row.value(estimated));
                }
                values.get(Row.FITS).setForeground(s.cpu() ? null : display.getSystemColor(
                        e.fitsOn(estimated.settings().gpu()) ? SWT.COLOR_DARK_GREEN : SWT.COLOR_RED));
                values.get(Row.MICRO_BATCHES).setForeground(e.batchSplitProblem().isPresent() ? display.getSystemColor(SWT.COLOR_RED) : null);
                stack.topControl = valuesPage;
            }
            case ConfigSummary.Incomplete incomplete -> {
                StringBuilder text = new StringBuilder("No estimate yet: the config lacks what the estimate needs.\n");
                for (TrainingEstimate.MissingKey key : incomplete.missing()) {
                    text.append("\n\u2022 ").append(key.key()).append(": ").append(key.reason());
                }
                show(text.toString(), request.source());
            }
            case ConfigSummary.Unreadable unreadable -> show(unreadable.message(), request.source());
        }
        appliedSerial = request.serial();
        relayout();
    }

    private void show(String text, String source) {
        header.setText(source == null ? "No config" : source);
        message.setText(text);
        stack.topControl = message;
        relayout();
    }

    private void relayout() {
        pages.layout(true, true);
        content.layout(true, true);
        int width = scroller.getClientArea().width;
        Point size = content.computeSize(width > 0 ? width : SWT.DEFAULT, SWT.DEFAULT);
        scroller.setMinSize(size);
    }

    /** The text a summary line shows now (tests read it). */
    public String value(Row row) {
        return values.get(row).getText();
    }

    /** The explanation shown instead of the numbers (missing keys, syntax error), or empty while numbers show. */
    public String message() {
        return stack.topControl == message ? message.getText() : "";
    }

    public String header() {
        return header.getText();
    }

    SummarySettings settings() {
        return settings;
    }

    /** The shape line above the numbers: where the run trains and the batch's shape. */
    public String shape() {
        return shape.getText();
    }

    /** The title of the memory group (per GPU, or host RAM). */
    public String memoryTitle() {
        return memoryGroup.getText();
    }

    /** The serial of the newest request: once {@link #appliedSerial} reaches it, the view shows the latest text and settings. */
    long requestedSerial() {
        return serial;
    }

    /** Whether the view shows the summary of the newest text and settings (tests wait for it). */
    public boolean isCurrent() {
        return appliedSerial == serial;
    }

    @Override
    public void setFocus() {
        gpuCombo.setFocus();
    }

    @Override
    public void dispose() {
        getSite().getPage().removePartListener(partListener);
        if (document != null) {
            document.removeDocumentListener(documentListener);
        }
        if (display != null && !display.isDisposed()) {
            display.timerExec(-1, debounced);
        }
        job.cancel();
        if (bold != null) {
            bold.dispose();
        }
        super.dispose();
    }
}
