package org.trainbench.launch.ui;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.ui.AbstractLaunchConfigurationTab;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Group;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Spinner;
import org.trainbench.launch.Backend;
import org.trainbench.launch.TrainingRunSettings;

/** Backend tab: CPU or CUDA, and how many GPUs a CUDA run uses. */
public final class BackendTab extends AbstractLaunchConfigurationTab {

    /** The most GPUs one engine JVM drives (one node). */
    static final int MAX_GPUS = 16;

    Button cpu;
    Button cuda;
    Spinner gpuCount;

    @Override
    public void createControl(Composite parent) {
        Composite composite = new Composite(parent, SWT.NONE);
        composite.setLayout(new GridLayout(1, false));
        setControl(composite);

        Group backend = MainTab.group(composite, "Backend", 1);
        cpu = radio(backend, "CPU: the reference backend (Vector API, all cores); for small models and the demo");
        cuda = radio(backend, "CUDA: NVIDIA GPUs through the CUDA driver, cuBLAS and NCCL (org.trainbench.engine.cuda)");

        Composite gpus = new Composite(backend, SWT.NONE);
        GridLayout gpuLayout = new GridLayout(3, false);
        gpuLayout.marginLeft = 20;
        gpus.setLayout(gpuLayout);
        new Label(gpus, SWT.NONE).setText("GPUs:");
        gpuCount = new Spinner(gpus, SWT.BORDER);
        gpuCount.setValues(1, 1, MAX_GPUS, 0, 1, 4);
        gpuCount.addModifyListener(event -> updateLaunchConfigurationDialog());
        Label gpuHint = new Label(gpus, SWT.WRAP);
        gpuHint.setText("data-parallel on one machine (ZeRO stage from the config)");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(gpuHint);
    }

    private Button radio(Composite parent, String text) {
        Button button = new Button(parent, SWT.RADIO);
        button.setText(text);
        button.addListener(SWT.Selection, event -> {
            updateEnablement();
            updateLaunchConfigurationDialog();
        });
        return button;
    }

    private void updateEnablement() {
        gpuCount.setEnabled(cuda.getSelection());
    }

    @Override
    public void setDefaults(ILaunchConfigurationWorkingCopy configuration) {
        configuration.setAttribute(TrainingRunSettings.ATTR_BACKEND, Backend.CPU.id());
        configuration.setAttribute(TrainingRunSettings.ATTR_GPU_COUNT, 1);
    }

    @Override
    public void initializeFrom(ILaunchConfiguration configuration) {
        try {
            TrainingRunSettings settings = TrainingRunSettings.read(configuration);
            cpu.setSelection(settings.backend() == Backend.CPU);
            cuda.setSelection(settings.backend() == Backend.CUDA);
            gpuCount.setSelection(Math.min(MAX_GPUS, settings.gpuCount()));
            updateEnablement();
        } catch (CoreException e) {
            setErrorMessage("Cannot read the launch configuration: " + e.getStatus().getMessage());
        }
    }

    @Override
    public void performApply(ILaunchConfigurationWorkingCopy configuration) {
        configuration.setAttribute(TrainingRunSettings.ATTR_BACKEND,
                cuda.getSelection() ? Backend.CUDA.id() : Backend.CPU.id());
        configuration.setAttribute(TrainingRunSettings.ATTR_GPU_COUNT, gpuCount.getSelection());
    }

    @Override
    public String getName() {
        return "Backend";
    }

    @Override
    public String getId() {
        return "org.trainbench.launch.ui.backendTab";
    }
}
