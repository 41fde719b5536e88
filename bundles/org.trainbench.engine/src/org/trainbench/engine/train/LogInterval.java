package org.trainbench.engine.train;

import org.trainbench.engine.run.MetricsRecord;
import org.trainbench.engine.train.backend.ModelBackend;

/**
 * The steps since the previous {@code train} line of metrics.jsonl, which is written every {@code logs.interval} steps
 * and at the last step: their summed loss, tokens and bytes sent, to be averaged over the interval.
 */
final class LogInterval {
    private final double flopsPerToken;
    private final boolean distributed;
    private long start;
    private long tokens;
    private double lossSum;
    private int steps;
    private long sentBytes;

    /**
     * @param flopsPerToken training FLOPs per token of the model, for the MFU of backends that know their peak
     * @param distributed   several workers: the line says what rank 0 sent per step
     * @param start         {@link System#nanoTime()} when the first interval starts
     */
    LogInterval(double flopsPerToken, boolean distributed, long start) {
        this.flopsPerToken = flopsPerToken;
        this.distributed = distributed;
        this.start = start;
    }

    void add(long stepTokens, double loss, long stepSentBytes) {
        tokens += stepTokens;
        lossSum += loss;
        steps++;
        sentBytes += stepSentBytes;
    }

    /** The train line of the interval that ends now, after {@code step}; the next interval starts now. */
    MetricsRecord.Train close(long now, long step, long consumedTokens, double learningRate, double gradientNorm, double elapsed,
            ModelBackend backend) {
        double seconds = (now - start) / 1e9;
        double tokensPerSecond = seconds > 0 ? tokens / seconds : 0.0;
        MetricsRecord.Train line = new MetricsRecord.Train(MetricsRecord.now(), step, consumedTokens, lossSum / steps, learningRate,
                gradientNorm, tokensPerSecond, elapsed, Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory(),
                backend.peakMemoryBytes() >= 0 ? backend.peakMemoryBytes() : -1,
                backend.peakFlops() > 0 ? tokensPerSecond * flopsPerToken / backend.peakFlops() : Double.NaN, steps,
                distributed ? sentBytes / steps : -1);
        sentBytes = 0;
        start = now;
        tokens = 0;
        lossSum = 0;
        steps = 0;
        return line;
    }
}
