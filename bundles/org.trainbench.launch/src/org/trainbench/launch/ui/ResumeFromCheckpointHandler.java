package org.trainbench.launch.ui;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import org.eclipse.core.commands.AbstractHandler;
import org.eclipse.core.commands.ExecutionEvent;
import org.eclipse.core.commands.ExecutionException;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.runtime.jobs.Job;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.debug.ui.DebugUITools;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.widgets.Display;
import org.trainbench.engine.run.RunDirectory;
import org.trainbench.engine.run.StepDirectory;
import org.trainbench.launch.TrainingRunDelegate;
import org.trainbench.launch.TrainingRunSettings;
import org.trainbench.ui.views.CheckpointsView;

/**
 * Handler of the Checkpoints view's "Resume Training": starts again the launch configuration that writes into the
 * run's directory. The engine continues a run from the newest intact checkpoint of its run.experiment_dir, so the
 * launch is the same one that started the run; an older checkpoint cannot be the starting point, and the user is told
 * so instead of silently getting the newest.
 *
 * <p>Finding the configuration reads config files: it runs in a job; dialogs and the launch go to the UI thread.
 */
public final class ResumeFromCheckpointHandler extends AbstractHandler {

    private static final String TITLE = "Resume Training";

    @Override
    public Object execute(ExecutionEvent event) throws ExecutionException {
        String directory = event.getParameter(CheckpointsView.EXPERIMENT_DIR_PARAMETER);
        String checkpoint = event.getParameter(CheckpointsView.CHECKPOINT_PARAMETER);
        if (directory == null || checkpoint == null) {
            throw new ExecutionException(TITLE + " needs the parameters " + CheckpointsView.EXPERIMENT_DIR_PARAMETER
                    + " and " + CheckpointsView.CHECKPOINT_PARAMETER);
        }
        Path experimentDir = Path.of(directory).toAbsolutePath().normalize();
        Path chosen = Path.of(checkpoint).toAbsolutePath().normalize();
        Display display = Display.getCurrent() != null ? Display.getCurrent() : Display.getDefault();
        Job.create(TITLE + ": finding the launch configuration of " + experimentDir, monitor -> {
            Decision decision = decide(experimentDir, chosen);
            display.asyncExec(() -> {
                if (decision.configuration() != null) {
                    DebugUITools.launch(decision.configuration(), ILaunchManager.RUN_MODE);
                } else {
                    MessageDialog.openInformation(display.getActiveShell(), TITLE, decision.message());
                }
            });
            return Status.OK_STATUS;
        }).schedule();
        return null;
    }

    /** Either the configuration to launch, or why none is launched. */
    public record Decision(ILaunchConfiguration configuration, String message) {
    }

    public static Decision decide(Path experimentDir, Path chosen) {
        OptionalLong newest = newestCheckpointStep(experimentDir);
        long chosenStep = StepDirectory.stepOf(chosen);
        if (newest.isPresent() && chosenStep >= 0 && chosenStep != newest.getAsLong()) {
            return new Decision(null, "The engine continues a run from the newest checkpoint of its directory, here "
                    + StepDirectory.name(newest.getAsLong()) + ", not from " + chosen.getFileName() + ". To continue from "
                    + StepDirectory.name(chosenStep) + ", delete the newer checkpoints first (Delete... in this view), then resume.");
        }
        List<ILaunchConfiguration> matching;
        try {
            matching = configurationsWritingInto(experimentDir);
        } catch (CoreException e) {
            return new Decision(null, "Could not read the launch configurations: " + e.getStatus().getMessage());
        }
        if (matching.isEmpty()) {
            return new Decision(null, "No Trainbench launch configuration writes into " + experimentDir
                    + ". Run the config that started this run once from the IDE (Run As > Trainbench Training Run on it, "
                    + "with the same run.experiment_dir); it continues from the newest checkpoint.");
        }
        return new Decision(matching.get(0), null);
    }

    /** The Trainbench launch configurations whose run goes into {@code experimentDir}. */
    public static List<ILaunchConfiguration> configurationsWritingInto(Path experimentDir) throws CoreException {
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        List<ILaunchConfiguration> matching = new ArrayList<>();
        for (ILaunchConfiguration configuration : manager.getLaunchConfigurations(
                manager.getLaunchConfigurationType(TrainingRunSettings.TYPE_ID))) {
            Path directory = TrainingRunDelegate.experimentDirectoryOf(TrainingRunSettings.read(configuration));
            if (experimentDir.equals(directory)) {
                matching.add(configuration);
            }
        }
        return matching;
    }

    private static OptionalLong newestCheckpointStep(Path experimentDir) {
        try {
            List<Path> checkpoints = StepDirectory.list(RunDirectory.of(experimentDir).checkpoints());
            return checkpoints.isEmpty() ? OptionalLong.empty() : OptionalLong.of(StepDirectory.stepOf(checkpoints.getLast()));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }
}
