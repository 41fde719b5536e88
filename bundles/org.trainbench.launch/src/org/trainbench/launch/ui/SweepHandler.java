package org.trainbench.launch.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.eclipse.core.commands.AbstractHandler;
import org.eclipse.core.commands.ExecutionEvent;
import org.eclipse.core.commands.ExecutionException;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.variables.VariablesPlugin;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.jface.dialogs.ErrorDialog;
import org.eclipse.jface.window.Window;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.handlers.HandlerUtil;
import org.trainbench.launch.TrainingRunSettings;
import org.trainbench.ui.views.ExperimentsView;

/**
 * The Experiments view's Sweep... and Duplicate with Changes... ({@link ExperimentsView#SWEEP_COMMAND},
 * {@link ExperimentsView#DUPLICATE_COMMAND}): asks with a {@link SweepDialog}, then makes and starts the runs with
 * {@link SweepRuns}.
 */
public final class SweepHandler extends AbstractHandler {

    @Override
    public Object execute(ExecutionEvent event) throws ExecutionException {
        String directory = event.getParameter(ExperimentsView.EXPERIMENT_DIR_PARAMETER);
        if (directory == null) {
            throw new ExecutionException(event.getCommand().getId() + " needs the parameter " + ExperimentsView.EXPERIMENT_DIR_PARAMETER);
        }
        boolean duplicate = ExperimentsView.DUPLICATE_COMMAND.equals(event.getCommand().getId());
        String title = duplicate ? SweepDialog.DUPLICATE_TITLE : SweepDialog.SWEEP_TITLE;
        Shell shell = HandlerUtil.getActiveShell(event);
        Path source = Path.of(directory).toAbsolutePath().normalize();
        try {
            TrainingRunSettings settings = SweepRuns.sourceOf(source);
            String configText = configText(settings);
            String run = source.getFileName().toString();
            SweepDialog dialog = new SweepDialog(shell, duplicate, source, configText, duplicate ? run + "-2" : run + "-sweep", "");
            if (dialog.open() != Window.OK) {
                return null;
            }
            List<ILaunchConfiguration> created = SweepRuns.create(dialog.sweep(), source, settings);
            SweepRuns.launch(created, dialog.start());
        } catch (CoreException e) {
            ErrorDialog.openError(shell, title, "The runs were not created", e.getStatus());
        }
        return null;
    }

    private static String configText(TrainingRunSettings settings) throws CoreException {
        String file = VariablesPlugin.getDefault().getStringVariableManager().performStringSubstitution(settings.configFile());
        try {
            return Files.readString(Path.of(file));
        } catch (IOException e) {
            throw new CoreException(org.eclipse.core.runtime.Status.error("Cannot read the run's config " + file + ": " + e.getMessage(), e));
        }
    }
}
