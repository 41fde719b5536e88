package org.trainbench.engine.cli;

/** Exit codes shared by all `trainbench` commands (docs/ENGINE-CLI.md lists them with the cases). */
public final class ExitCodes {
    /** Success, or a validation that found no errors. */
    public static final int OK = 0;
    /** The command ran and found errors in its input (validation errors, a failed run, a corrupt file). */
    public static final int FAILED = 1;
    /** Wrong usage or an I/O problem (missing file, unreadable input). */
    public static final int USAGE = 2;
    /** The command exists in the interface but its capability is not built yet. */
    public static final int NOT_IMPLEMENTED = 3;
    /**
     * Refused, before changing anything, to delete, overwrite or share files the user owns or that cannot be trusted:
     * a prepare output_path that holds inputs or files prepare did not write, a run directory in use by another
     * trainer, a run whose every checkpoint is corrupt (docs/FILES.md).
     */
    public static final int REFUSED = 4;
    /**
     * The chosen backend cannot run here: no NVIDIA driver, no GPU, a missing CUDA library, a CUDA version too old, or
     * not enough device memory for the config. The message names what is missing and how to point at it (docs/GPU.md).
     */
    public static final int BACKEND_UNAVAILABLE = 5;
    /** A fault in Trainbench itself: the message names it; {@code --debug} prints the Java stack trace to report. */
    public static final int INTERNAL_ERROR = 70;

    private ExitCodes() {
    }
}
