package org.trainbench.engine.train;

/**
 * How a run ended.
 *
 * @param status      finished all steps, stopped on request (resumable), or failed
 * @param step        steps completed
 * @param lastLoss    training loss of the last step (NaN if none)
 * @param message     for a failure, what went wrong and what to do; otherwise a short summary
 * @param checkpoint  the checkpoint written last by this run, or null
 */
public record RunOutcome(Status status, long step, double lastLoss, String message, java.nio.file.Path checkpoint) {
    public enum Status {
        FINISHED, STOPPED, FAILED
    }
}
