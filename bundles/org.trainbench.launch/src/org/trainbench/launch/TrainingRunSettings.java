package org.trainbench.launch;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.ILaunchConfigurationWorkingCopy;

/**
 * What a "Trainbench Training Run" launch configuration holds, and the attribute names it is stored under.
 * Environment variables are kept under debug.core's own attributes (the Environment tab is debug.ui's).
 *
 * @param configFile         the training config; may contain string variables such as ${workspace_loc:...}
 * @param overrides          {@code --set key=value} overrides in the order they are passed
 * @param backend            cpu or cuda
 * @param gpuCount           GPUs to use with the cuda backend (ignored on cpu)
 * @param javaHome           a Java 25+ runtime's home; empty for the runtime running the workbench
 * @param maxHeap            the engine JVM's -Xmx value such as {@code 8g}; empty for the JVM's default
 * @param jvmArguments       further JVM options, parsed like a command line (quotes group words)
 * @param workingDirectory   where relative paths in the config resolve; empty for the config file's folder
 * @param stopTimeoutSeconds how long Terminate waits for the engine's checkpoint before killing it
 * @param workerCount        CPU worker processes ({@code trainbench train --workers N}, data parallel on this host) with
 *                           the cpu backend; 1 trains in the engine process (ignored on cuda)
 */
public record TrainingRunSettings(String configFile, List<ConfigOverride> overrides, Backend backend, int gpuCount,
        String javaHome, String maxHeap, String jvmArguments, String workingDirectory, int stopTimeoutSeconds, int workerCount) {

    /** The launch configuration type, declared in plugin.xml. */
    public static final String TYPE_ID = "org.trainbench.launch.trainingRun";

    private static final String PREFIX = "org.trainbench.launch.";
    public static final String ATTR_CONFIG_FILE = PREFIX + "configFile";
    public static final String ATTR_OVERRIDES = PREFIX + "overrides";
    public static final String ATTR_BACKEND = PREFIX + "backend";
    public static final String ATTR_GPU_COUNT = PREFIX + "gpuCount";
    public static final String ATTR_JAVA_HOME = PREFIX + "javaHome";
    public static final String ATTR_MAX_HEAP = PREFIX + "maxHeap";
    public static final String ATTR_JVM_ARGUMENTS = PREFIX + "jvmArguments";
    public static final String ATTR_WORKING_DIRECTORY = PREFIX + "workingDirectory";
    public static final String ATTR_STOP_TIMEOUT_SECONDS = PREFIX + "stopTimeoutSeconds";
    public static final String ATTR_WORKER_COUNT = PREFIX + "workerCount";

    /** A checkpoint of a small model takes seconds; of an 8B model with optimizer state, a minute or more. */
    public static final int DEFAULT_STOP_TIMEOUT_SECONDS = 120;

    public TrainingRunSettings {
        overrides = List.copyOf(overrides);
        if (gpuCount < 1) {
            throw new IllegalArgumentException("gpuCount must be at least 1, was " + gpuCount);
        }
        if (stopTimeoutSeconds < 1) {
            throw new IllegalArgumentException("stopTimeoutSeconds must be at least 1, was " + stopTimeoutSeconds);
        }
        if (workerCount < 1) {
            throw new IllegalArgumentException("workerCount must be at least 1, was " + workerCount);
        }
    }

    /** One process (no CPU workers). */
    public TrainingRunSettings(String configFile, List<ConfigOverride> overrides, Backend backend, int gpuCount, String javaHome,
            String maxHeap, String jvmArguments, String workingDirectory, int stopTimeoutSeconds) {
        this(configFile, overrides, backend, gpuCount, javaHome, maxHeap, jvmArguments, workingDirectory, stopTimeoutSeconds, 1);
    }

    /** The CPU workers a run starts: {@link #workerCount} on the cpu backend, else 1. */
    public int cpuWorkers() {
        return backend == Backend.CPU ? workerCount : 1;
    }

    /** A run of the given config with every other setting at its default (CPU, the workbench's Java). */
    public static TrainingRunSettings forConfig(String configFile) {
        return new TrainingRunSettings(configFile, List.of(), Backend.CPU, 1, "", "", "", "",
                DEFAULT_STOP_TIMEOUT_SECONDS);
    }

    public TrainingRunSettings withBackend(Backend newBackend, int newGpuCount) {
        return new TrainingRunSettings(configFile, overrides, newBackend, newGpuCount, javaHome, maxHeap, jvmArguments,
                workingDirectory, stopTimeoutSeconds, workerCount);
    }

    public TrainingRunSettings withWorkers(int newWorkerCount) {
        return new TrainingRunSettings(configFile, overrides, backend, gpuCount, javaHome, maxHeap, jvmArguments,
                workingDirectory, stopTimeoutSeconds, newWorkerCount);
    }

    public TrainingRunSettings withOverrides(List<ConfigOverride> newOverrides) {
        return new TrainingRunSettings(configFile, newOverrides, backend, gpuCount, javaHome, maxHeap, jvmArguments,
                workingDirectory, stopTimeoutSeconds, workerCount);
    }

    public static TrainingRunSettings read(ILaunchConfiguration configuration) throws CoreException {
        List<ConfigOverride> overrides = new ArrayList<>();
        for (String stored : configuration.getAttribute(ATTR_OVERRIDES, List.of())) {
            overrides.add(ConfigOverride.parse(stored));
        }
        return new TrainingRunSettings(configuration.getAttribute(ATTR_CONFIG_FILE, ""), overrides,
                Backend.fromId(configuration.getAttribute(ATTR_BACKEND, Backend.CPU.id())),
                Math.max(1, configuration.getAttribute(ATTR_GPU_COUNT, 1)),
                configuration.getAttribute(ATTR_JAVA_HOME, ""), configuration.getAttribute(ATTR_MAX_HEAP, ""),
                configuration.getAttribute(ATTR_JVM_ARGUMENTS, ""),
                configuration.getAttribute(ATTR_WORKING_DIRECTORY, ""),
                Math.max(1, configuration.getAttribute(ATTR_STOP_TIMEOUT_SECONDS, DEFAULT_STOP_TIMEOUT_SECONDS)),
                Math.max(1, configuration.getAttribute(ATTR_WORKER_COUNT, 1)));
    }

    /** Stores every setting, and names the process factory whose Terminate asks the engine to checkpoint first. */
    public void writeTo(ILaunchConfigurationWorkingCopy copy) {
        copy.setAttribute(ATTR_CONFIG_FILE, configFile);
        copy.setAttribute(ATTR_OVERRIDES, overrides.stream().map(ConfigOverride::toString).toList());
        copy.setAttribute(ATTR_BACKEND, backend.id());
        copy.setAttribute(ATTR_GPU_COUNT, gpuCount);
        copy.setAttribute(ATTR_JAVA_HOME, javaHome);
        copy.setAttribute(ATTR_MAX_HEAP, maxHeap);
        copy.setAttribute(ATTR_JVM_ARGUMENTS, jvmArguments);
        copy.setAttribute(ATTR_WORKING_DIRECTORY, workingDirectory);
        copy.setAttribute(ATTR_STOP_TIMEOUT_SECONDS, stopTimeoutSeconds);
        copy.setAttribute(ATTR_WORKER_COUNT, workerCount);
        copy.setAttribute(DebugPlugin.ATTR_PROCESS_FACTORY_ID, EngineProcessFactory.ID);
    }
}
