package org.trainbench.ui.experiments;

/** Where a run stands, as far as its experiment directory (and the engine process, when known) tells. */
public enum RunStatus {
    /**
     * Its config is written (a new experiment) but no engine has started it: the directory is absent or holds nothing
     * an engine writes, and no process launched here trains in it.
     */
    NOT_STARTED("not started"),
    /** The directory exists but the engine has not written its {@code started} event yet. */
    WAITING("waiting"),
    RUNNING("running"),
    FINISHED("finished"),
    /** Stopped on request after writing a checkpoint; running the same config again resumes it. */
    STOPPED("stopped"),
    /** The engine reported a failure, or its process ended (or fell silent) without saying how the run ended. */
    FAILED("failed"),
    /** The directory was deleted or moved away while shown. */
    MISSING("missing");

    private final String label;

    RunStatus(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
