package org.trainbench.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.trainbench.engine.cli.ExportCommandLine;
import org.trainbench.engine.cli.TrainCommandLine;

/**
 * The command that starts the engine in a JVM of its own: the IDE never trains in-process, so a crash, a
 * kill or an out-of-memory error in a run cannot take the workbench down.
 *
 * @param javaExecutable the java binary of a Java 25 runtime
 * @param classpath      the engine's jars (engine bundle, picocli, backend bundles)
 * @param jvmArguments   extra JVM options from the launch configuration (heap size etc.)
 * @param engineArguments the `trainbench` arguments, e.g. {@code train config.yaml --set k=v}
 */
public record EngineCommandLine(Path javaExecutable, List<Path> classpath, List<String> jvmArguments,
        List<String> engineArguments) {

    /** The engine's command-line entry point; the same class the `trainbench` script runs. */
    public static final String MAIN_CLASS = "org.trainbench.engine.cli.TrainbenchCli";

    public EngineCommandLine {
        Objects.requireNonNull(javaExecutable, "javaExecutable");
        if (classpath.isEmpty()) {
            throw new IllegalArgumentException("The engine classpath is empty: the engine bundle was not found");
        }
        classpath = List.copyOf(classpath);
        jvmArguments = List.copyOf(jvmArguments);
        engineArguments = List.copyOf(engineArguments);
    }

    /**
     * A {@code trainbench train CONFIG [--set key=value]... [--backend cuda --gpus N]} invocation, as the engine's
     * {@link TrainCommandLine} writes it: the CPU backend is the engine's default and adds no option, so a CPU run's
     * command line is exactly what a user types.
     */
    public static List<String> trainArguments(Path config, List<ConfigOverride> overrides, Backend backend, int gpus) {
        return trainArguments(config, overrides, backend, gpus, 1);
    }

    /** As {@link #trainArguments(Path, List, Backend, int)} with {@code --workers N} CPU workers (written when N > 1). */
    public static List<String> trainArguments(Path config, List<ConfigOverride> overrides, Backend backend, int gpus, int workers) {
        return TrainCommandLine.of(config, overrides.stream().map(ConfigOverride::toString).toList()).onBackend(backend.id(), gpus)
                .withWorkers(workers).toArguments();
    }

    /**
     * A {@code trainbench export CHECKPOINT --format llama --output DIR [--dtype bfloat16] [--overwrite]} invocation,
     * as the engine's {@link ExportCommandLine} writes it.
     */
    public static List<String> exportArguments(Path checkpoint, Path output, ExportDtype dtype, boolean overwrite) {
        return ExportCommandLine.llama(checkpoint, output, dtype.engine(), overwrite).toArguments();
    }

    /** The full argv, ready for a process builder. */
    public List<String> toArgv() {
        List<String> argv = new ArrayList<>();
        argv.add(javaExecutable.toString());
        argv.add("--add-modules=jdk.incubator.vector");
        argv.add("--enable-native-access=ALL-UNNAMED");
        // aircompressor's pure-Java codecs (Parquet/Arrow in `prepare`) use sun.misc.Unsafe; as in bin/trainbench.
        argv.add("--sun-misc-unsafe-memory-access=allow");
        argv.addAll(jvmArguments);
        argv.add("-cp");
        argv.add(String.join(java.io.File.pathSeparator, classpath.stream().map(Path::toString).toList()));
        argv.add(MAIN_CLASS);
        argv.addAll(engineArguments);
        return argv;
    }
}
