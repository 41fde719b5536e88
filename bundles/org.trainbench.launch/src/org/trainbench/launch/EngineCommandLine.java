package org.trainbench.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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
     * A {@code trainbench train CONFIG [--set key=value]... [--backend cuda --gpus N]} invocation. The CPU backend is
     * the engine's default and adds no option, so a CPU run's command line is exactly what a user types.
     */
    public static List<String> trainArguments(Path config, List<ConfigOverride> overrides, Backend backend, int gpus) {
        List<String> arguments = new ArrayList<>(List.of("train", config.toString()));
        for (ConfigOverride override : overrides) {
            arguments.add("--set");
            arguments.add(override.toString());
        }
        if (backend == Backend.CUDA) {
            arguments.addAll(List.of("--backend", backend.id(), "--gpus", Integer.toString(gpus)));
        }
        return arguments;
    }

    /**
     * A {@code trainbench export CHECKPOINT --format llama --output DIR [--dtype bfloat16] [--overwrite]} invocation.
     * float32 is the engine's default dtype and adds no option.
     */
    public static List<String> exportArguments(Path checkpoint, Path output, ExportDtype dtype, boolean overwrite) {
        List<String> arguments = new ArrayList<>(List.of("export", checkpoint.toString(), "--format", "llama", "--output",
                output.toString()));
        if (dtype != ExportDtype.FLOAT32) {
            arguments.addAll(List.of("--dtype", dtype.id()));
        }
        if (overwrite) {
            arguments.add("--overwrite");
        }
        return arguments;
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
