package org.trainbench.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class EngineCommandLineTest {

    @Test
    void argvPutsJvmOptionsBeforeTheMainClassAndOverridesAfterTheConfig() {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("training.train_iters", "10");
        overrides.put("run.experiment_dir", "/tmp/my run");
        EngineCommandLine command = new EngineCommandLine(Path.of("/jdk/bin/java"),
                List.of(Path.of("/p/engine.jar"), Path.of("/p/picocli.jar")), List.of("-Xmx4g"),
                EngineCommandLine.trainArguments(Path.of("/w/config.yaml"), overrides));

        assertEquals(List.of("/jdk/bin/java", "--add-modules=jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Xmx4g", "-cp", "/p/engine.jar:/p/picocli.jar",
                EngineCommandLine.MAIN_CLASS, "train", "/w/config.yaml", "--set", "training.train_iters=10", "--set",
                "run.experiment_dir=/tmp/my run"), command.toArgv());
    }

    @Test
    void anEmptyClasspathIsRefusedWithAReason() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new EngineCommandLine(Path.of("java"), List.of(), List.of(), List.of("demo")));
        assertEquals("The engine classpath is empty: the engine bundle was not found", error.getMessage());
    }
}
