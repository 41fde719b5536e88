package org.trainbench.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.eclipse.core.runtime.CoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointExportTest {

    @TempDir
    Path run;

    @Test
    void theProposedFolderIsTheEnginesExportFolderOfTheStepAndTheNextFreeNameWhenTheRunExportedThatStepItself()
            throws Exception {
        Path checkpoint = run.resolve("checkpoints/step-600");
        assertEquals(run.resolve("export/step-600"), CheckpointExport.defaultTarget(run, checkpoint), "nothing exported yet");

        Files.createDirectories(run.resolve("export/step-600"));
        assertEquals(run.resolve("export/step-600"), CheckpointExport.defaultTarget(run, checkpoint), "an empty folder is free");

        Files.writeString(run.resolve("export/step-600/config.json"), "{}");
        assertEquals(run.resolve("export/step-600-2"), CheckpointExport.defaultTarget(run, checkpoint));

        Files.createDirectories(run.resolve("export/step-600-2"));
        Files.writeString(run.resolve("export/step-600-2/config.json"), "{}");
        assertEquals(run.resolve("export/step-600-3"), CheckpointExport.defaultTarget(run, checkpoint));
    }

    @Test
    void theEngineJvmGetsTheJavaRuntimeHeapAndOptionsOfTheLaunchConfigurationThatTrainsTheRun() throws Exception {
        CheckpointExport export = new CheckpointExport(run, run.resolve("checkpoints/step-2"), run.resolve("export/step-2"),
                ExportDtype.FLOAT32, false);
        TrainingRunSettings training = new TrainingRunSettings("train.yaml", List.of(), Backend.CPU, 1, "", "6g",
                "-XX:+UseParallelGC -Dtrainbench.note=\"two words\"", "", 120);

        EngineCommandLine commandLine = export.commandLine(training);

        assertEquals(List.of("-Xmx6g", "-XX:+UseParallelGC", "-Dtrainbench.note=two words"), commandLine.jvmArguments());
        assertEquals(JavaRuntime.running().executable(), commandLine.javaExecutable());
        assertEquals(List.of(), export.commandLine(null).jvmArguments(), "a run from the command line: the JVM's defaults");

        TrainingRunSettings missingJava = new TrainingRunSettings("train.yaml", List.of(), Backend.CPU, 1,
                run.resolve("no-jdk").toString(), "", "", "", 120);
        CoreException refused = assertThrows(CoreException.class, () -> export.commandLine(missingJava));
        assertTrue(refused.getStatus().getMessage().startsWith("Java runtime " + run.resolve("no-jdk") + " has no bin/java"),
                refused.getStatus().getMessage());
    }

    @Test
    void aTargetWithFilesIsReplacedOnlyWhenOverwriting() throws Exception {
        Path target = Files.createDirectories(run.resolve("export/step-2"));
        CheckpointExport export = new CheckpointExport(run, run.resolve("checkpoints/step-2"), target, ExportDtype.FLOAT32, false);
        assertFalse(export.targetHasFiles());
        Files.writeString(target.resolve("config.json"), "{}");
        assertTrue(export.targetHasFiles());
        assertEquals(EngineCommandLine.exportArguments(export.checkpoint(), target, ExportDtype.FLOAT32, true),
                export.overwriting().commandLine(null).engineArguments());
    }
}
