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

    private ExitCodes() {
    }
}
