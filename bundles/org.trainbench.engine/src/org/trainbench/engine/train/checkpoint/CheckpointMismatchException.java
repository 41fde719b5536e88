package org.trainbench.engine.train.checkpoint;

/**
 * A complete, intact checkpoint that does not fit this run (another model shape, another data layout): not something
 * to fall back from silently, the config or the experiment directory must change.
 */
public final class CheckpointMismatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CheckpointMismatchException(String message) {
        super(message);
    }
}
