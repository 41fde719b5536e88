package org.trainbench.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IAdapterFactory;
import org.eclipse.core.runtime.Platform;
import org.eclipse.core.variables.VariablesPlugin;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchManager;
import org.trainbench.ui.summary.RunTarget;

/**
 * Tells the Config Summary where a config's run trains: the backend and GPU count of the "Trainbench Training Run"
 * launch configuration that runs the config file (registered in plugin.xml as an adapter factory from the config's
 * {@link Path} to {@link RunTarget}). Of several, the one named after the file (as New Experiment names it) wins, then
 * the first by name; with none, the target is what Run As would create: the CPU.
 */
public final class ConfigRunTargets implements IAdapterFactory {

    @Override
    public <T> T getAdapter(Object adaptable, Class<T> adapterType) {
        if (!(adaptable instanceof Path file) || adapterType != RunTarget.class) {
            return null;
        }
        return adapterType.cast(of(file));
    }

    @Override
    public Class<?>[] getAdapterList() {
        return new Class<?>[] {RunTarget.class};
    }

    /** Where a run of this config file trains, by its launch configuration. Reads launch configurations from memory. */
    public static RunTarget of(Path configFile) {
        Path file = configFile.toAbsolutePath().normalize();
        List<ILaunchConfiguration> runs = new ArrayList<>();
        try {
            ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
            for (ILaunchConfiguration configuration : manager.getLaunchConfigurations(manager.getLaunchConfigurationType(TrainingRunSettings.TYPE_ID))) {
                if (file.equals(configFileOf(configuration))) {
                    runs.add(configuration);
                }
            }
        } catch (CoreException e) {
            Platform.getLog(ConfigRunTargets.class).warn("cannot read the launch configurations: " + e.getMessage());
        }
        String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        runs.sort(Comparator.comparing((ILaunchConfiguration c) -> !c.getName().equals(stem)).thenComparing(ILaunchConfiguration::getName));
        for (ILaunchConfiguration configuration : runs) {
            try {
                TrainingRunSettings settings = TrainingRunSettings.read(configuration);
                boolean cpu = settings.backend() == Backend.CPU;
                return new RunTarget(cpu, cpu ? 1 : settings.gpuCount(), configuration.getName());
            } catch (CoreException e) {
                // An unreadable launch configuration says nothing about where the config trains: try the next.
            }
        }
        return new RunTarget(true, 1, null);
    }

    private static Path configFileOf(ILaunchConfiguration configuration) {
        try {
            String value = configuration.getAttribute(TrainingRunSettings.ATTR_CONFIG_FILE, "");
            if (value.isBlank()) {
                return null;
            }
            String substituted = VariablesPlugin.getDefault().getStringVariableManager().performStringSubstitution(value, false);
            return Path.of(substituted).toAbsolutePath().normalize();
        } catch (CoreException | RuntimeException e) {
            return null;
        }
    }
}
