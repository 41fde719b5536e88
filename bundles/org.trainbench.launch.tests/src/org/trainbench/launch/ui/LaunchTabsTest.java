package org.trainbench.launch.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.ui.ILaunchConfigurationTab;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.Text;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.launch.Backend;
import org.trainbench.launch.ConfigOverride;
import org.trainbench.launch.TrainingRunSettings;

/** The tabs' real widgets, in a real shell on the UI thread: what they show, and what they write back. */
class LaunchTabsTest {

    @TempDir
    Path dir;
    private Shell shell;
    private ILaunchConfigurationWorkingCopy configuration;

    @BeforeEach
    void openShellAndConfiguration() throws Exception {
        shell = new Shell(Display.getCurrent());
        shell.setLayout(new FillLayout());
        configuration = DebugPlugin.getDefault().getLaunchManager()
                .getLaunchConfigurationType(TrainingRunSettings.TYPE_ID).newInstance(null, "tabs");
    }

    @AfterEach
    void closeShell() {
        shell.dispose();
    }

    private <T extends ILaunchConfigurationTab> T show(T tab) {
        tab.createControl(shell);
        shell.setSize(700, 500);
        shell.open();
        tab.initializeFrom(configuration);
        return tab;
    }

    private static void click(Button button) {
        button.setSelection(true);
        button.notifyListeners(SWT.Selection, new Event());
    }

    @Test
    void mainTabShowsTheConfigAndItsOverridesAndWritesBackWhatTheUserEdits() throws Exception {
        Path config = Files.writeString(dir.resolve("sft.yaml"), "training:\n  train_iters: 5\n");
        TrainingRunSettings.forConfig(config.toString())
                .withOverrides(List.of(new ConfigOverride("training.train_iters", "10"))).writeTo(configuration);
        MainTab tab = show(new MainTab());

        assertEquals(config.toString(), tab.configFile.getText());
        Table table = tab.overrides.viewer.getTable();
        assertEquals(1, table.getItemCount());
        assertEquals("training.train_iters", table.getItem(0).getText(0));
        assertEquals("10", table.getItem(0).getText(1));
        assertTrue(tab.isValid(configuration), tab.getErrorMessage());

        // Add opens the key cell for editing; typing key=value there fills both cells.
        click(tab.overrides.add);
        assertTrue(tab.overrides.viewer.isCellEditorActive());
        Text keyCell = (Text) tab.overrides.keyEditor.getControl();
        keyCell.setText("batch.micro_batch_size=2");
        keyCell.notifyListeners(SWT.DefaultSelection, new Event());
        assertEquals(2, table.getItemCount());
        assertEquals("batch.micro_batch_size", table.getItem(1).getText(0));
        assertEquals("2", table.getItem(1).getText(1));

        // Up moves the selected (new) row before the first one.
        click(tab.overrides.up);
        tab.workingDirectory.setText(dir.toString());
        tab.performApply(configuration);
        assertEquals(List.of("batch.micro_batch_size=2", "training.train_iters=10"),
                configuration.getAttribute(TrainingRunSettings.ATTR_OVERRIDES, List.of()));
        assertEquals(dir.toString(), configuration.getAttribute(TrainingRunSettings.ATTR_WORKING_DIRECTORY, ""));

        tab.configFile.setText(dir.resolve("missing.yaml").toString());
        assertFalse(tab.isValid(configuration));
        assertEquals("Config file " + dir.resolve("missing.yaml") + " does not exist: choose an existing .yaml file",
                tab.getErrorMessage());
    }

    @Test
    void mainTabRefusesAnOverrideWithAMalformedKey() throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), "training:\n  train_iters: 5\n");
        TrainingRunSettings.forConfig(config.toString())
                .withOverrides(List.of(new ConfigOverride("training train_iters", "1"))).writeTo(configuration);
        MainTab tab = show(new MainTab());

        assertFalse(tab.isValid(configuration));
        assertEquals("Override key 'training train_iters' is not a dotted config key: use letters, digits and '_' "
                + "separated by '.', e.g. batch.micro_batch_size", tab.getErrorMessage());
    }

    @Test
    void backendTabEnablesTheGpuCountOnlyForCudaAndWritesBoth() throws Exception {
        TrainingRunSettings.forConfig("/c.yaml").writeTo(configuration);
        BackendTab tab = show(new BackendTab());
        assertTrue(tab.cpu.getSelection());
        assertFalse(tab.gpuCount.isEnabled());

        tab.cpu.setSelection(false);
        click(tab.cuda);
        assertTrue(tab.gpuCount.isEnabled());
        tab.gpuCount.setSelection(4);
        tab.performApply(configuration);

        assertEquals(Backend.CUDA, TrainingRunSettings.read(configuration).backend());
        assertEquals(4, TrainingRunSettings.read(configuration).gpuCount());
    }

    @Test
    void backendTabEnablesTheWorkerCountOnlyForCpuAndWritesIt() throws Exception {
        TrainingRunSettings.forConfig("/c.yaml").writeTo(configuration);
        BackendTab tab = show(new BackendTab());
        assertTrue(tab.workerCount.isEnabled());
        tab.workerCount.setSelection(3);
        tab.performApply(configuration);
        assertEquals(3, TrainingRunSettings.read(configuration).workerCount());
        assertEquals(3, TrainingRunSettings.read(configuration).cpuWorkers());

        tab.cpu.setSelection(false);
        click(tab.cuda);
        assertFalse(tab.workerCount.isEnabled());
        tab.performApply(configuration);
        assertEquals(1, TrainingRunSettings.read(configuration).cpuWorkers(), "a CUDA run starts no CPU workers");
    }

    @Test
    void jvmTabChecksTheHeapSizeAndTheJavaRuntimeAndWritesTheJvmSettings() throws Exception {
        TrainingRunSettings.forConfig("/c.yaml").writeTo(configuration);
        JvmTab tab = show(new JvmTab());
        assertEquals("", tab.javaHome.getText());
        assertEquals(TrainingRunSettings.DEFAULT_STOP_TIMEOUT_SECONDS, tab.stopTimeout.getSelection());

        tab.maxHeap.setText("12q");
        assertFalse(tab.isValid(configuration));
        assertEquals("Maximum heap '12q' is not a size: write a number with an optional unit, e.g. 8g or 512m",
                tab.getErrorMessage());

        tab.maxHeap.setText("12g");
        tab.javaHome.setText(dir.toString());
        assertFalse(tab.isValid(configuration));
        assertTrue(tab.getErrorMessage().startsWith("Java runtime " + dir + " has no bin/java"), tab.getErrorMessage());

        tab.javaHome.setText(System.getProperty("java.home"));
        tab.jvmArguments.setText("-XX:+UseZGC");
        tab.stopTimeout.setSelection(600);
        assertTrue(tab.isValid(configuration), tab.getErrorMessage());
        tab.performApply(configuration);

        TrainingRunSettings settings = TrainingRunSettings.read(configuration);
        assertEquals(System.getProperty("java.home"), settings.javaHome());
        assertEquals("12g", settings.maxHeap());
        assertEquals("-XX:+UseZGC", settings.jvmArguments());
        assertEquals(600, settings.stopTimeoutSeconds());
    }

    @Test
    void theTabGroupHasMainBackendJvmEnvironmentAndCommonTabs() {
        TrainingRunTabGroup group = new TrainingRunTabGroup();
        group.createTabs(null, "run");
        assertEquals(List.of("Main", "Backend", "JVM", "Environment", "Common"),
                Arrays.stream(group.getTabs()).map(ILaunchConfigurationTab::getName).toList());
    }
}
