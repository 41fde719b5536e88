package org.trainbench.launch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.eclipse.core.runtime.CoreException;
import org.eclipse.core.runtime.IProgressMonitor;
import org.trainbench.engine.run.RunDirectory;

/**
 * One {@code trainbench export} of a checkpoint to a Hugging Face Llama directory, run in an engine JVM of its own as
 * training is (a large model's export needs the heap of its run, and a crash must not take the workbench down).
 *
 * <p>The engine writes the export into a hidden staging folder beside the target and renames it into place, so the
 * target is absent or complete. When the export is cancelled, or the JVM dies before it can clean up, the staging
 * folder it leaves and an {@code export/} folder made for it alone are removed here, so no partial export remains.
 *
 * @param experimentDir the run's directory; the engine runs there
 * @param checkpoint    {@code EXPERIMENT/checkpoints/step-N}
 * @param target        the directory to write
 * @param dtype         the weights' type
 * @param overwrite     replace a non-empty target
 */
public record CheckpointExport(Path experimentDir, Path checkpoint, Path target, ExportDtype dtype, boolean overwrite) {

    /** The JVM's notice that the Vector API is an incubator module: no news to a user, so not shown as engine output. */
    private static final String INCUBATOR_NOTICE = "WARNING: Using incubator modules";

    public CheckpointExport {
        experimentDir = experimentDir.toAbsolutePath().normalize();
        checkpoint = checkpoint.toAbsolutePath().normalize();
        target = target.toAbsolutePath().normalize();
    }

    /**
     * Where an export of {@code checkpoint} goes unless the user says otherwise: {@code EXPERIMENT/export/step-N}, as
     * the engine names the exports it writes during training; when that exists and is not empty (the run exported
     * that step itself), {@code step-N-2}, {@code step-N-3}... Reads the file system: call it off the UI thread.
     */
    public static Path defaultTarget(Path experimentDir, Path checkpoint) {
        Path exports = RunDirectory.of(experimentDir.toAbsolutePath().normalize()).exports();
        String name = checkpoint.getFileName().toString();
        Path candidate = exports.resolve(name);
        for (int n = 2; isNonEmptyDirectory(candidate) || Files.isRegularFile(candidate); n++) {
            candidate = exports.resolve(name + "-" + n);
        }
        return candidate;
    }

    /** Whether the target already holds files that the export would replace. */
    public boolean targetHasFiles() {
        return isNonEmptyDirectory(target);
    }

    /** This export with {@code --overwrite}. */
    public CheckpointExport overwriting() {
        return new CheckpointExport(experimentDir, checkpoint, target, dtype, true);
    }

    /**
     * The engine command line: the Java runtime, heap and JVM options of {@code training} (the launch configuration
     * that trains this run) when there is one, else the workbench's runtime; the engine classpath as a CPU run has it.
     */
    public EngineCommandLine commandLine(TrainingRunSettings training) throws CoreException {
        TrainingRunSettings settings = training != null ? training : TrainingRunSettings.forConfig("");
        return new EngineCommandLine(TrainingRunDelegate.javaRuntime(settings).executable(),
                EngineClasspath.resolve(Backend.CPU), TrainingRunDelegate.jvmArguments(settings),
                EngineCommandLine.exportArguments(checkpoint, target, dtype, overwrite));
    }

    /**
     * How an export ended.
     *
     * @param exitCode the engine's exit code; -1 when it did not start or was cancelled
     * @param output   what the engine printed (stdout and stderr as they came), without the JVM's incubator notice
     */
    public record Outcome(int exitCode, boolean cancelled, List<String> output) {
        public Outcome {
            output = List.copyOf(output);
        }

        public boolean succeeded() {
            return exitCode == 0 && !cancelled;
        }

        /** The engine's own words, one line each. */
        public String message() {
            return String.join("\n", output);
        }
    }

    /**
     * Starts the engine, waits for it while reporting its output as the monitor's subtask, and kills it when the
     * monitor is cancelled. Never throws for a failed export: the outcome says what the engine said.
     */
    public Outcome run(EngineCommandLine commandLine, IProgressMonitor monitor) {
        Path parent = target.getParent();
        boolean parentExisted = Files.isDirectory(parent);
        Set<Path> stagingBefore = stagingFolders(parent);
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        Process process;
        try {
            process = new ProcessBuilder(commandLine.toArgv()).directory(experimentDir.toFile()).redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            return new Outcome(-1, false, List.of("The engine JVM did not start (" + commandLine.javaExecutable() + "): "
                    + e.getMessage()));
        }
        try {
            process.getOutputStream().close(); // the engine reads no input
        } catch (IOException e) {
            // Nothing was to be written to it anyway.
        }
        Thread reader = Thread.ofPlatform().daemon().name("trainbench export output").start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (!line.startsWith(INCUBATOR_NOTICE)) {
                        output.add(line);
                    }
                }
            } catch (IOException e) {
                output.add("(the engine's output could not be read: " + e.getMessage() + ")");
            }
        });
        boolean cancelled = false;
        int shown = 0;
        try {
            while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
                if (monitor.isCanceled()) {
                    cancelled = true;
                    break;
                }
                synchronized (output) {
                    if (output.size() > shown) {
                        shown = output.size();
                        monitor.subTask(output.get(shown - 1));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancelled = true;
        }
        if (cancelled) {
            kill(process);
        }
        try {
            reader.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int exitCode = cancelled ? -1 : process.exitValue();
        if (exitCode != 0) {
            removeLeftovers(parent, parentExisted, stagingBefore, output);
        }
        return new Outcome(exitCode, cancelled, new ArrayList<>(output));
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The engine's staging folders for this target: {@code .NAME.export-*} beside it (ExportCommand's naming). */
    private Set<Path> stagingFolders(Path parent) {
        Set<Path> found = new HashSet<>();
        if (!Files.isDirectory(parent)) {
            return found;
        }
        String prefix = "." + target.getFileName() + ".export-";
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, p -> p.getFileName().toString().startsWith(prefix))) {
            entries.forEach(found::add);
        } catch (IOException e) {
            // Unreadable parent: the engine fails on it too and says so.
        }
        return found;
    }

    private void removeLeftovers(Path parent, boolean parentExisted, Set<Path> stagingBefore, List<String> output) {
        try {
            for (Path staging : stagingFolders(parent)) {
                if (!stagingBefore.contains(staging)) {
                    deleteTree(staging);
                }
            }
            if (!parentExisted && Files.isDirectory(parent) && !isNonEmptyDirectory(parent)) {
                Files.delete(parent);
            }
        } catch (IOException e) {
            output.add("(could not remove the partial export in " + parent + ": " + e.getMessage() + "; delete it by hand)");
        }
    }

    private static boolean isNonEmptyDirectory(Path directory) {
        if (!Files.isDirectory(directory)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isPresent();
        } catch (IOException e) {
            return true; // unreadable: do not offer it as empty
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
