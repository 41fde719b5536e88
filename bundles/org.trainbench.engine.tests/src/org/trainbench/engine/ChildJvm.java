package org.trainbench.engine;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a test's {@code main} class in a JVM of its own, for what one process cannot show about itself: a heap limit
 * (memory of one huge record) or a SIGKILL at a random moment (resume). The class path is the engine's and the test
 * fragment's compiled classes, which exist in the repository whenever these tests run.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** The class path of the engine and its tests, from the compiled classes in the repository. */
    public static String classPath() {
        Path root = TestFixtures.repositoryRoot().toAbsolutePath();
        Path engine = root.resolve("bundles/org.trainbench.engine/target/classes");
        Path tests = root.resolve("bundles/org.trainbench.engine.tests/target/classes");
        for (Path folder : List.of(engine, tests)) {
            if (!Files.isDirectory(folder)) {
                throw new IllegalStateException(folder + " does not exist: build the engine and its tests first");
            }
        }
        return engine + File.pathSeparator + tests;
    }

    /**
     * Starts {@code main} with the given JVM options and arguments; stdout and stderr go to {@code log}.
     */
    public static Process start(Class<?> main, List<String> jvmOptions, List<String> arguments, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-modules=jdk.incubator.vector");
        command.add("-XX:+UseSerialGC");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath());
        command.add(main.getName());
        command.addAll(arguments);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
