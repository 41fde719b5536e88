package org.trainbench.launch.ui;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.variables.VariablesPlugin;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.ui.AbstractLaunchConfigurationTab;
import org.eclipse.debug.ui.DebugUITools;
import org.eclipse.debug.ui.StringVariableSelectionDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Text;
import org.trainbench.launch.ConfigOverride;
import org.trainbench.launch.EngineProcessFactory;
import org.trainbench.launch.TrainingRunSettings;

/** Main tab: the config file to train from, its {@code --set} overrides, and the working directory. */
public final class MainTab extends AbstractLaunchConfigurationTab {

    Text configFile;
    OverridesTable overrides;
    Text workingDirectory;

    @Override
    public void createControl(Composite parent) {
        Composite composite = new Composite(parent, SWT.NONE);
        composite.setLayout(new GridLayout(1, false));
        setControl(composite);

        Group config = group(composite, "Training config (Fast-LLM YAML)", 3);
        configFile = new Text(config, SWT.BORDER | SWT.SINGLE);
        configFile.setMessage("/path/to/experiment.yaml");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(configFile);
        configFile.addModifyListener(event -> updateLaunchConfigurationDialog());
        createPushButton(config, "File System...", null).addListener(SWT.Selection, event -> browseConfig());
        createPushButton(config, "Variables...", null).addListener(SWT.Selection, event -> insertVariable(configFile));

        Group overridesGroup = group(composite, "Overrides (passed as --set key=value, applied over the file)", 1);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(overridesGroup);
        overrides = new OverridesTable(overridesGroup, this::updateLaunchConfigurationDialog);
        Label hint = new Label(overridesGroup, SWT.WRAP);
        hint.setText("Keys are dotted config paths, e.g. training.train_iters = 10 or run.experiment_dir = ./runs/try-2.");
        GridDataFactory.fillDefaults().grab(true, false).hint(400, SWT.DEFAULT).applyTo(hint);

        Group working = group(composite, "Working directory (relative paths in the config resolve here)", 3);
        workingDirectory = new Text(working, SWT.BORDER | SWT.SINGLE);
        workingDirectory.setMessage("empty: the config file's folder");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(workingDirectory);
        workingDirectory.addModifyListener(event -> updateLaunchConfigurationDialog());
        createPushButton(working, "File System...", null).addListener(SWT.Selection, event -> browseWorkingDirectory());
        createPushButton(working, "Variables...", null).addListener(SWT.Selection,
                event -> insertVariable(workingDirectory));
    }

    static Group group(Composite parent, String title, int columns) {
        Group group = new Group(parent, SWT.NONE);
        group.setText(title);
        group.setLayout(new GridLayout(columns, false));
        GridDataFactory.fillDefaults().grab(true, false).applyTo(group);
        return group;
    }

    private void browseConfig() {
        FileDialog dialog = new FileDialog(getShell(), SWT.OPEN);
        dialog.setText("Choose a Fast-LLM training config");
        dialog.setFilterExtensions(new String[] {"*.yaml;*.yml", "*"});
        dialog.setFilterNames(new String[] {"YAML configs", "All files"});
        String current = configFile.getText().strip();
        if (!current.isEmpty() && !current.contains("${")) {
            Path parent = Path.of(current).getParent();
            if (parent != null) {
                dialog.setFilterPath(parent.toString());
            }
        }
        String chosen = dialog.open();
        if (chosen != null) {
            configFile.setText(chosen);
        }
    }

    private void browseWorkingDirectory() {
        DirectoryDialog dialog = new DirectoryDialog(getShell());
        dialog.setText("Working directory of the engine");
        String chosen = dialog.open();
        if (chosen != null) {
            workingDirectory.setText(chosen);
        }
    }

    private void insertVariable(Text target) {
        StringVariableSelectionDialog dialog = new StringVariableSelectionDialog(getShell());
        if (dialog.open() == StringVariableSelectionDialog.OK) {
            target.insert(dialog.getVariableExpression());
        }
    }

    @Override
    public void setDefaults(ILaunchConfigurationWorkingCopy configuration) {
        configuration.setAttribute(TrainingRunSettings.ATTR_CONFIG_FILE, "");
        configuration.setAttribute(TrainingRunSettings.ATTR_OVERRIDES, List.<String>of());
        configuration.setAttribute(TrainingRunSettings.ATTR_WORKING_DIRECTORY, "");
        configuration.setAttribute(DebugPlugin.ATTR_PROCESS_FACTORY_ID, EngineProcessFactory.ID);
    }

    @Override
    public void initializeFrom(ILaunchConfiguration configuration) {
        try {
            TrainingRunSettings settings = TrainingRunSettings.read(configuration);
            configFile.setText(settings.configFile());
            overrides.setOverrides(settings.overrides());
            workingDirectory.setText(settings.workingDirectory());
        } catch (CoreException e) {
            setErrorMessage("Cannot read the launch configuration: " + e.getStatus().getMessage());
        }
    }

    @Override
    public void performApply(ILaunchConfigurationWorkingCopy configuration) {
        configuration.setAttribute(TrainingRunSettings.ATTR_CONFIG_FILE, configFile.getText().strip());
        List<String> stored = new ArrayList<>();
        for (ConfigOverride override : overrides.overrides()) {
            stored.add(override.toString());
        }
        configuration.setAttribute(TrainingRunSettings.ATTR_OVERRIDES, stored);
        configuration.setAttribute(TrainingRunSettings.ATTR_WORKING_DIRECTORY, workingDirectory.getText().strip());
        configuration.setAttribute(DebugPlugin.ATTR_PROCESS_FACTORY_ID, EngineProcessFactory.ID);
    }

    @Override
    public boolean isValid(ILaunchConfiguration launchConfig) {
        setErrorMessage(null);
        setMessage(null);
        String file = configFile.getText().strip();
        if (file.isEmpty()) {
            setMessage("Choose the training config (.yaml) to run");
            return false;
        }
        String resolved = resolve(file);
        if (resolved == null) {
            setErrorMessage("Config file: '" + file + "' uses an unknown variable; use Variables... to pick one");
            return false;
        }
        if (!Files.isRegularFile(Path.of(resolved))) {
            setErrorMessage("Config file " + resolved + " does not exist: choose an existing .yaml file");
            return false;
        }
        for (ConfigOverride override : overrides.overrides()) {
            String problem = override.problem();
            if (problem != null) {
                setErrorMessage(problem);
                return false;
            }
        }
        String directory = workingDirectory.getText().strip();
        if (!directory.isEmpty()) {
            String resolvedDirectory = resolve(directory);
            if (resolvedDirectory == null || !Files.isDirectory(Path.of(resolvedDirectory))) {
                setErrorMessage("Working directory " + directory + " does not exist: choose a folder, or leave it empty "
                        + "to run in the config file's folder");
                return false;
            }
        }
        return true;
    }

    private static String resolve(String text) {
        try {
            return VariablesPlugin.getDefault().getStringVariableManager().performStringSubstitution(text);
        } catch (CoreException e) {
            return null;
        }
    }

    @Override
    public String getName() {
        return "Main";
    }

    @Override
    public Image getImage() {
        return DebugUITools.getImage(TrainingRunSettings.TYPE_ID);
    }

    @Override
    public String getId() {
        return "org.trainbench.launch.ui.mainTab";
    }
}
