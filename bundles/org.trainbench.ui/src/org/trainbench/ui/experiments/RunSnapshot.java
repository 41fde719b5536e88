package org.trainbench.ui.experiments;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the Experiments view shows for a run at one refresh.
 *
 * @param name            the run's name: its directory relative to the experiments root, or the directory's name
 * @param detail          why the status is what it is, when that is worth saying (a failure message); may be null
 * @param step            the last step logged, 0 before the first
 * @param trainIters      the run's {@code training.train_iters}, or 0 when not known yet
 * @param lastLoss        the training loss of the last log interval; NaN before the first
 * @param tokensPerSecond throughput of the last log interval; NaN before the first
 * @param eta             time left at the recent pace; null unless running with a known pace
 * @param lastActivity    when anything in the run's metrics or log last changed; null if never
 * @param malformedLines  metrics lines skipped so far
 * @param logTail         the last lines of {@code logs/train.log} for a failed run; empty otherwise
 */
public record RunSnapshot(Path directory, String name, RunStatus status, String detail, long step, long trainIters, double lastLoss,
        double tokensPerSecond, Duration eta, Instant lastActivity, long malformedLines, List<String> logTail) {

    public RunSnapshot {
        logTail = List.copyOf(logTail);
    }

    /** Fraction of train_iters done, in [0, 1], or NaN when train_iters is not known. */
    public double progress() {
        return trainIters > 0 ? Math.min(1.0, (double) step / trainIters) : Double.NaN;
    }
}
