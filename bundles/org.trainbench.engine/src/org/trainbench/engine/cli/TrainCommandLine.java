package org.trainbench.engine.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.trainbench.engine.train.backend.CpuBackend;

/**
 * {@code trainbench train CONFIG [--set KEY=VALUE]... [--no-resume] [--backend NAME --gpus N] [--workers N]} as a value: the option
 * names and defaults are declared here once, {@link TrainCommand} parses them (its picocli annotations name these
 * constants) and {@link #toArguments()} writes them for whoever starts the engine in a process of its own (the
 * workbench's launches). Options at their default are left out, so a CPU run's command line is what a user types.
 *
 * @param config    the training config file
 * @param overrides {@code KEY=VALUE} overrides of config values, in order
 * @param noResume  refuse to start when the run directory holds checkpoints
 * @param backend   the backend's name ({@link CpuBackend#NAME}, {@code cuda}, ...)
 * @param gpus      GPUs to train on (GPU backends)
 * @param workers   CPU worker processes on this host (the cpu backend's data parallel; 1: this process trains)
 */
public record TrainCommandLine(Path config, List<String> overrides, boolean noResume, String backend, int gpus, int workers) {
    public static final String COMMAND = "train";
    public static final String SET = "--set";
    public static final String NO_RESUME = "--no-resume";
    public static final String BACKEND = "--backend";
    public static final String GPUS = "--gpus";
    public static final String DEFAULT_BACKEND = CpuBackend.NAME;
    /** {@link #GPUS}'s default, as picocli reads it. */
    public static final String DEFAULT_GPUS = "1";
    public static final String WORKERS = "--workers";
    /** {@link #WORKERS}'s default, as picocli reads it. */
    public static final String DEFAULT_WORKERS = "1";

    public TrainCommandLine {
        Objects.requireNonNull(config, "config");
        overrides = List.copyOf(overrides);
        Objects.requireNonNull(backend, "backend");
    }

    /** Without {@code --workers} (one process). */
    public TrainCommandLine(Path config, List<String> overrides, boolean noResume, String backend, int gpus) {
        this(config, overrides, noResume, backend, gpus, Integer.parseInt(DEFAULT_WORKERS));
    }

    /** A run of {@code config} on the default backend, resuming when it can. */
    public static TrainCommandLine of(Path config, List<String> overrides) {
        return new TrainCommandLine(config, overrides, false, DEFAULT_BACKEND, Integer.parseInt(DEFAULT_GPUS));
    }

    /** This command line on another backend with {@code gpus} GPUs. */
    public TrainCommandLine onBackend(String name, int gpuCount) {
        return new TrainCommandLine(config, overrides, noResume, name, gpuCount, workers);
    }

    /** This command line with {@code count} CPU workers ({@value #WORKERS}; written only when more than one). */
    public TrainCommandLine withWorkers(int count) {
        return new TrainCommandLine(config, overrides, noResume, backend, gpus, count);
    }

    /** The arguments after the program name, starting with {@value #COMMAND}. */
    public List<String> toArguments() {
        List<String> arguments = new ArrayList<>(List.of(COMMAND, config.toString()));
        for (String override : overrides) {
            arguments.add(SET);
            arguments.add(override);
        }
        if (noResume) {
            arguments.add(NO_RESUME);
        }
        if (!backend.equals(DEFAULT_BACKEND)) {
            // a GPU backend's run always says on how many GPUs, so the command line reads the same whatever the default
            arguments.addAll(List.of(BACKEND, backend, GPUS, Integer.toString(gpus)));
        } else if (gpus != Integer.parseInt(DEFAULT_GPUS)) {
            arguments.addAll(List.of(GPUS, Integer.toString(gpus)));
        }
        if (workers != Integer.parseInt(DEFAULT_WORKERS)) {
            arguments.addAll(List.of(WORKERS, Integer.toString(workers)));
        }
        return arguments;
    }
}
