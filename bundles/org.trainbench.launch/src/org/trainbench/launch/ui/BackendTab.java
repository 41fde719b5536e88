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

/** Backend tab: CPU or CUDA, how many worker processes a CPU run uses, and how many GPUs a CUDA run uses. */
public final class BackendTab extends AbstractLaunchConfigurationTab {

    /** The most GPUs one engine JVM drives (one node). */
    static final int MAX_GPUS = 16;

    /** The most CPU workers offered (each computes on cores / N threads). */
    static final int MAX_WORKERS = 64;

    Button cpu;
    Button cuda;
    Spinner gpuCount;
    Spinner workerCount;

    @Override
    public void createControl(Composite parent) {
        Composite composite = new Composite(parent, SWT.NONE);
        composite.setLayout(new GridLayout(1, false));
        setControl(composite);

        Group backend = MainTab.group(composite, "Backend", 1);
        cpu = radio(backend, "CPU: the reference backend (Vector API, all cores); for small models and the demo");
        Composite workers = new Composite(backend, SWT.NONE);
        GridLayout workerLayout = new GridLayout(3, false);
        workerLayout.marginLeft = 20;
        workers.setLayout(workerLayout);
        new Label(workers, SWT.NONE).setText("Workers:");
        workerCount = new Spinner(workers, SWT.BORDER);
        workerCount.setValues(1, 1, MAX_WORKERS, 0, 1, 4);
        workerCount.addModifyListener(event -> updateLaunchConfigurationDialog());
        Label workerHint = new Label(workers, SWT.WRAP);
        workerHint.setText("processes, data-parallel on this machine (--workers N)");
        GridDataFactory.fillDefaults().grab(true, false).applyTo(workerHint);
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
        workerCount.setEnabled(cpu.getSelection());
    }

    @Override
    public void setDefaults(ILaunchConfigurationWorkingCopy configuration) {
        configuration.setAttribute(TrainingRunSettings.ATTR_BACKEND, Backend.CPU.id());
        configuration.setAttribute(TrainingRunSettings.ATTR_GPU_COUNT, 1);
        configuration.setAttribute(TrainingRunSettings.ATTR_WORKER_COUNT, 1);
    }

    @Override
    public void initializeFrom(ILaunchConfiguration configuration) {
        try {
            TrainingRunSettings settings = TrainingRunSettings.read(configuration);
            cpu.setSelection(settings.backend() == Backend.CPU);
            cuda.setSelection(settings.backend() == Backend.CUDA);
            gpuCount.setSelection(Math.min(MAX_GPUS, settings.gpuCount()));
            workerCount.setSelection(Math.min(MAX_WORKERS, settings.workerCount()));
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
        configuration.setAttribute(TrainingRunSettings.ATTR_WORKER_COUNT, workerCount.getSelection());
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
