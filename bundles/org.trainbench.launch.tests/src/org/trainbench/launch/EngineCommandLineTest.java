package org.trainbench.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class EngineCommandLineTest {

    @Test
    void argvPutsJvmOptionsBeforeTheMainClassAndOverridesAfterTheConfig() {
        EngineCommandLine command = new EngineCommandLine(Path.of("/jdk/bin/java"),
                List.of(Path.of("/p/engine.jar"), Path.of("/p/picocli.jar")), List.of("-Xmx4g"),
                EngineCommandLine.trainArguments(Path.of("/w/config.yaml"), List.of(
                        new ConfigOverride("training.train_iters", "10"),
                        new ConfigOverride("run.experiment_dir", "/tmp/my run")), Backend.CPU, 1));

        assertEquals(List.of("/jdk/bin/java", "--add-modules=jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xmx4g", "-cp", "/p/engine.jar:/p/picocli.jar",
                EngineCommandLine.MAIN_CLASS, "train", "/w/config.yaml", "--set", "training.train_iters=10", "--set",
                "run.experiment_dir=/tmp/my run"), command.toArgv());
    }

    @Test
    void aCudaRunNamesTheBackendAndItsGpuCountAfterTheOverrides() {
        assertEquals(List.of("train", "/w/c.yaml", "--set", "batch.micro_batch_size=2", "--backend", "cuda", "--gpus", "8"),
                EngineCommandLine.trainArguments(Path.of("/w/c.yaml"),
                        List.of(new ConfigOverride("batch.micro_batch_size", "2")), Backend.CUDA, 8));
    }

    @Test
    void anExportNamesTheCheckpointTheFormatAndTheOutputAndOnlyNonDefaultOptions() {
        assertEquals(List.of("export", "/r/checkpoints/step-2", "--format", "llama", "--output", "/r/export/step-2"),
                EngineCommandLine.exportArguments(Path.of("/r/checkpoints/step-2"), Path.of("/r/export/step-2"),
                        ExportDtype.FLOAT32, false));
        assertEquals(List.of("export", "/r/checkpoints/step-2", "--format", "llama", "--output", "/r/hf", "--dtype", "bfloat16",
                "--overwrite"), EngineCommandLine.exportArguments(Path.of("/r/checkpoints/step-2"), Path.of("/r/hf"),
                        ExportDtype.BFLOAT16, true));
    }

    @Test
    void anEmptyClasspathIsRefusedWithAReason() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new EngineCommandLine(Path.of("java"), List.of(), List.of(), List.of("demo")));
        assertEquals("The engine classpath is empty: the engine bundle was not found", error.getMessage());
    }
}
