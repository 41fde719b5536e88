package org.trainbench.engine.cli;

/** Exit codes shared by all `trainbench` commands. */
public final class ExitCodes {
    /** Success, or a validation that found no errors. */
    public static final int OK = 0;
    /** The command ran and found errors in its input (validation errors, a failed run). */
    public static final int FAILED = 1;
    /** Wrong usage or an I/O problem (missing file, unreadable input). */
    public static final int USAGE = 2;
    /** The command exists in the interface but its capability is not built yet. */
    public static final int NOT_IMPLEMENTED = 3;
    /**
     * The chosen backend cannot run here: no NVIDIA driver, no GPU, a missing CUDA library, a CUDA version too old, or
     * not enough device memory for the config. The message names what is missing and how to point at it.
     */
    public static final int BACKEND_UNAVAILABLE = 4;

    private ExitCodes() {
    }
}
