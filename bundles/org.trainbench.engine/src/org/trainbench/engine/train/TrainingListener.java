package org.trainbench.engine.train;

/** What a run reports while it goes: the CLI prints it, tests record it. All methods have empty defaults. */
public interface TrainingListener {

    /** A line for the user (resumed from, skipped documents, checkpoint written...). */
    default void message(String text) {
    }

    /**
     * A training step finished.
     *
     * @param loss         the step's loss, mean over its counted targets
     * @param tokensPerSecond input tokens per second over the last step
     */
    default void stepFinished(long step, long trainIters, double loss, double learningRate, double gradientNorm, double tokensPerSecond,
            double elapsedSeconds) {
    }

    /** An evaluation finished. */
    default void evaluated(String name, long step, double loss) {
    }
}
