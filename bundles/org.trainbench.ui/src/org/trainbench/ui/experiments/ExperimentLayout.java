package org.trainbench.ui.experiments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Names of the files and folders a run writes into its experiment directory (see docs/RUN_DIRECTORY.md). */
public final class ExperimentLayout {
    public static final String METRICS = "metrics.jsonl";
    public static final String RESOLVED_CONFIG = "config.resolved.yaml";
    public static final String CHECKPOINTS = "checkpoints";
    public static final String EXPORTS = "export";
    public static final String LOGS = "logs";
    public static final String TRAIN_LOG = LOGS + "/train.log";
    /**
     * In a folder of runs made by one sweep (not in a run directory): what was swept. Its runs are shown as a group
     * named after the folder.
     */
    public static final String SWEEP = "sweep.yaml";

    private ExperimentLayout() {
    }

    /** Whether a directory looks like an experiment directory: it holds metrics, a resolved config or checkpoints. */
    public static boolean isExperiment(Path directory) {
        return Files.isRegularFile(directory.resolve(METRICS)) || Files.isRegularFile(directory.resolve(RESOLVED_CONFIG))
                || Files.isDirectory(directory.resolve(CHECKPOINTS));
    }

    /** The sweep a run directory belongs to (the name of its folder when that holds {@value #SWEEP}), or null. */
    public static String sweepOf(Path directory) {
        Path folder = directory.toAbsolutePath().normalize().getParent();
        return folder != null && folder.getFileName() != null && Files.isRegularFile(folder.resolve(SWEEP))
                ? folder.getFileName().toString() : null;
    }

    /** Reads the resolved config, or null when the run has not written it. */
    public static String resolvedConfig(Path directory) throws IOException {
        Path file = directory.resolve(RESOLVED_CONFIG);
        return Files.isRegularFile(file) ? Files.readString(file) : null;
    }
}
