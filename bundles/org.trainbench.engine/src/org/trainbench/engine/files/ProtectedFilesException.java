package org.trainbench.engine.files;

/**
 * Trainbench refused, before changing anything, to delete, overwrite or share files that the user owns or that it
 * cannot trust: an output folder that holds the inputs, a run directory another trainer is using, a run whose every
 * checkpoint is corrupt. The message names the files and says how to go ahead on purpose. The CLI exits with
 * {@code ExitCodes.REFUSED}; docs/FILES.md lists the cases.
 */
public final class ProtectedFilesException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProtectedFilesException(String message) {
        super(message);
    }
}
