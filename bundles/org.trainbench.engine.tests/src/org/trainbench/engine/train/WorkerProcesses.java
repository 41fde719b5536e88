package org.trainbench.engine.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * `trainbench` as its own JVM, as a user starts it: the engine's compiled classes and picocli on a plain class path
 * (the tests themselves run inside OSGi, whose class path a worker could not reuse). One thread per JVM, so that a
 * launcher and its workers share this machine's cores fairly.
 */
final class WorkerProcesses {
    private WorkerProcesses() {
    }

    static String classPath() throws IOException {
        Path repository = Path.of(System.getProperty("trainbench.repository", "../.."));
        Path classes = repository.resolve("bundles/org.trainbench.engine/target/classes");
        Path picocli = picocliJar();
        return classes + java.io.File.pathSeparator + picocli;
    }

    private static Path picocliJar() throws IOException {
        try {
            Path location = Path.of(picocli.CommandLine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(location)) {
                return location;
            }
        } catch (Exception e) {
            // a bundle location that is no file: look in the local Maven repository
        }
        Path versions = Path.of(System.getProperty("user.home"), ".m2/repository/info/picocli/picocli");
        try (Stream<Path> jars = Files.walk(versions)) {
            return jars.filter(p -> p.getFileName().toString().matches("picocli-4\\.7\\.\\d+\\.jar")).max(Comparator.naturalOrder())
                    .orElseThrow(() -> new IOException("no picocli 4.7 jar under " + versions));
        }
    }

    /** Starts {@code trainbench ARGS} with these extra variables; stdout and stderr go to {@code log}. */
    static Process start(Path log, Map<String, String> env, String... args) throws IOException {
        return start(log, env, List.of(), args);
    }

    /** As {@link #start(Path, Map, String...)} with these JVM options too (a launcher passes its own to its workers). */
    static Process start(Path log, Map<String, String> env, List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "-Dtrainbench.threads=1"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath(), "org.trainbench.engine.cli.TrainbenchCli"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        for (String name : List.of("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT", "SLURM_PROCID", "SLURM_NTASKS")) {
            builder.environment().remove(name);
        }
        builder.environment().putAll(env);
        return builder.start();
    }
}
