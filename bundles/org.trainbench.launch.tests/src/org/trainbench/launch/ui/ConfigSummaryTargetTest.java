package org.trainbench.launch.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.eclipse.core.filesystem.EFS;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.core.ILaunchManager;
import org.eclipse.ui.IEditorPart;
import org.eclipse.ui.IWorkbenchPage;
import org.eclipse.ui.PlatformUI;
import org.eclipse.ui.ide.IDE;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.launch.Backend;
import org.trainbench.launch.ConfigRunTargets;
import org.trainbench.launch.TrainingRunSettings;
import org.trainbench.launch.Workbench;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Shell;
import org.trainbench.testing.Screenshots;
import org.trainbench.ui.TrainbenchPerspective;
import org.trainbench.ui.summary.ConfigSummaryView;
import org.trainbench.ui.summary.ConfigSummaryView.Row;
import org.trainbench.ui.summary.RunTarget;

/**
 * The Config Summary starts from the config's launch configuration: the tiny CPU demo shows as a CPU run (no GPU, no
 * red), a cuda launch configuration's GPU count is the summary's.
 */
class ConfigSummaryTargetTest {
    @TempDir
    Path dir;

    @AfterEach
    void closeEditorsAndDeleteLaunchConfigurations() throws Exception {
        PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage().closeAllEditors(false);
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        for (ILaunchConfiguration c : manager.getLaunchConfigurations(manager.getLaunchConfigurationType(TrainingRunSettings.TYPE_ID))) {
            c.delete();
        }
    }

    @Test
    void theTinyCpuDemoShowsAsACpuRunAndACudaLaunchConfigurationsGpuCountIsTheSummarys() throws Exception {
        Path demo = dir.resolve("tiny-demo.yaml");
        Files.writeString(demo, Files.readString(Path.of(System.getProperty("trainbench.repository", "."), "examples/demo/demo.yaml")));
        assertEquals(new RunTarget(true, 1, null), ConfigRunTargets.of(demo), "no launch configuration yet: Run As trains on the CPU");

        ILaunchConfiguration cpu = save("tiny-demo", TrainingRunSettings.forConfig(demo.toString()));
        assertEquals(new RunTarget(true, 1, "tiny-demo"), RunTarget.of(demo), "asked through the adapter manager, as the view asks");

        IWorkbenchPage page = PlatformUI.getWorkbench().getActiveWorkbenchWindow().getActivePage();
        page.setPerspective(PlatformUI.getWorkbench().getPerspectiveRegistry().findPerspectiveWithId(TrainbenchPerspective.ID));
        ConfigSummaryView view = assertInstanceOf(ConfigSummaryView.class, page.showView(ConfigSummaryView.ID));
        open(page, demo);
        waitFor(view, "Launch: CPU (launch configuration 'tiny-demo')");
        assertTrue(view.shape().contains("CPU, one engine process"), view.shape());
        assertFalse(view.shape().contains("H100") || view.shape().contains("\u26a0"), "no GPUs and no warning on the CPU: " + view.shape());
        assertEquals("Memory (host RAM)", view.memoryTitle());
        assertEquals("none (CPU run)", view.value(Row.FITS));
        assertEquals("2", view.value(Row.MICRO_BATCHES), "batch 16 / micro-batch 8 in one process");
        assertEquals("n/a on the CPU", view.value(Row.TIME_PER_STEP));
        Shell shell = page.getWorkbenchWindow().getShell();
        Rectangle before = Screenshots.fillScreen(shell);
        Workbench.spin(Duration.ofMillis(300));
        Screenshots.screen(shell.getDisplay(), "editor-summary-cpu.png");
        shell.setBounds(before);

        // The same config on two GPUs: the launch configuration's count, per GPU.
        page.closeAllEditors(false);
        ILaunchConfigurationWorkingCopy copy = cpu.getWorkingCopy();
        TrainingRunSettings.read(cpu).withBackend(Backend.CUDA, 2).writeTo(copy);
        copy.doSave();
        open(page, demo);
        waitFor(view, "Launch: 2 GPUs (launch configuration 'tiny-demo')");
        assertTrue(view.shape().contains("2 x H"), view.shape());
        assertEquals("Memory per GPU", view.memoryTitle());
        assertTrue(view.value(Row.FITS).endsWith(": fits"), view.value(Row.FITS));
        assertEquals("1", view.value(Row.MICRO_BATCHES), "16 / (8 x 2 GPUs)");
    }

    private static ILaunchConfiguration save(String name, TrainingRunSettings settings) throws Exception {
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        ILaunchConfigurationWorkingCopy copy = manager.getLaunchConfigurationType(TrainingRunSettings.TYPE_ID).newInstance(null, name);
        settings.writeTo(copy);
        return copy.doSave();
    }

    private static IEditorPart open(IWorkbenchPage page, Path file) throws Exception {
        return IDE.openEditorOnFileStore(page, EFS.getLocalFileSystem().getStore(file.toUri()));
    }

    private static void waitFor(ConfigSummaryView view, String launchLine) {
        Workbench.spinUntil(() -> "the summary of " + launchLine + ", shows: " + view.shape() + " / " + view.message(), Duration.ofSeconds(20),
                () -> view.isCurrent() && view.shape().startsWith(launchLine + "\n"));
    }
}
