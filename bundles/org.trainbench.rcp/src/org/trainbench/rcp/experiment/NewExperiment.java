package org.trainbench.rcp.experiment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.Status;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.core.ILaunchManager;
import org.trainbench.launch.DemoDataset;
import org.trainbench.launch.ExperimentDirectoryKey;
import org.trainbench.launch.TrainingRunSettings;

/**
 * An experiment the wizard is about to create: {@code <folder>/<name>.yaml}, a config made from the template whose
 * run.experiment_dir is {@code <folder>/<name>/}, and a launch configuration named after it.
 *
 * @param template     what it starts from
 * @param templateText the template's YAML
 * @param name         the experiment's name: its config file, run folder and launch configuration are named so
 * @param folder       where the config and the run folder go
 */
public record NewExperiment(ExperimentTemplate template, String templateText, String name, Path folder) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    /** How examples/demo/demo.yaml names the demo's dataset: data/ beside the config, which the wizard makes absolute. */
    private static final String DEMO_DATA_IN_EXAMPLE = "path: data/";

    public Path configFile() {
        return folder.resolve(name + ".yaml");
    }

    public Path experimentDirectory() {
        return folder.resolve(name);
    }

    /** The config as it will be written. */
    public String configText() {
        String text = templateText;
        if (template.writesDemoDataset()) {
            text = text.replace(DEMO_DATA_IN_EXAMPLE, "path: " + experimentDirectory().resolve("data") + "/");
        }
        return ExperimentDirectoryKey.write(text, experimentDirectory().toString());
    }

    /**
     * Why this experiment cannot be created as entered, or null. Looks at the file system: call it off the UI thread
     * or for a quick check of two paths only.
     */
    public String problem() {
        if (name.isEmpty()) {
            return "Enter a name for the experiment";
        }
        if (!NAME.matcher(name).matches()) {
            return "Name '" + name + "': use letters, digits, '.', '_' and '-' (it names a file and a folder)";
        }
        if (!folder.isAbsolute()) {
            return "Folder '" + folder + "' is not an absolute path: choose a folder with Browse...";
        }
        if (Files.exists(configFile())) {
            return configFile() + " already exists: choose another name";
        }
        if (Files.exists(experimentDirectory())) {
            return "Run folder " + experimentDirectory() + " already exists: choose another name";
        }
        return null;
    }

    /**
     * Writes the config (and the demo dataset for the demo) and saves the launch configuration. Runs off the UI
     * thread.
     */
    public ILaunchConfiguration create() throws CoreException {
        String problem = problem();
        if (problem != null) {
            throw new CoreException(Status.error(problem));
        }
        try {
            Files.createDirectories(folder);
            if (template.writesDemoDataset()) {
                DemoDataset.write(experimentDirectory().resolve("data"));
                DemoDataset.writeTokenizer(experimentDirectory());
            }
            Files.writeString(configFile(), configText(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CoreException(Status.error("Could not write " + configFile() + ": " + e.getMessage(), e));
        }
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        ILaunchConfigurationWorkingCopy copy = manager.getLaunchConfigurationType(TrainingRunSettings.TYPE_ID)
                .newInstance(null, manager.generateLaunchConfigurationName(name));
        new TrainingRunSettings(configFile().toString(), List.of(), template.backend(), template.gpus(), "",
                "", "", "", template.stopTimeoutSeconds()).writeTo(copy);
        return copy.doSave();
    }
}
