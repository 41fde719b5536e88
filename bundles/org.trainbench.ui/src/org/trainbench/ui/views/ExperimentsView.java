package org.trainbench.ui.views;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.eclipse.core.filesystem.EFS;
import org.eclipse.jface.action.Action;
import org.eclipse.jface.action.IMenuManager;
import org.eclipse.jface.action.IToolBarManager;
import org.eclipse.jface.action.MenuManager;
import org.eclipse.jface.action.Separator;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.layout.TableColumnLayout;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.ColumnViewerToolTipSupport;
import org.eclipse.jface.viewers.IElementComparer;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PartInitException;
import org.eclipse.ui.ide.IDE;
import org.eclipse.ui.part.ViewPart;
import org.trainbench.engine.run.RunDirectory;
import org.trainbench.ui.LiveRuns;
import org.trainbench.ui.experiments.RunSnapshot;
import org.trainbench.ui.experiments.RunStatus;

/**
 * The runs under the experiments root and in directories the user added, with status, step, last loss, throughput
 * and ETA, kept current by {@link LiveRuns}. Double-click opens a run's charts; the context menu opens its
 * checkpoints, config and log, compares runs, or takes a run off the list. Below the table: the selected run's
 * directory, why it has its status, and for a failed run the last lines of its log.
 */
public final class ExperimentsView extends ViewPart {
    public static final String ID = "org.trainbench.ui.views.experiments";

    /** Column titles, left to right. */
    public static final String[] COLUMNS = {"Run", "Status", "Step", "Loss", "Tokens/s (last)", "ETA"};

    private TableViewer viewer;
    private Text details;
    private Label rootLabel;
    private final List<RunSnapshot> rows = new ArrayList<>();
    private final Consumer<List<RunSnapshot>> listener = this::update;

    Action openCharts;
    Action openCheckpoints;
    Action openConfig;
    Action openLog;
    Action compare;
    Action compareGroup;
    Action duplicate;
    Action sweep;
    Action removeRun;
    Action stopRun;
    /** A run to select once it is listed (a launch selects its run before the engine has written anything). */
    private Path pendingSelection;

    /** Make a run's sweep, or a duplicate of it with changes: commands whose handlers the launch bundle contributes. */
    public static final String SWEEP_COMMAND = "org.trainbench.ui.commands.sweep";
    public static final String DUPLICATE_COMMAND = "org.trainbench.ui.commands.duplicateRun";
    /** The run the sweep or duplicate starts from. */
    public static final String EXPERIMENT_DIR_PARAMETER = CheckpointsView.EXPERIMENT_DIR_PARAMETER;

    /** What the view says while it lists no run: where to begin. */
    public static final String EMPTY_HINT = "No runs yet: File > New Experiment... creates one (the Tiny demo template trains"
            + " on the CPU in minutes), then Run As > Trainbench Training Run.";

    @Override
    public void createPartControl(Composite parent) {
        parent.setLayout(new GridLayout(1, false));
        rootLabel = new Label(parent, SWT.WRAP);
        rootLabel.setLayoutData(new GridData(SWT.FILL, SWT.TOP, true, false));

        SashForm sash = new SashForm(parent, SWT.VERTICAL);
        sash.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
        Composite tableHolder = new Composite(sash, SWT.NONE);
        TableColumnLayout columnLayout = new TableColumnLayout();
        tableHolder.setLayout(columnLayout);
        viewer = new TableViewer(tableHolder, SWT.BORDER | SWT.FULL_SELECTION | SWT.MULTI);
        viewer.getTable().setHeaderVisible(true);
        viewer.getTable().setLinesVisible(true);
        viewer.setComparer(new IElementComparer() {
            @Override
            public boolean equals(Object a, Object b) {
                return a instanceof RunSnapshot x && b instanceof RunSnapshot y ? x.directory().equals(y.directory()) : a.equals(b);
            }

            @Override
            public int hashCode(Object element) {
                return element instanceof RunSnapshot s ? s.directory().hashCode() : element.hashCode();
            }
        });
        // Minimum widths fit "finished", "12,000 / 100,000", "10.1234", "123,456" and "2 h 05 min".
        TableColumns<RunSnapshot> columns = new TableColumns<>(viewer, columnLayout, RunSnapshot.class,
                s -> s.detail() != null ? s.detail() : s.directory().toString());
        columns.add(COLUMNS[0], 30, 120, SWT.LEFT, RunSnapshot::name);
        columns.add(COLUMNS[1], 0, 68, SWT.LEFT, s -> s.status().label(), this::statusColour);
        columns.add(COLUMNS[2], 0, 100, SWT.RIGHT, s -> Formats.step(s.step(), s.trainIters()));
        columns.add(COLUMNS[3], 0, 62, SWT.RIGHT, s -> Formats.loss(s.lastLoss()));
        columns.add(COLUMNS[4], 0, 116, SWT.RIGHT, s -> Formats.rate(s.tokensPerSecond()));
        columns.add(COLUMNS[5], 0, 74, SWT.RIGHT, s -> Formats.eta(s.eta()));
        viewer.getTable().getColumn(4).setToolTipText("Throughput of the last log interval (Compare shows the mean over the whole run)");
        viewer.setContentProvider(ArrayContentProvider.getInstance());
        viewer.setInput(rows);
        ColumnViewerToolTipSupport.enableFor(viewer);
        getSite().setSelectionProvider(viewer);

        details = new Text(sash, SWT.MULTI | SWT.READ_ONLY | SWT.WRAP | SWT.V_SCROLL | SWT.BORDER);
        sash.setWeights(2, 1);

        createActions();
        viewer.addDoubleClickListener(e -> openCharts.run());
        viewer.addSelectionChangedListener(e -> selectionChanged());
        selectionChanged();
        showRoots();
        LiveRuns.get().addListener(listener);
    }

    private Color statusColour(RunSnapshot run) {
        return switch (run.status()) {
            case FAILED -> viewer.getControl().getDisplay().getSystemColor(SWT.COLOR_RED);
            case RUNNING -> viewer.getControl().getDisplay().getSystemColor(SWT.COLOR_DARK_GREEN);
            case MISSING, WAITING, NOT_STARTED -> viewer.getControl().getDisplay().getSystemColor(SWT.COLOR_DARK_GRAY);
            default -> null;
        };
    }

    private void createActions() {
        openCharts = new RunnableAction("Open Charts", () -> selectedDirectories().forEach(dir -> show(ChartsView.ID, ChartsView.class, v -> v.showRun(dir))));
        openCheckpoints = new RunnableAction("Show Checkpoints", () -> selectedDirectories().stream().findFirst()
                .ifPresent(dir -> show(CheckpointsView.ID, CheckpointsView.class, v -> v.showRun(dir))));
        openConfig = new RunnableAction("Open Config", () -> selectedDirectories().forEach(dir -> openFile(RunDirectory.of(dir).resolvedConfig())));
        openLog = new RunnableAction("Open Log", () -> selectedDirectories().forEach(dir -> openFile(RunDirectory.of(dir).trainLog())));
        compare = new RunnableAction("Compare", () -> {
            List<Path> dirs = selectedDirectories();
            show(CompareView.ID, CompareView.class, v -> v.compare(dirs));
        });
        compareGroup = new RunnableAction("Compare Group", () -> {
            List<Path> dirs = groupOfSelection();
            selectAll(dirs);
            show(CompareView.ID, CompareView.class, v -> v.compare(dirs));
        });
        compareGroup.setToolTipText("Compares every run of the selected run's sweep");
        duplicate = new RunnableAction("Duplicate with Changes...", () -> selectedDirectories().stream().findFirst().ifPresent(dir -> execute(DUPLICATE_COMMAND, dir)));
        sweep = new RunnableAction("Sweep...", () -> selectedDirectories().stream().findFirst().ifPresent(dir -> execute(SWEEP_COMMAND, dir)));
        sweep.setToolTipText("One run per combination of values of some keys (a grid), from this run's config and launch settings");
        stopRun = new RunnableAction("Stop (Checkpoint and Stop)", () -> selectedDirectories().forEach(dir -> LiveRuns.get().stop(dir)
                .ifPresent(Runnable::run)));
        stopRun.setToolTipText("Asks the engine to write a checkpoint and stop; run the same config again to resume");
        removeRun = new RunnableAction("Remove from List", () -> selectedDirectories().forEach(dir -> LiveRuns.get().remove(dir)));
        Action addDirectory = new RunnableAction("Add Directory...", () -> {
            DirectoryDialog dialog = new DirectoryDialog(getSite().getShell());
            dialog.setText("Add an experiment directory, or a folder of them");
            String chosen = dialog.open();
            if (chosen != null) {
                LiveRuns.get().addDirectory(Path.of(chosen));
            }
        });
        Action setRoot = new RunnableAction("Experiments Root...", () -> {
            DirectoryDialog dialog = new DirectoryDialog(getSite().getShell());
            dialog.setText("Folder whose experiment directories are listed");
            List<Path> roots = LiveRuns.get().catalog().roots();
            if (!roots.isEmpty()) {
                dialog.setFilterPath(roots.getFirst().toString());
            }
            String chosen = dialog.open();
            if (chosen != null) {
                LiveRuns.get().setRoots(List.of(Path.of(chosen)));
                showRoots();
            }
        });
        Action refresh = new RunnableAction("Refresh", () -> LiveRuns.get().refreshSoon());

        IToolBarManager toolbar = getViewSite().getActionBars().getToolBarManager();
        toolbar.add(addDirectory);
        toolbar.add(setRoot);
        toolbar.add(refresh);

        MenuManager menu = new MenuManager();
        menu.setRemoveAllWhenShown(true);
        menu.addMenuListener(this::fillContextMenu);
        viewer.getControl().setMenu(menu.createContextMenu(viewer.getControl()));
        getSite().registerContextMenu(menu, viewer);
    }

    private void fillContextMenu(IMenuManager menu) {
        menu.add(openCharts);
        menu.add(openCheckpoints);
        menu.add(openConfig);
        menu.add(openLog);
        menu.add(new Separator());
        menu.add(stopRun);
        menu.add(new Separator());
        menu.add(compare);
        menu.add(compareGroup);
        menu.add(new Separator());
        menu.add(duplicate);
        menu.add(sweep);
        menu.add(new Separator());
        menu.add(removeRun);
        menu.add(new Separator("additions"));
    }

    private void selectionChanged() {
        List<Path> dirs = selectedDirectories();
        boolean one = !dirs.isEmpty();
        openCharts.setEnabled(one);
        openCheckpoints.setEnabled(one);
        openConfig.setEnabled(one);
        openLog.setEnabled(one);
        removeRun.setEnabled(one);
        updateStop(true);
        compare.setEnabled(dirs.size() >= 2);
        compareGroup.setEnabled(groupOfSelection().size() >= 2);
        duplicate.setEnabled(dirs.size() == 1);
        sweep.setEnabled(dirs.size() == 1);
        showDetails();
    }

    /** The context menu's Stop, and the tool bar's with it ({@link StopRunHandler}), for the selected runs. */
    private void updateStop(boolean selectionChanged) {
        boolean stoppable = selectedDirectories().stream().anyMatch(dir -> LiveRuns.get().stop(dir).isPresent());
        if (selectionChanged || stoppable != stopRun.isEnabled()) {
            stopRun.setEnabled(stoppable);
            StopRunHandler.stoppableChanged();
        }
    }

    private void showDetails() {
        IStructuredSelection selection = viewer.getStructuredSelection();
        if (rows.isEmpty()) {
            if (!details.getText().equals(EMPTY_HINT)) {
                details.setText(EMPTY_HINT);
            }
            return;
        }
        if (selection.size() != 1) {
            details.setText(selection.isEmpty() ? "Select a run to see its directory and status; double-click to open its charts."
                    : selection.size() + " runs selected: Compare overlays their curves.");
            return;
        }
        RunSnapshot s = (RunSnapshot) selection.getFirstElement();
        StringBuilder text = new StringBuilder();
        text.append(s.directory()).append('\n');
        String group = LiveRuns.get().catalog().group(s.directory());
        if (group != null) {
            text.append("Sweep ").append(group).append(" (").append(RunDirectory.SWEEP).append("): ")
                    .append(LiveRuns.get().catalog().groupMembers(group).size()).append(" runs; Compare Group overlays them.\n");
        }
        text.append("Status: ").append(s.status().label());
        if (s.detail() != null) {
            text.append(": ").append(s.detail());
        }
        text.append('\n');
        if (s.malformedLines() > 0) {
            text.append(s.malformedLines()).append(" malformed line(s) in metrics.jsonl were skipped.\n");
        }
        if (!s.logTail().isEmpty()) {
            text.append("\nLast lines of ").append(RunDirectory.LOGS + "/" + RunDirectory.TRAIN_LOG).append(":\n");
            s.logTail().forEach(line -> text.append(line).append('\n'));
        }
        if (!details.getText().equals(text.toString())) {
            details.setText(text.toString());
        }
    }

    private void showRoots() {
        List<Path> roots = LiveRuns.get().catalog().roots();
        String text = roots.isEmpty() ? "No experiments root: use Experiments Root... or Add Directory..."
                : "Runs under " + String.join(", ", roots.stream().map(Path::toString).toList()) + " and added directories";
        if (!text.equals(rootLabel.getText())) {
            rootLabel.setText(text);
            rootLabel.getParent().layout();
        }
    }

    /** Called on the UI thread with each refresh. */
    private void update(List<RunSnapshot> snapshots) {
        if (viewer.getControl().isDisposed()) {
            return;
        }
        rows.clear();
        rows.addAll(snapshots);
        viewer.refresh();
        if (pendingSelection != null) {
            select(pendingSelection);
        }
        // A run may have started or ended since the selection was made: Stop follows.
        updateStop(false);
        showDetails();
        showRoots();
    }

    /** Selects and shows a run's row; a run not listed yet is selected once it is (after the next refresh). */
    public void select(Path directory) {
        Path dir = directory.toAbsolutePath().normalize();
        for (RunSnapshot row : rows) {
            if (row.directory().equals(dir)) {
                pendingSelection = null;
                viewer.setSelection(new org.eclipse.jface.viewers.StructuredSelection(row), true);
                return;
            }
        }
        pendingSelection = dir;
        LiveRuns.get().refreshSoon();
    }

    /** The runs of the sweep of the selected runs, when they all belong to one; else empty. */
    List<Path> groupOfSelection() {
        List<Path> dirs = selectedDirectories();
        List<String> groups = dirs.stream().map(dir -> LiveRuns.get().catalog().group(dir)).distinct().toList();
        return groups.size() == 1 && groups.getFirst() != null ? LiveRuns.get().catalog().groupMembers(groups.getFirst()) : List.of();
    }

    private void selectAll(List<Path> dirs) {
        List<RunSnapshot> chosen = rows.stream().filter(row -> dirs.contains(row.directory())).toList();
        viewer.setSelection(new org.eclipse.jface.viewers.StructuredSelection(chosen), true);
    }

    private void execute(String commandId, Path dir) {
        org.eclipse.ui.commands.ICommandService commands = getSite().getService(org.eclipse.ui.commands.ICommandService.class);
        org.eclipse.ui.handlers.IHandlerService handlers = getSite().getService(org.eclipse.ui.handlers.IHandlerService.class);
        org.eclipse.core.commands.Command command = commands.getCommand(commandId);
        try {
            if (!command.isDefined() || !command.isHandled()) {
                MessageDialog.openInformation(getSite().getShell(), "Trainbench", "Sweeps and duplicates need the Trainbench launching"
                        + " bundle (org.trainbench.launch), which is not installed");
                return;
            }
            handlers.executeCommand(org.eclipse.core.commands.ParameterizedCommand.generateCommand(command,
                    java.util.Map.of(EXPERIMENT_DIR_PARAMETER, dir.toString())), null);
        } catch (Exception e) {
            MessageDialog.openError(getSite().getShell(), "Trainbench", String.valueOf(e.getMessage()));
        }
    }

    List<Path> selectedDirectories() {
        List<Path> dirs = new ArrayList<>();
        for (Object element : viewer.getStructuredSelection().toList()) {
            dirs.add(((RunSnapshot) element).directory());
        }
        return dirs;
    }

    private <V> void show(String id, Class<V> type, Consumer<V> then) {
        try {
            IWorkbenchPage page = getSite().getPage();
            then.accept(type.cast(page.showView(id)));
        } catch (PartInitException e) {
            MessageDialog.openError(getSite().getShell(), "Trainbench", "Cannot open the view " + id + ": " + e.getMessage());
        }
    }

    private void openFile(Path file) {
        try {
            IDE.openEditorOnFileStore(getSite().getPage(), EFS.getLocalFileSystem().getStore(file.toUri()));
        } catch (PartInitException e) {
            MessageDialog.openError(getSite().getShell(), "Trainbench", "Cannot open " + file + ": " + e.getMessage()
                    + ". The run may not have written it yet.");
        }
    }

    public TableViewer viewer() {
        return viewer;
    }

    /** The context menu's Sweep..., Duplicate with Changes... and Compare Group (tests run them). */
    public org.eclipse.jface.action.IAction sweepAction() {
        return sweep;
    }

    public org.eclipse.jface.action.IAction duplicateAction() {
        return duplicate;
    }

    public org.eclipse.jface.action.IAction compareGroupAction() {
        return compareGroup;
    }

    /** The context menu's Stop (Checkpoint and Stop) for the selected runs (tests run it). */
    public org.eclipse.jface.action.IAction stopAction() {
        return stopRun;
    }

    /** The details text below the table (tests read it). */
    public Text details() {
        return details;
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
