package org.trainbench.launch.ui;

import java.nio.file.Path;
import java.util.regex.Pattern;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.variables.VariablesPlugin;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.ui.AbstractLaunchConfigurationTab;
import org.eclipse.debug.ui.StringVariableSelectionDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Text;
import org.trainbench.launch.JavaRuntime;
import org.trainbench.launch.TrainingRunSettings;

/** JVM tab: which Java runtime runs the engine, its heap, further JVM options, and how long Terminate waits. */
public final class JvmTab extends AbstractLaunchConfigurationTab {

    /** A -Xmx value: a number with an optional k/m/g/t unit. */
    private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgGtT]?");

    Text javaHome;
    Text maxHeap;
    Text jvmArguments;
    Spinner stopTimeout;

    @Override
    public void createControl(Composite parent) {
        Composite composite = new Composite(parent, SWT.NONE);
        composite.setLayout(new GridLayout(1, false));
        setControl(composite);

        Group runtime = MainTab.group(composite, "Java runtime (Java " + JavaRuntime.REQUIRED_FEATURE_VERSION
                + " or newer)", 2);
        javaHome = new Text(runtime, SWT.BORDER | SWT.SINGLE);
        javaHome.setMessage("empty: the runtime running Trainbench, " + JavaRuntime.running().home());
        GridDataFactory.fillDefaults().grab(true, false).applyTo(javaHome);
        javaHome.addModifyListener(event -> updateLaunchConfigurationDialog());
        createPushButton(runtime, "File System...", null).addListener(SWT.Selection, event -> browseJavaHome());

        Group memory = MainTab.group(composite, "Memory", 2);
        new Label(memory, SWT.NONE).setText("Maximum heap (-Xmx):");
        maxHeap = new Text(memory, SWT.BORDER | SWT.SINGLE);
        maxHeap.setMessage("e.g. 8g; empty: the JVM's default (a quarter of RAM)");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(maxHeap);
        maxHeap.addModifyListener(event -> updateLaunchConfigurationDialog());

        Group arguments = MainTab.group(composite, "JVM arguments", 1);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(arguments);
        jvmArguments = new Text(arguments, SWT.BORDER | SWT.MULTI | SWT.WRAP | SWT.V_SCROLL);
        GridDataFactory.fillDefaults().grab(true, true).hint(400, 60).applyTo(jvmArguments);
        jvmArguments.addModifyListener(event -> updateLaunchConfigurationDialog());
        createPushButton(arguments, "Variables...", null).addListener(SWT.Selection, event -> {
            StringVariableSelectionDialog dialog = new StringVariableSelectionDialog(getShell());
            if (dialog.open() == StringVariableSelectionDialog.OK) {
                jvmArguments.insert(dialog.getVariableExpression());
            }
        });

        Group stop = MainTab.group(composite, "Terminate", 3);
        new Label(stop, SWT.NONE).setText("Wait for the checkpoint up to");
        stopTimeout = new Spinner(stop, SWT.BORDER);
        stopTimeout.setValues(TrainingRunSettings.DEFAULT_STOP_TIMEOUT_SECONDS, 1, 24 * 3600, 0, 10, 60);
        stopTimeout.addModifyListener(event -> updateLaunchConfigurationDialog());
        new Label(stop, SWT.WRAP).setText("seconds, then kill the engine (a second Terminate kills at once)");
    }

    private void browseJavaHome() {
        DirectoryDialog dialog = new DirectoryDialog(getShell());
        dialog.setText("Home folder of a Java " + JavaRuntime.REQUIRED_FEATURE_VERSION + " runtime");
        String chosen = dialog.open();
        if (chosen != null) {
            javaHome.setText(chosen);
        }
    }

    @Override
    public void setDefaults(ILaunchConfigurationWorkingCopy configuration) {
        configuration.setAttribute(TrainingRunSettings.ATTR_JAVA_HOME, "");
        configuration.setAttribute(TrainingRunSettings.ATTR_MAX_HEAP, "");
        configuration.setAttribute(TrainingRunSettings.ATTR_JVM_ARGUMENTS, "");
        configuration.setAttribute(TrainingRunSettings.ATTR_STOP_TIMEOUT_SECONDS,
                TrainingRunSettings.DEFAULT_STOP_TIMEOUT_SECONDS);
    }

    @Override
    public void initializeFrom(ILaunchConfiguration configuration) {
        try {
            TrainingRunSettings settings = TrainingRunSettings.read(configuration);
            javaHome.setText(settings.javaHome());
            maxHeap.setText(settings.maxHeap());
            jvmArguments.setText(settings.jvmArguments());
            stopTimeout.setSelection(settings.stopTimeoutSeconds());
        } catch (CoreException e) {
            setErrorMessage("Cannot read the launch configuration: " + e.getStatus().getMessage());
        }
    }

    @Override
    public void performApply(ILaunchConfigurationWorkingCopy configuration) {
        configuration.setAttribute(TrainingRunSettings.ATTR_JAVA_HOME, javaHome.getText().strip());
        configuration.setAttribute(TrainingRunSettings.ATTR_MAX_HEAP, maxHeap.getText().strip());
        configuration.setAttribute(TrainingRunSettings.ATTR_JVM_ARGUMENTS, jvmArguments.getText().strip());
        configuration.setAttribute(TrainingRunSettings.ATTR_STOP_TIMEOUT_SECONDS, stopTimeout.getSelection());
    }

    @Override
    public boolean isValid(ILaunchConfiguration launchConfig) {
        setErrorMessage(null);
        String heap = maxHeap.getText().strip();
        if (!heap.isEmpty() && !HEAP.matcher(heap).matches()) {
            setErrorMessage("Maximum heap '" + heap + "' is not a size: write a number with an optional unit, e.g. 8g or 512m");
            return false;
        }
        String home = javaHome.getText().strip();
        if (!home.isEmpty()) {
            String resolved;
            try {
                resolved = VariablesPlugin.getDefault().getStringVariableManager().performStringSubstitution(home);
            } catch (CoreException e) {
                setErrorMessage("Java runtime: '" + home + "' uses an unknown variable");
                return false;
            }
            String problem = new JavaRuntime(Path.of(resolved)).problem();
            if (problem != null) {
                setErrorMessage(problem);
                return false;
            }
        }
        return true;
    }

    @Override
    public String getName() {
        return "JVM";
    }

    @Override
    public String getId() {
        return "org.trainbench.launch.ui.jvmTab";
    }
}
