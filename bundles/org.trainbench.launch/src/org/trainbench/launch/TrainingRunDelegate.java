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
        String[] environment = withProgressOnStandardOutput(DebugPlugin.getDefault().getLaunchManager().getEnvironment(configuration));
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
     * The launch's environment (null: the workbench's own) with the engine's progress sent to standard output: the
     * Console draws standard error in red, which stays for problems (ProgressLine.STREAM_VARIABLE).
     */
    static String[] withProgressOnStandardOutput(String[] environment) {
        List<String> variables = new ArrayList<>();
        if (environment == null) {
            System.getenv().forEach((name, value) -> variables.add(name + "=" + value));
        } else {
            variables.addAll(List.of(environment));
        }
        String prefix = org.trainbench.engine.train.ProgressLine.STREAM_VARIABLE + "=";
        variables.removeIf(variable -> variable.startsWith(prefix));
        variables.add(prefix + "stdout");
        return variables.toArray(String[]::new);
    }

    /**
     * A run ready to start: everything checked, nothing started.
     *
     * @param experimentDirectory where the run writes, or null when neither the config nor an override says
     */
    public record PreparedRun(Path configFile, Path workingDirectory, Path experimentDirectory,
            EngineCommandLine commandLine, List<String> overrides) {
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
                EngineCommandLine.trainArguments(configFile, settings.overrides(), settings.backend(), settings.gpuCount(),
                        settings.cpuWorkers()));
        return new PreparedRun(configFile, workingDirectory,
                experimentDirectory(configFile, workingDirectory, settings.overrides()), commandLine,
                settings.overrides().stream().map(ConfigOverride::toString).toList());
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
                // The value is YAML, as the engine reads it: a quoted path is its text without the quotes.
                value = ExperimentDirectoryKey.read("run:\n  experiment_dir: " + override.value() + "\n");
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

    /** Title of the question asked before launching a config with errors. */
    public static final String ERRORS_QUESTION_TITLE = "Errors in Training Config";

    /**
     * As Eclipse asks before launching a program whose projects have errors: a config that the engine would refuse
     * (the same check as {@code trainbench validate} and the editor, overrides applied) is launched only after the
     * user says so. Launching anyway shows the engine's own refusal in the Console.
     */
    @Override
    public boolean finalLaunchCheck(ILaunchConfiguration configuration, String mode, IProgressMonitor monitor) throws CoreException {
        String errors;
        try {
            errors = configErrors(prepare(TrainingRunSettings.read(configuration)));
        } catch (CoreException e) {
            return true; // launch() reports what is wrong with the launch configuration itself
        }
        if (errors == null || !org.eclipse.ui.PlatformUI.isWorkbenchRunning()) {
            return true;
        }
        boolean[] launch = {false};
        org.eclipse.swt.widgets.Display display = org.eclipse.ui.PlatformUI.getWorkbench().getDisplay();
        display.syncExec(() -> {
            org.eclipse.swt.widgets.Shell shell = display.getActiveShell();
            org.eclipse.jface.dialogs.MessageDialog dialog = new org.eclipse.jface.dialogs.MessageDialog(shell, ERRORS_QUESTION_TITLE, null,
                    "The config of '" + configuration.getName() + "' has errors; the engine will refuse to start it:\n\n" + errors
                            + "\n\nLaunch anyway?", org.eclipse.jface.dialogs.MessageDialog.QUESTION, 1, "Launch Anyway", "Cancel");
            launch[0] = dialog.open() == 0;
        });
        return launch[0];
    }

    /**
     * The engine's diagnostics of the run's config (file:line:column: error: ...), at most {@value #ERRORS_SHOWN}
     * lines, or null when it has no errors. Reads the config: call it off the UI thread.
     */
    static String configErrors(PreparedRun run) {
        try {
            org.trainbench.engine.train.TrainingConfigFile.read(run.configFile(), run.overrides());
            return null;
        } catch (org.trainbench.engine.train.TrainingConfigFile.InvalidConfigException e) {
            List<String> lines = e.getMessage().lines().filter(line -> line.contains(": error: ") || e.diagnostics().isEmpty()).toList();
            List<String> shown = lines.subList(0, Math.min(ERRORS_SHOWN, lines.size()));
            return String.join("\n", shown) + (lines.size() > shown.size() ? "\n... and " + (lines.size() - shown.size()) + " more" : "");
        } catch (IOException | RuntimeException e) {
            return null; // not readable here: the engine says why in the Console
        }
    }

    private static final int ERRORS_SHOWN = 8;

    /** No workspace projects take part in a training run: there is nothing to build before it. */
    @Override
    public boolean buildForLaunch(ILaunchConfiguration configuration, String mode, IProgressMonitor monitor) {
        return false;
    }
}
