package org.trainbench.launch.ui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.eclipse.core.resources.IResource;
import org.eclipse.core.runtime.Adapters;
import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.variables.VariablesPlugin;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationType;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.debug.ui.DebugUITools;
import org.eclipse.debug.ui.ILaunchShortcut2;
import org.eclipse.jface.dialogs.ErrorDialog;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.viewers.ISelection;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.IEditorPart;
import org.trainbench.launch.TrainingRunSettings;

/**
 * "Run As > Trainbench Training Run" on a YAML config, from a selection (a workspace file, a file from the file
 * system) or from the editor showing it. Reuses the launch configuration that already runs this file, else creates
 * one with default settings (CPU, the workbench's Java), named after the file.
 */
public final class TrainingRunShortcut implements ILaunchShortcut2 {

    private static final String TITLE = "Trainbench Training Run";

    @Override
    public void launch(ISelection selection, String mode) {
        launchElement(firstElement(selection), mode);
    }

    @Override
    public void launch(IEditorPart editor, String mode) {
        launchElement(editor.getEditorInput(), mode);
    }

    private static void launchElement(Object element, String mode) {
        Optional<Path> configFile = ConfigFileLocation.of(element).filter(ConfigFileLocation::hasConfigName);
        if (configFile.isEmpty()) {
            MessageDialog.openError(shell(), TITLE, "Run As > " + TITLE + " runs a Fast-LLM training config, a .yaml or "
                    + ".yml file on the local file system; the selection (" + element + ") is not one. Select or open a "
                    + "config file and try again.");
            return;
        }
        try {
            DebugUITools.launch(findOrCreate(configFile.get()), mode);
        } catch (CoreException e) {
            ErrorDialog.openError(shell(), TITLE, "Could not prepare a launch configuration for " + configFile.get(),
                    e.getStatus());
        }
    }

    /** The launch configuration that runs {@code configFile}: an existing one, else a new, saved one. */
    public static ILaunchConfiguration findOrCreate(Path configFile) throws CoreException {
        List<ILaunchConfiguration> existing = configurationsFor(configFile);
        if (!existing.isEmpty()) {
            return existing.get(0);
        }
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        ILaunchConfigurationType type = manager.getLaunchConfigurationType(TrainingRunSettings.TYPE_ID);
        ILaunchConfigurationWorkingCopy copy = type.newInstance(null,
                manager.generateLaunchConfigurationName(configurationName(configFile)));
        TrainingRunSettings.forConfig(configFile.toAbsolutePath().normalize().toString()).writeTo(copy);
        return copy.doSave();
    }

    /** The Trainbench launch configurations whose config file is {@code configFile}. */
    public static List<ILaunchConfiguration> configurationsFor(Path configFile) throws CoreException {
        Path wanted = configFile.toAbsolutePath().normalize();
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        ILaunchConfigurationType type = manager.getLaunchConfigurationType(TrainingRunSettings.TYPE_ID);
        List<ILaunchConfiguration> matching = new ArrayList<>();
        for (ILaunchConfiguration configuration : manager.getLaunchConfigurations(type)) {
            String stored = configuration.getAttribute(TrainingRunSettings.ATTR_CONFIG_FILE, "");
            try {
                String resolved = VariablesPlugin.getDefault().getStringVariableManager().performStringSubstitution(stored);
                if (!resolved.isBlank() && Path.of(resolved).toAbsolutePath().normalize().equals(wanted)) {
                    matching.add(configuration);
                }
            } catch (CoreException | IllegalArgumentException e) {
                // A configuration naming an undefined variable or a malformed path runs some other file.
            }
        }
        return matching;
    }

    /** "llama-sft" for llama-sft.yaml. */
    static String configurationName(Path configFile) {
        String name = configFile.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    @Override
    public ILaunchConfiguration[] getLaunchConfigurations(ISelection selection) {
        return configurations(firstElement(selection));
    }

    @Override
    public ILaunchConfiguration[] getLaunchConfigurations(IEditorPart editor) {
        return configurations(editor.getEditorInput());
    }

    private static ILaunchConfiguration[] configurations(Object element) {
        Optional<Path> configFile = ConfigFileLocation.of(element).filter(ConfigFileLocation::hasConfigName);
        if (configFile.isEmpty()) {
            return null;
        }
        try {
            return configurationsFor(configFile.get()).toArray(ILaunchConfiguration[]::new);
        } catch (CoreException e) {
            return null;
        }
    }

    @Override
    public IResource getLaunchableResource(ISelection selection) {
        return Adapters.adapt(firstElement(selection), IResource.class);
    }

    @Override
    public IResource getLaunchableResource(IEditorPart editor) {
        return Adapters.adapt(editor.getEditorInput(), IResource.class);
    }

    private static Object firstElement(ISelection selection) {
        return selection instanceof IStructuredSelection structured ? structured.getFirstElement() : null;
    }

    private static Shell shell() {
        Display display = Display.getCurrent() != null ? Display.getCurrent() : Display.getDefault();
        return display.getActiveShell();
    }
}
