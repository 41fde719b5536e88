package org.trainbench.launch.ui;

import java.nio.file.Path;
import java.util.List;

import org.eclipse.core.commands.AbstractHandler;
import org.eclipse.core.commands.ExecutionEvent;
import org.eclipse.core.commands.ExecutionException;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.ILog;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.IStatus;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.window.Window;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.IViewPart;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.IWorkbenchWindow;
import org.eclipse.ui.PlatformUI;
import org.trainbench.launch.CheckpointExport;
import org.trainbench.launch.EngineCommandLine;
import org.trainbench.launch.TrainingRunSettings;
import org.trainbench.ui.views.CheckpointsView;

/**
 * Handler of the Checkpoints view's "Export to Hugging Face": asks where to write (by default
 * {@code EXPERIMENT/export/step-N}, where the engine puts the exports it writes during training, so the view lists
 * it), then runs {@code trainbench export} in an engine JVM of its own, in a user job that shows progress (the
 * engine's messages) and can be cancelled. A failure is shown with the engine's own message and the checkpoint it
 * concerns, and logged; success refreshes the Checkpoints view that shows the run.
 *
 * <p>Nothing touches the file system on the UI thread: the proposed folder is found in a job, the dialog opens on the
 * UI thread, the export runs in another job.
 */
public final class ExportCheckpointHandler extends AbstractHandler {

    /** Family of the export jobs (tests and shutdown code wait for them). */
    public static final Object JOB_FAMILY = ExportCheckpointHandler.class;
    public static final String FAILURE_TITLE = "Export to Hugging Face failed";
    public static final String REPLACE_TITLE = "Replace Export";

    @Override
    public Object execute(ExecutionEvent event) throws ExecutionException {
        String directory = event.getParameter(CheckpointsView.EXPERIMENT_DIR_PARAMETER);
        String checkpoint = event.getParameter(CheckpointsView.CHECKPOINT_PARAMETER);
        if (directory == null || checkpoint == null) {
            throw new ExecutionException(ExportDestinationDialog.TITLE + " needs the parameters "
                    + CheckpointsView.EXPERIMENT_DIR_PARAMETER + " and " + CheckpointsView.CHECKPOINT_PARAMETER);
        }
        Path experimentDir = Path.of(directory).toAbsolutePath().normalize();
        Path chosen = Path.of(checkpoint).toAbsolutePath().normalize();
        Display display = Display.getCurrent() != null ? Display.getCurrent() : Display.getDefault();
        Job proposing = Job.create(ExportDestinationDialog.TITLE + ": choosing a folder for " + chosen.getFileName(), monitor -> {
            Path proposed = CheckpointExport.defaultTarget(experimentDir, chosen);
            display.asyncExec(() -> ask(display, experimentDir, chosen, proposed));
            return Status.OK_STATUS;
        });
        proposing.setSystem(true);
        proposing.schedule();
        return null;
    }

    private static void ask(Display display, Path experimentDir, Path checkpoint, Path proposed) {
        ExportDestinationDialog dialog = new ExportDestinationDialog(shell(display), experimentDir, checkpoint, proposed);
        if (dialog.open() != Window.OK) {
            return;
        }
        exportJob(display, new CheckpointExport(experimentDir, checkpoint, dialog.target(), dialog.dtype(), false)).schedule();
    }

    /** The job that runs the export and reports its outcome. */
    static Job exportJob(Display display, CheckpointExport requested) {
        String name = "Exporting " + requested.checkpoint().getFileName() + " of " + requested.experimentDir().getFileName()
                + " to Hugging Face format";
        Job job = new Job(name) {
            @Override
            protected IStatus run(IProgressMonitor monitor) {
                monitor.beginTask(name + " in " + requested.target(), IProgressMonitor.UNKNOWN);
                try {
                    return export(display, requested, monitor);
                } finally {
                    monitor.done();
                }
            }

            @Override
            public boolean belongsTo(Object family) {
                return family == JOB_FAMILY;
            }
        };
        job.setUser(true);
        return job;
    }

    private static IStatus export(Display display, CheckpointExport requested, IProgressMonitor monitor) {
        CheckpointExport export = requested;
        if (export.targetHasFiles()) {
            boolean[] replace = {false};
            display.syncExec(() -> replace[0] = MessageDialog.openQuestion(shell(display), REPLACE_TITLE,
                    requested.target() + " already holds files. Replace them with the export of "
                            + requested.checkpoint().getFileName() + "?"));
            if (!replace[0]) {
                return Status.CANCEL_STATUS;
            }
            export = export.overwriting();
        }
        EngineCommandLine commandLine;
        try {
            commandLine = export.commandLine(trainingSettings(export.experimentDir()));
        } catch (CoreException e) {
            return failed(display, export, e.getStatus().getMessage());
        }
        CheckpointExport.Outcome outcome = export.run(commandLine, monitor);
        if (outcome.cancelled()) {
            return Status.CANCEL_STATUS;
        }
        if (!outcome.succeeded()) {
            String said = outcome.message().isBlank() ? "(it printed nothing)" : outcome.message();
            return failed(display, export, "The engine ended with exit code " + outcome.exitCode() + ":\n" + said);
        }
        CheckpointExport done = export;
        display.asyncExec(() -> showExport(done));
        return Status.OK_STATUS;
    }

    /**
     * The settings of the launch configuration that trains this run, so that the export gets its Java runtime and
     * heap; null when there is none (a run started from the command line).
     */
    private static TrainingRunSettings trainingSettings(Path experimentDir) {
        try {
            List<ILaunchConfiguration> matching = ResumeFromCheckpointHandler.configurationsWritingInto(experimentDir);
            return matching.isEmpty() ? null : TrainingRunSettings.read(matching.get(0));
        } catch (CoreException e) {
            return null;
        }
    }

    /**
     * Shows the failure in a dialog of its own and logs it. The job still ends with OK: an ERROR result would make the
     * workbench open a second, generic "Problem Occurred" dialog with the same text.
     */
    private static IStatus failed(Display display, CheckpointExport export, String reason) {
        String message = "Could not export " + export.checkpoint() + " to " + export.target() + ".\n\n" + reason;
        ILog.of(ExportCheckpointHandler.class).log(Status.error(message));
        display.asyncExec(() -> MessageDialog.openError(shell(display), FAILURE_TITLE, message));
        return Status.OK_STATUS;
    }

    /** Refreshes the Checkpoints views that show the run, and says where the export went. */
    private static void showExport(CheckpointExport export) {
        if (!PlatformUI.isWorkbenchRunning()) {
            return;
        }
        for (IWorkbenchWindow window : PlatformUI.getWorkbench().getWorkbenchWindows()) {
            for (IWorkbenchPage page : window.getPages()) {
                IViewPart view = page.findView(CheckpointsView.ID);
                if (view instanceof CheckpointsView checkpoints && export.experimentDir().equals(checkpoints.run())) {
                    checkpoints.refresh();
                    checkpoints.getViewSite().getActionBars().getStatusLineManager().setMessage(
                            "Exported " + export.checkpoint().getFileName() + " to " + export.target());
                }
            }
        }
    }

    private static Shell shell(Display display) {
        IWorkbenchWindow window = PlatformUI.isWorkbenchRunning() ? PlatformUI.getWorkbench().getActiveWorkbenchWindow() : null;
        if (window != null) {
            return window.getShell();
        }
        return display.getActiveShell();
    }
}
