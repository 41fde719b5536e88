package org.trainbench.ui.views;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.eclipse.core.commands.Command;
import org.eclipse.core.commands.ParameterizedCommand;
import org.eclipse.core.commands.common.NotDefinedException;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IToolBarManager;
import org.eclipse.jface.action.MenuManager;
import org.eclipse.jface.action.Separator;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.layout.TableColumnLayout;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.ColumnViewerToolTipSupport;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.TextTransfer;
import org.eclipse.swt.dnd.Transfer;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.program.Program;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.ui.commands.ICommandService;
import org.eclipse.ui.handlers.IHandlerService;
import org.eclipse.ui.part.ViewPart;
import org.trainbench.ui.LiveRuns;
import org.trainbench.ui.experiments.RunFollower;
import org.trainbench.ui.experiments.RunSnapshot;
import org.trainbench.ui.experiments.RunStatus;
import org.trainbench.ui.experiments.StoredModel;
import org.trainbench.ui.experiments.StoredModels;

/**
 * The checkpoints and exports of one run, with step, time written, size and the losses at that step. Resume
 * training from a checkpoint and export one to Hugging Face format are commands ({@link #RESUME_COMMAND},
 * {@link #EXPORT_COMMAND}) whose handlers the launch bundle contributes, since both start the engine; reveal copies
 * the path and opens the folder; delete asks first. Listing and deleting run in background jobs.
 */
public final class CheckpointsView extends ViewPart {
    public static final String ID = "org.trainbench.ui.views.checkpoints";

    /** Resume training of {@link #EXPERIMENT_DIR_PARAMETER} from {@link #CHECKPOINT_PARAMETER}: creates a launch. */
    public static final String RESUME_COMMAND = "org.trainbench.ui.commands.resumeFromCheckpoint";
    /** Export {@link #CHECKPOINT_PARAMETER} of {@link #EXPERIMENT_DIR_PARAMETER} to Hugging Face format. */
    public static final String EXPORT_COMMAND = "org.trainbench.ui.commands.exportCheckpoint";
    /** Command parameter: absolute path of the run's experiment directory. */
    public static final String EXPERIMENT_DIR_PARAMETER = "org.trainbench.ui.commands.experimentDir";
    /** Command parameter: absolute path of the checkpoint directory ({@code checkpoints/step-N}). */
    public static final String CHECKPOINT_PARAMETER = "org.trainbench.ui.commands.checkpoint";

    public static final String[] COLUMNS = {"Kind", "Step", "Written", "Size", "Train loss", "Validation loss", "Format"};

    private Label header;
    private TableViewer viewer;
    private final List<StoredModel> rows = new ArrayList<>();
    private Path run;
    private long listedGeneration = -2;
    private int ticksSinceListing;
    private final Consumer<List<RunSnapshot>> listener = this::update;
    private volatile Job listing;

    /** Opens a folder with the desktop's file manager; whether it could. Tests replace it (no desktop under Xvfb). */
    Predicate<Path> fileManager = path -> Program.launch(path.toString());

    Action resume;
    Action export;
    Action reveal;
    Action delete;

    @Override
    public void createPartControl(Composite parent) {
        parent.setLayout(new GridLayout(1, false));
        header = new Label(parent, SWT.NONE);
        header.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));
        header.setText("Choose Show Checkpoints on a run in the Experiments view.");
        Composite holder = new Composite(parent, SWT.NONE);
        holder.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
        TableColumnLayout layout = new TableColumnLayout();
        holder.setLayout(layout);
        viewer = new TableViewer(holder, SWT.BORDER | SWT.FULL_SELECTION | SWT.SINGLE);
        viewer.getTable().setHeaderVisible(true);
        viewer.getTable().setLinesVisible(true);
        // Widths fit "checkpoint", "1,000,000", "2026-11-25 06:52:20", "123.4 GiB", "10.1234"; Format takes the rest.
        TableColumns<StoredModel> columns = new TableColumns<>(viewer, layout, StoredModel.class, m -> m.path().toString());
        columns.add(COLUMNS[0], 0, 88, SWT.LEFT, m -> m.kind().label());
        columns.add(COLUMNS[1], 0, 76, SWT.RIGHT, m -> Formats.count(m.step()));
        columns.add(COLUMNS[2], 0, 150, SWT.LEFT, m -> Formats.time(m.time()));
        columns.add(COLUMNS[3], 0, 84, SWT.RIGHT, m -> Formats.bytes(m.sizeBytes()));
        columns.add(COLUMNS[4], 0, 80, SWT.RIGHT, m -> Formats.loss(m.trainLoss()));
        columns.add(COLUMNS[5], 0, 120, SWT.RIGHT, m -> Formats.loss(m.validationLoss()));
        columns.add(COLUMNS[6], 10, 90, SWT.LEFT, m -> m.complete() ? m.format() : m.format() + " (incomplete)");
        viewer.setContentProvider(ArrayContentProvider.getInstance());
        viewer.setInput(rows);
        ColumnViewerToolTipSupport.enableFor(viewer);
        getSite().setSelectionProvider(viewer);

        resume = new RunnableAction("Resume Training", () -> selected().ifPresent(m -> execute(RESUME_COMMAND, m,
                "Resuming needs the Trainbench launch support (bundle org.trainbench.launch). Until it is installed, run\n"
                        + "  trainbench train <config>\nwith run.experiment_dir: " + run + "\nto continue from the newest checkpoint.")));
        export = new RunnableAction("Export to Hugging Face", () -> selected().ifPresent(m -> execute(EXPORT_COMMAND, m,
                "Exporting needs the Trainbench launch support (bundle org.trainbench.launch), which starts the engine.")));
        reveal = new RunnableAction("Reveal", () -> selected().ifPresent(this::reveal));
        delete = new RunnableAction("Delete...", () -> selected().ifPresent(this::confirmAndDelete));
        Action refresh = new RunnableAction("Refresh", this::list);
        IToolBarManager toolbar = getViewSite().getActionBars().getToolBarManager();
        toolbar.add(resume);
        toolbar.add(export);
        toolbar.add(reveal);
        toolbar.add(delete);
        toolbar.add(refresh);
        MenuManager menu = new MenuManager();
        menu.add(resume);
        menu.add(export);
        menu.add(new Separator());
        menu.add(reveal);
        menu.add(delete);
        menu.add(new Separator("additions"));
        viewer.getControl().setMenu(menu.createContextMenu(viewer.getControl()));
        getSite().registerContextMenu(menu, viewer);
        viewer.addSelectionChangedListener(e -> enableActions());
        enableActions();
        LiveRuns.get().addListener(listener);
    }

    private void enableActions() {
        java.util.Optional<StoredModel> m = selected();
        boolean checkpoint = m.isPresent() && m.get().kind() == StoredModel.Kind.CHECKPOINT && m.get().complete();
        resume.setEnabled(checkpoint);
        export.setEnabled(checkpoint);
        reveal.setEnabled(m.isPresent());
        delete.setEnabled(m.isPresent());
    }

    private java.util.Optional<StoredModel> selected() {
        return java.util.Optional.ofNullable((StoredModel) viewer.getStructuredSelection().getFirstElement());
    }

    /** Lists this run's checkpoints and exports. */
    public void showRun(Path directory) {
        run = directory.toAbsolutePath().normalize();
        if (LiveRuns.get().follower(run) == null) {
            LiveRuns.get().addDirectory(run);
        }
        header.setText("Checkpoints and exports of " + run);
        rows.clear();
        viewer.refresh();
        listedGeneration = -2;
        list();
    }

    public Path run() {
        return run;
    }

    private void update(List<RunSnapshot> snapshots) {
        if (viewer.getControl().isDisposed() || run == null) {
            return;
        }
        RunFollower follower = LiveRuns.get().follower(run);
        long generation = follower == null ? -1 : follower.metrics().generation();
        // New metric lines may announce a checkpoint; otherwise look again every few seconds (rotation, deletes).
        if (generation != listedGeneration || ++ticksSinceListing >= 10) {
            list();
        }
    }

    /**
     * Lists the run's checkpoints and exports again, for those who wrote one without a metrics line announcing it (an
     * export from the workbench or the command line). Call on the UI thread; the returned job (null when no run is
     * shown) is done when the table is filled.
     */
    public Job refresh() {
        return list();
    }

    /** Lists in the background and shows the result; the returned job is done when the table is filled. */
    Job list() {
        Path dir = run;
        RunFollower follower = dir == null ? null : LiveRuns.get().follower(dir);
        if (dir == null || follower == null) {
            return null;
        }
        listedGeneration = follower.metrics().generation();
        ticksSinceListing = 0;
        Job job = new Job("Listing checkpoints of " + dir.getFileName()) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                List<StoredModel> models;
                try {
                    models = StoredModels.list(dir, follower.metrics());
                } catch (IOException e) {
                    models = List.of();
                }
                List<StoredModel> found = models;
                Display.getDefault().asyncExec(() -> show(dir, found));
                return Status.OK_STATUS;
            }
        };
        job.setSystem(true);
        listing = job;
        job.schedule();
        return job;
    }

    /** The last listing job started (tests wait for it). */
    Job listing() {
        return listing;
    }

    private void show(Path dir, List<StoredModel> models) {
        if (viewer.getControl().isDisposed() || !dir.equals(run) || rows.equals(models)) {
            return;
        }
        rows.clear();
        rows.addAll(models);
        viewer.refresh();
        enableActions();
    }

    TableViewer viewer() {
        return viewer;
    }

    private void execute(String commandId, StoredModel model, String whenMissing) {
        ICommandService commands = getSite().getService(ICommandService.class);
        IHandlerService handlers = getSite().getService(IHandlerService.class);
        Command command = commands.getCommand(commandId);
        Map<String, Object> parameters = new HashMap<>();
        parameters.put(EXPERIMENT_DIR_PARAMETER, run.toString());
        parameters.put(CHECKPOINT_PARAMETER, model.path().toString());
        try {
            if (!command.isDefined() || !command.isHandled()) {
                MessageDialog.openInformation(getSite().getShell(), "Trainbench", whenMissing);
                return;
            }
            handlers.executeCommand(ParameterizedCommand.generateCommand(command, parameters), null);
        } catch (NotDefinedException e) {
            MessageDialog.openInformation(getSite().getShell(), "Trainbench", whenMissing);
        } catch (Exception e) {
            MessageDialog.openError(getSite().getShell(), "Trainbench", e.getMessage());
        }
    }

    private void reveal(StoredModel model) {
        Clipboard clipboard = new Clipboard(viewer.getControl().getDisplay());
        try {
            clipboard.setContents(new Object[] {model.path().toString()}, new Transfer[] {TextTransfer.getInstance()});
        } finally {
            clipboard.dispose();
        }
        boolean opened = fileManager.test(model.path());
        getViewSite().getActionBars().getStatusLineManager().setMessage(
                (opened ? "Opened " : "Copied the path ") + model.path() + (opened ? " (path copied)" : " to the clipboard"));
    }

    private void confirmAndDelete(StoredModel model) {
        RunSnapshot snapshot = LiveRuns.get().snapshots().stream().filter(s -> s.directory().equals(run)).findFirst().orElse(null);
        String warning = snapshot != null && snapshot.status() == RunStatus.RUNNING && model.kind() == StoredModel.Kind.CHECKPOINT
                ? "\n\nThe run is still training: if it stops or crashes, it resumes from its newest remaining checkpoint."
                : "";
        boolean confirmed = MessageDialog.openConfirm(getSite().getShell(), "Delete " + model.kind().label(),
                "Delete the " + model.kind().label() + " of step " + Formats.count(model.step()) + " (" + Formats.bytes(model.sizeBytes())
                        + ")?\n" + model.path() + "\n\nThis cannot be undone." + warning);
        if (!confirmed) {
            return;
        }
        Job job = new Job("Deleting " + model.path()) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                try {
                    StoredModels.delete(model);
                } catch (IOException e) {
                    Display.getDefault().asyncExec(() -> MessageDialog.openError(getSite().getShell(), "Delete",
                            "Cannot delete " + model.path() + ": " + e.getMessage() + ". Check its permissions and delete it by hand."));
                }
                Display.getDefault().asyncExec(CheckpointsView.this::list);
                return Status.OK_STATUS;
            }
        };
        job.schedule();
    }

    @Override
    public void setFocus() {
        viewer.getControl().setFocus();
    }

    @Override
    public void dispose() {
        LiveRuns.get().removeListener(listener);
        super.dispose();
    }
}
