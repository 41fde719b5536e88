package org.trainbench.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;
import org.eclipse.debug.core.ILaunchManager;
import org.junit.jupiter.api.Test;

class TrainingRunSettingsTest {

    @Test
    void everySettingSurvivesASavedLaunchConfigurationReadBackFromTheLaunchManager() throws CoreException {
        TrainingRunSettings settings = new TrainingRunSettings("${workspace_loc}/sft.yaml",
                List.of(new ConfigOverride("training.train_iters", "10"), new ConfigOverride("run.experiment_dir", "/r/a=b"),
                        new ConfigOverride("batch.micro_batch_size", "2")),
                Backend.CUDA, 4, "/opt/jdk-25", "24g", "-XX:+UseZGC \"-Dname=a b\"", "/data", 300);
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        ILaunchConfigurationWorkingCopy copy = manager.getLaunchConfigurationType(TrainingRunSettings.TYPE_ID)
                .newInstance(null, manager.generateLaunchConfigurationName("round trip"));
        settings.writeTo(copy);
        ILaunchConfiguration saved = copy.doSave();
        try {
            ILaunchConfiguration reread = null;
            for (ILaunchConfiguration candidate : manager.getLaunchConfigurations(
                    manager.getLaunchConfigurationType(TrainingRunSettings.TYPE_ID))) {
                if (candidate.getName().equals(saved.getName())) {
                    reread = candidate;
                }
            }
            assertEquals(settings, TrainingRunSettings.read(reread));
            assertEquals(EngineProcessFactory.ID, reread.getAttribute(DebugPlugin.ATTR_PROCESS_FACTORY_ID, ""));
        } finally {
            saved.delete();
        }
    }

    @Test
    void aConfigurationWithoutTrainbenchAttributesReadsAsADefaultCpuRun() throws CoreException {
        ILaunchManager manager = DebugPlugin.getDefault().getLaunchManager();
        ILaunchConfigurationWorkingCopy copy = manager.getLaunchConfigurationType(TrainingRunSettings.TYPE_ID)
                .newInstance(null, "empty");
        assertEquals(TrainingRunSettings.forConfig(""), TrainingRunSettings.read(copy));
    }
}
