package org.trainbench.engine.train.distributed;

/**
 * A collective that failed: a peer closed its connection (its process ended), did not answer within
 * {@code model.distributed.timeout}, or called another collective. The message starts with this rank and the
 * operation, and names the peer, e.g. {@code rank 0: all_gather: no data from rank 1 for 5.0 s}.
 */
public final class CommunicatorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CommunicatorException(String message) {
        super(message);
    }

    public CommunicatorException(String message, Throwable cause) {
        super(message, cause);
    }
}
