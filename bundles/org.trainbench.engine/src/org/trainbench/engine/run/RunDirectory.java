package org.trainbench.engine.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The names inside a run's {@code run.experiment_dir}, declared once for everything that writes or reads it: the
 * trainer, the CLI commands, the workbench's views and launches (docs/RUN_DIRECTORY.md).
 *
 * <pre>
 * &lt;experiment_dir&gt;/
 *   config.resolved.yaml
 *   metrics.jsonl
 *   logs/train.log
 *   checkpoints/step-N/      (see {@link StepDirectory})
 *   export/step-N/
 *   .trainbench-lock
 * </pre>
 *
 * @param root the experiment directory
 */
public record RunDirectory(Path root) {
    /** The config as the run resolved it, every default filled in; rewritten at every start. */
    public static final String RESOLVED_CONFIG = "config.resolved.yaml";
    /** One JSON object per line, appended and flushed line by line ({@link MetricsLog}, {@link MetricsRecord}). */
    public static final String METRICS = "metrics.jsonl";
    /** The folder of the run's log files. */
    public static final String LOGS = "logs";
    /** The messages the run printed, appended; in {@link #LOGS}. */
    public static final String TRAIN_LOG = "train.log";
    /** The folder of the run's checkpoints, one {@link StepDirectory} each. */
    public static final String CHECKPOINTS = "checkpoints";
    /** The folder of the run's exports ({@code training.export}), one {@link StepDirectory} each. */
    public static final String EXPORTS = "export";
    /** Held by the running trainer; names its pid, host and start time. */
    public static final String LOCK = ".trainbench-lock";
    /**
     * In a folder of runs made by one sweep (the folder, not a run directory): what was swept. The workbench shows its
     * runs as a group named after the folder.
     */
    public static final String SWEEP = "sweep.yaml";

    public RunDirectory {
        java.util.Objects.requireNonNull(root, "root");
    }

    public static RunDirectory of(Path root) {
        return new RunDirectory(root);
    }

    public Path resolvedConfig() {
        return root.resolve(RESOLVED_CONFIG);
    }

    public Path metrics() {
        return root.resolve(METRICS);
    }

    public Path logs() {
        return root.resolve(LOGS);
    }

    public Path trainLog() {
        return logs().resolve(TRAIN_LOG);
    }

    public Path checkpoints() {
        return root.resolve(CHECKPOINTS);
    }

    public Path exports() {
        return root.resolve(EXPORTS);
    }

    public Path lock() {
        return root.resolve(LOCK);
    }

    /** {@code checkpoints/step-N}. */
    public Path checkpoint(long step) {
        return checkpoints().resolve(StepDirectory.name(step));
    }

    /** {@code export/step-N}. */
    public Path export(long step) {
        return exports().resolve(StepDirectory.name(step));
    }

    /** A path inside this directory as metrics.jsonl names it: relative, with '/' whatever the platform. */
    public String relative(Path inside) {
        return root.relativize(inside).toString().replace(java.io.File.separatorChar, '/');
    }

    /** Whether a directory looks like a run's: it holds metrics, a resolved config or checkpoints. */
    /** The sweep this run belongs to: the name of its folder when that holds {@value #SWEEP}, or null. */
    public String sweep() {
        Path folder = root.toAbsolutePath().normalize().getParent();
        return folder != null && folder.getFileName() != null && Files.isRegularFile(folder.resolve(SWEEP))
                ? folder.getFileName().toString() : null;
    }

    public boolean holdsRun() {
        return Files.isRegularFile(metrics()) || Files.isRegularFile(resolvedConfig()) || Files.isDirectory(checkpoints());
    }

    /** The resolved config's text, or null when the run has not written it. */
    public String readResolvedConfig() throws IOException {
        Path file = resolvedConfig();
        return Files.isRegularFile(file) ? Files.readString(file) : null;
    }
}
