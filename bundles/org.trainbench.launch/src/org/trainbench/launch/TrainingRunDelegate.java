package org.trainbench.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IProgressMonitor;
import org.eclipse.core.runtime.Status;
import org.eclipse.core.variables.VariablesPlugin;
import org.eclipse.debug.core.DebugPlugin;
import org.eclipse.debug.core.ILaunch;
import org.eclipse.debug.core.ILaunchConfiguration;
import org.eclipse.debug.core.model.IProcess;
import org.eclipse.debug.core.model.LaunchConfigurationDelegate;
import org.trainbench.launch.ui.LaunchedRun;
import org.trainbench.ui.LiveRuns;

/**
 * Launches a "Trainbench Training Run": starts {@code trainbench train CONFIG} in a JVM of its own (the IDE never
 * trains in-process, so a crash or an out-of-memory error in a run cannot take the workbench down) and hands the
 * process to the Debug framework, which shows its output in the Console and its state in the launch.
 *
 * <p>Runs in a launch job, never on the UI thread; it only starts the process and returns.
 */
public final class TrainingRunDelegate extends LaunchConfigurationDelegate {

    /** Launch and process attribute: the run's experiment directory, absolute, when the config names one. */
    public static final String ATTR_EXPERIMENT_DIR = "org.trainbench.launch.experimentDir";
    /** Process type of engine processes (IProcess.ATTR_PROCESS_TYPE). */
    public static final String PROCESS_TYPE = "org.trainbench.engine";

    private static final String EXPERIMENT_DIR_KEY = "run.experiment_dir";

    @Override
    public void launch(ILaunchConfiguration configuration, String mode, ILaunch launch, IProgressMonitor monitor)
            throws CoreException {
        TrainingRunSettings settings = TrainingRunSettings.read(configuration);
        PreparedRun run = prepare(settings);
        if (monitor != null && monitor.isCanceled()) {
            return;
        }
        String[] environment = DebugPlugin.getDefault().getLaunchManager().getEnvironment(configuration);
        Process process = DebugPlugin.exec(run.commandLine().toArgv().toArray(String[]::new),
                run.workingDirectory().toFile(), environment);
        if (process == null) {
            throw new CoreException(Status.error("The engine JVM for " + run.configFile() + " did not start"));
        }

        Map<String, String> attributes = new HashMap<>();
        attributes.put(IProcess.ATTR_PROCESS_TYPE, PROCESS_TYPE);
        attributes.put(IProcess.ATTR_CMDLINE, DebugPlugin.renderArguments(run.commandLine().toArgv().toArray(String[]::new), null));
        attributes.put(DebugPlugin.ATTR_WORKING_DIRECTORY, run.workingDirectory().toString());
        attributes.put(EngineProcess.ATTR_STOP_TIMEOUT_SECONDS, Integer.toString(settings.stopTimeoutSeconds()));
        if (run.experimentDirectory() != null) {
            attributes.put(ATTR_EXPERIMENT_DIR, run.experimentDirectory().toString());
            launch.setAttribute(ATTR_EXPERIMENT_DIR, run.experimentDirectory().toString());
        }
        // The console adds the launch and end times itself.
        String label = "trainbench train " + run.configFile().getFileName();
        IProcess engine;
        if (configuration.hasAttribute(DebugPlugin.ATTR_PROCESS_FACTORY_ID)) {
            engine = DebugPlugin.newProcess(launch, process, label, attributes);
        } else {
            // A configuration written by hand or by an older Trainbench: still give it the checkpointing Terminate.
            // (A RuntimeProcess adds itself to its launch.)
            engine = new EngineProcessFactory().newProcess(launch, process, label, attributes);
        }
        if (run.experimentDirectory() != null) {
            // The views show the run at once, even outside the experiments root, and watch its process; their Stop
            // is this process's Terminate (checkpoint and stop, killed after the stop timeout).
            LiveRuns.get().follow(run.experimentDirectory(), process.toHandle(), () -> terminate(engine));
        }
        LaunchedRun.bringForward(engine, run.experimentDirectory());
    }

    /**
     * A run ready to start: everything checked, nothing started.
     *
     * @param experimentDirectory where the run writes, or null when neither the config nor an override says
     */
    public record PreparedRun(Path configFile, Path workingDirectory, Path experimentDirectory,
            EngineCommandLine commandLine) {
    }

    /**
     * Resolves variables and paths, checks the config file and the Java runtime, and builds the engine's command
     * line. Every failure names what is wrong and where to fix it in the launch configuration.
     */
    public static PreparedRun prepare(TrainingRunSettings settings) throws CoreException {
        if (settings.configFile().isBlank()) {
            throw failure("No config file is set: on the Main tab, choose the Fast-LLM training config (.yaml) to run");
        }
        Path configFile = Path.of(substitute(settings.configFile())).toAbsolutePath().normalize();
        if (!Files.isRegularFile(configFile)) {
            throw failure("Config file " + configFile + " does not exist: choose an existing .yaml file on the Main tab");
        }
        for (ConfigOverride override : settings.overrides()) {
            String problem = override.problem();
            if (problem != null) {
                throw failure(problem + " (Main tab, overrides)");
            }
        }

        Path workingDirectory = settings.workingDirectory().isBlank() ? configFile.getParent()
                : Path.of(substitute(settings.workingDirectory())).toAbsolutePath().normalize();
        if (!Files.isDirectory(workingDirectory)) {
            throw failure("Working directory " + workingDirectory + " does not exist: fix it on the Main tab, or leave it "
                    + "empty to run in the config file's folder");
        }

        JavaRuntime java = javaRuntime(settings);
        List<String> jvmArguments = jvmArguments(settings);

        EngineCommandLine commandLine = new EngineCommandLine(java.executable(),
                EngineClasspath.resolve(settings.backend()), jvmArguments,
                EngineCommandLine.trainArguments(configFile, settings.overrides(), settings.backend(), settings.gpuCount()));
        return new PreparedRun(configFile, workingDirectory,
                experimentDirectory(configFile, workingDirectory, settings.overrides()), commandLine);
    }

    /**
     * The Java runtime of the JVM tab (the workbench's own when empty), checked to be a Java 25+ runtime. Other engine
     * commands on a run (export) use the same runtime as its training.
     */
    public static JavaRuntime javaRuntime(TrainingRunSettings settings) throws CoreException {
        JavaRuntime java = settings.javaHome().isBlank() ? JavaRuntime.running()
                : new JavaRuntime(Path.of(substitute(settings.javaHome())));
        String javaProblem = java.problem();
        if (javaProblem != null) {
            throw failure(javaProblem);
        }
        return java;
    }

    /** The JVM tab's maximum heap and further options, variables substituted. */
    public static List<String> jvmArguments(TrainingRunSettings settings) throws CoreException {
        List<String> jvmArguments = new ArrayList<>();
        String heap = settings.maxHeap().strip();
        if (!heap.isEmpty()) {
            jvmArguments.add("-Xmx" + heap);
        }
        String extra = substitute(settings.jvmArguments());
        if (!extra.isBlank()) {
            jvmArguments.addAll(List.of(DebugPlugin.parseArguments(extra)));
        }
        return jvmArguments;
    }

    /**
     * Where a run of these settings writes, or null when the config file or its run.experiment_dir cannot be found.
     * Reads the config file: call it off the UI thread.
     */
    public static Path experimentDirectoryOf(TrainingRunSettings settings) {
        try {
            Path configFile = Path.of(substitute(settings.configFile())).toAbsolutePath().normalize();
            Path workingDirectory = settings.workingDirectory().isBlank() ? configFile.getParent()
                    : Path.of(substitute(settings.workingDirectory())).toAbsolutePath().normalize();
            return workingDirectory == null ? null : experimentDirectory(configFile, workingDirectory, settings.overrides());
        } catch (CoreException | IllegalArgumentException e) {
            return null;
        }
    }

    /** run.experiment_dir as the engine will see it: the last override wins over the file; relative to the working directory. */
    static Path experimentDirectory(Path configFile, Path workingDirectory, List<ConfigOverride> overrides) {
        String value = null;
        for (ConfigOverride override : overrides) {
            if (EXPERIMENT_DIR_KEY.equals(override.key())) {
                value = override.value();
            }
        }
        if (value == null) {
            try {
                value = ExperimentDirectoryKey.read(Files.readString(configFile, StandardCharsets.UTF_8));
            } catch (IOException e) {
                // The engine reports an unreadable config itself, in the console, with its own message.
                return null;
            }
        }
        if (value == null || value.isBlank()) {
            return null;
        }
        return workingDirectory.resolve(value).toAbsolutePath().normalize();
    }

    private static void terminate(IProcess process) {
        try {
            process.terminate();
        } catch (org.eclipse.debug.core.DebugException e) {
            org.eclipse.core.runtime.Platform.getLog(TrainingRunDelegate.class).error("cannot stop " + process.getLabel() + ": "
                    + e.getMessage(), e);
        }
    }

    private static String substitute(String text) throws CoreException {
        return VariablesPlugin.getDefault().getStringVariableManager().performStringSubstitution(text);
    }

    private static CoreException failure(String message) {
        return new CoreException(Status.error(message));
    }

    /** No workspace projects take part in a training run: there is nothing to build before it. */
    @Override
    public boolean buildForLaunch(ILaunchConfiguration configuration, String mode, IProgressMonitor monitor) {
        return false;
    }
}
