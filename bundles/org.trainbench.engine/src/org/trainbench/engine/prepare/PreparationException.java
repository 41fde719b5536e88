package org.trainbench.engine.prepare;

/** A problem that stops {@code trainbench prepare}; the message names the file, line or key and what to do. */
public final class PreparationException extends RuntimeException {
    public PreparationException(String message) {
        super(message);
    }
}
