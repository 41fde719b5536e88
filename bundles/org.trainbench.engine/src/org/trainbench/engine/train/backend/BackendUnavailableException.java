package org.trainbench.engine.train.backend;

/**
 * A backend cannot run here or cannot run this config: no driver, no GPU, a missing library, a feature it lacks, or
 * not enough device memory. The message names what is missing and what to do; nothing was trained.
 */
public final class BackendUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
