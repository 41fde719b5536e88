package org.trainbench.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipFile;

import org.eclipse.core.runtime.CoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunDelegateTest {

    @TempDir
    Path dir;

    private Path config(String text) throws IOException {
        Path config = dir.resolve("tiny.yaml");
        Files.writeString(config, text);
        return config;
    }

    @Test
    void theEngineRunsOnTheWorkbenchJavaWithTheInstalledEngineAndPicocliAndTheLaunchSettings() throws Exception {
        Path config = config("training:\n  train_iters: 3\nrun:\n  experiment_dir: runs/tiny\n");
        TrainingRunSettings settings = new TrainingRunSettings(config.toString(),
                List.of(new ConfigOverride("training.train_iters", "5")), Backend.CPU, 1, "", "2g",
                "-Dtrainbench.a=1 \"-Dtrainbench.b=two words\"", "", 30);

        TrainingRunDelegate.PreparedRun run = TrainingRunDelegate.prepare(settings);

        List<String> argv = run.commandLine().toArgv();
        assertEquals(Path.of(System.getProperty("java.home"), "bin", "java").toString(), argv.get(0));
        int main = argv.indexOf(EngineCommandLine.MAIN_CLASS);
        assertEquals(List.of("--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Xmx2g",
                "-Dtrainbench.a=1", "-Dtrainbench.b=two words", "-cp"), argv.subList(1, main - 1));
        assertEquals(List.of("train", config.toString(), "--set", "training.train_iters=5"), argv.subList(main + 1, argv.size()));
        List<Path> classpath = run.commandLine().classpath();
        assertTrue(provides(classpath, "org/trainbench/engine/cli/TrainbenchCli.class"), "no engine on " + classpath);
        assertTrue(provides(classpath, "picocli/CommandLine.class"), "no picocli on " + classpath);
        assertEquals(dir, run.workingDirectory());
        assertEquals(dir.resolve("runs/tiny"), run.experimentDirectory());
    }

    @Test
    void anExperimentDirOverrideWinsOverTheFileAndResolvesAgainstTheWorkingDirectory() throws Exception {
        Path config = config("run:\n  experiment_dir: runs/tiny\n");
        Path work = Files.createDirectory(dir.resolve("work"));
        TrainingRunSettings settings = new TrainingRunSettings(config.toString(),
                List.of(new ConfigOverride("run.experiment_dir", "elsewhere")), Backend.CPU, 1, "", "", "",
                work.toString(), 30);

        TrainingRunDelegate.PreparedRun run = TrainingRunDelegate.prepare(settings);

        assertEquals(work, run.workingDirectory());
        assertEquals(work.resolve("elsewhere"), run.experimentDirectory());
    }

    @Test
    void aCudaRunAddsTheCudaBundleAndNamesTheBackend() throws Exception {
        Path config = config("training:\n  train_iters: 3\n");
        TrainingRunDelegate.PreparedRun run = TrainingRunDelegate.prepare(
                TrainingRunSettings.forConfig(config.toString()).withBackend(Backend.CUDA, 2));

        assertTrue(provides(run.commandLine().classpath(), "org/trainbench/engine/cuda/CudaDriver.class"),
                "no CUDA backend on " + run.commandLine().classpath());
        List<String> argv = run.commandLine().toArgv();
        assertEquals(List.of("--backend", "cuda", "--gpus", "2"), argv.subList(argv.size() - 4, argv.size()));
    }

    @Test
    void aMissingConfigFileIsReportedWithItsPathAndWhereToFixIt() {
        Path missing = dir.resolve("nope.yaml");
        CoreException error = assertThrows(CoreException.class,
                () -> TrainingRunDelegate.prepare(TrainingRunSettings.forConfig(missing.toString())));
        assertEquals("Config file " + missing + " does not exist: choose an existing .yaml file on the Main tab",
                error.getStatus().getMessage());
    }

    @Test
    void cpuWorkersArePassedAsWorkersAndOnlyOnTheCpuBackend() throws Exception {
        Path config = config("training:\n  train_iters: 3\n");
        TrainingRunSettings cpu = TrainingRunSettings.forConfig(config.toString()).withWorkers(4);
        List<String> argv = TrainingRunDelegate.prepare(cpu).commandLine().toArgv();
        assertEquals(List.of("train", config.toString(), "--workers", "4"), argv.subList(argv.indexOf(EngineCommandLine.MAIN_CLASS) + 1,
                argv.size()));
        List<String> cuda = TrainingRunDelegate.prepare(cpu.withBackend(Backend.CUDA, 2)).commandLine().toArgv();
        assertEquals(List.of("train", config.toString(), "--backend", "cuda", "--gpus", "2"),
                cuda.subList(cuda.indexOf(EngineCommandLine.MAIN_CLASS) + 1, cuda.size()));
    }

    @Test
    void aJavaRuntimeOlderThan25IsRefusedWithItsVersion() throws Exception {
        Path config = config("training:\n  train_iters: 3\n");
        Path jdk21 = dir.resolve("jdk-21");
        Files.createDirectories(jdk21.resolve("bin"));
        Files.writeString(jdk21.resolve("bin/java"), "#!/bin/sh\n");
        Files.writeString(jdk21.resolve("release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"21.0.5\"\n");
        TrainingRunSettings settings = new TrainingRunSettings(config.toString(), List.of(), Backend.CPU, 1,
                jdk21.toString(), "", "", "", 30);

        CoreException error = assertThrows(CoreException.class, () -> TrainingRunDelegate.prepare(settings));
        assertEquals("Java runtime " + jdk21 + " is Java 21, the engine needs Java 25 or newer: choose another runtime "
                + "on the JVM tab", error.getStatus().getMessage());
    }

    /** Whether a jar or class folder on the classpath holds {@code entry}. */
    static boolean provides(List<Path> classpath, String entry) throws IOException {
        for (Path path : classpath) {
            if (Files.isDirectory(path)) {
                if (Files.isRegularFile(path.resolve(entry))) {
                    return true;
                }
            } else {
                try (ZipFile jar = new ZipFile(path.toFile())) {
                    if (jar.getEntry(entry) != null) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
