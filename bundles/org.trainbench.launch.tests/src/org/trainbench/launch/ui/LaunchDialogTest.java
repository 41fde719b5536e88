package org.trainbench.launch.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.ui.DebugUITools;
import org.eclipse.debug.ui.IDebugUIConstants;
import org.eclipse.jface.viewers.StructuredSelection;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.CTabFolder;
import org.eclipse.swt.custom.CTabItem;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.ui.PlatformUI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.launch.Backend;
import org.trainbench.launch.ConfigOverride;
import org.trainbench.launch.TrainingRunSettings;
import org.trainbench.launch.Workbench;

/** Opens the real Run Configurations dialog on a Trainbench configuration and takes its picture. */
class LaunchDialogTest {

    @TempDir
    Path dir;

    @Test
    void runConfigurationsShowsATrainbenchRunWithItsFiveTabs() throws Exception {
        Path experiments = Files.createDirectories(dir.resolve("trainbench-experiments"));
        Path config = Files.writeString(experiments.resolve("llama-3.1-8b-sft.yaml"), "training:\n  train_iters: 5_000\n");
        ILaunchConfigurationWorkingCopy copy = DebugPlugin.getDefault().getLaunchManager()
                .getLaunchConfigurationType(TrainingRunSettings.TYPE_ID).newInstance(null, "llama-3.1-8b-sft");
        new TrainingRunSettings(config.toString(),
                List.of(new ConfigOverride("training.train_iters", "200"), new ConfigOverride("batch.micro_batch_size", "2"),
                        new ConfigOverride("run.experiment_dir", "./runs/sft-short")),
                Backend.CUDA, 8, "", "64g", "", "", 300).writeTo(copy);
        ILaunchConfiguration saved = copy.doSave();
        Shell window = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getShell();
        Display display = window.getDisplay();
        List<String> tabs = new ArrayList<>();
        List<Path> screenshots = new ArrayList<>();
        Exception[] failure = new Exception[1];
        try {
            display.timerExec(300, new Runnable() {
                int attempts;
                boolean sized;

                @Override
                public void run() {
                    Shell dialog = dialogShell(window);
                    CTabFolder folder = dialog == null ? null : find(dialog, CTabFolder.class);
                    if (folder == null || folder.getItemCount() == 0 || !sized) {
                        if (folder != null && folder.getItemCount() > 0) {
                            // Resize once, and take the picture after the X server has caught up.
                            dialog.setSize(1000, 720);
                            sized = true;
                            display.timerExec(500, this);
                        } else if (++attempts < 100) {
                            display.timerExec(100, this);
                        } else if (dialog != null) {
                            dialog.close();
                        }
                        return;
                    }
                    for (CTabItem item : folder.getItems()) {
                        tabs.add(item.getText());
                    }
                    try {
                        folder.setSelection(0);
                        screenshots.add(Workbench.saveScreenshot(dialog, "launch-config.png"));
                        selectTab(folder, 1);
                        screenshots.add(Workbench.saveScreenshot(dialog, "launch-config-backend.png"));
                    } catch (Exception e) {
                        failure[0] = e;
                    }
                    dialog.close();
                }
            });
            DebugUITools.openLaunchConfigurationDialogOnGroup(window, new StructuredSelection(saved),
                    IDebugUIConstants.ID_RUN_LAUNCH_GROUP);
        } finally {
            saved.delete();
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        assertEquals(List.of("Main", "Backend", "JVM", "Environment", "Common"), tabs);
        assertEquals(2, screenshots.size(), "screenshots taken: " + screenshots);
    }

    /** Selects a tab as a click does: the dialog builds the tab's controls on the selection event. */
    private static void selectTab(CTabFolder folder, int index) {
        folder.setSelection(index);
        Event event = new Event();
        event.item = folder.getItem(index);
        folder.notifyListeners(SWT.Selection, event);
    }

    private static Shell dialogShell(Shell window) {
        for (Shell shell : window.getShells()) {
            if (shell.isVisible() && shell.getText().startsWith("Run Configurations")) {
                return shell;
            }
        }
        return null;
    }

    static <T extends Control> T find(Composite parent, Class<T> type) {
        for (Control child : parent.getChildren()) {
            if (type.isInstance(child) && child.isVisible()) {
                return type.cast(child);
            }
            if (child instanceof Composite composite) {
                T found = find(composite, type);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
