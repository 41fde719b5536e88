package org.trainbench.ui.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.trainbench.engine.run.MetricsRecord;

/**
 * Everything read so far from one run's metrics.jsonl: the training series, one series per evaluator (validation
 * names and the test set), and the events. Written by the thread that follows the file, read by any thread through
 * immutable {@link Series} views.
 */
public final class RunMetrics implements MetricsFollower.Sink {
    private static final int MAX_WARNINGS = 20;

    private GrowingSeries train = new GrowingSeries(Metric.values().length);
    private final Map<String, GrowingSeries> evaluations = new LinkedHashMap<>();
    private final List<MetricsRecord.Event> events = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private long malformedLines;
    private long generation;
    private double lastElapsed = Double.NaN;
    private java.time.Instant lastRecordTime;
    private java.time.Duration longestGap = java.time.Duration.ZERO;

    @Override
    public synchronized void restarted() {
        train = new GrowingSeries(Metric.values().length);
        evaluations.clear();
        events.clear();
        lastElapsed = Double.NaN;
        lastRecordTime = null;
        longestGap = java.time.Duration.ZERO;
        generation++;
    }

    @Override
    public synchronized void record(MetricsRecord record) {
        switch (record) {
            case MetricsRecord.Train t -> {
                train.append(t.step(), t.consumedTokens(), t.elapsedSeconds(), t.loss(), t.learningRate(), t.gradNorm(),
                        t.tokensPerSecond(), t.memoryBytes() < 0 ? Double.NaN : t.memoryBytes(),
                        t.peakMemoryBytes() < 0 ? Double.NaN : t.peakMemoryBytes(), t.mfu());
                lastElapsed = t.elapsedSeconds();
            }
            case MetricsRecord.Evaluation e -> evaluations.computeIfAbsent(e.test() ? MetricsRecord.TEST : e.name(),
                    k -> new GrowingSeries(Metric.EVALUATION_COLUMNS))
                    // Evaluation lines carry no elapsed time: they follow the train line of their step.
                    .append(e.step(), e.consumedTokens(), lastElapsed, e.loss());
            case MetricsRecord.Event e -> events.add(e);
        }
        if (record.time() != null) {
            if (lastRecordTime != null && record.time().isAfter(lastRecordTime)
                    && !(record instanceof MetricsRecord.Started)) {
                java.time.Duration gap = java.time.Duration.between(lastRecordTime, record.time());
                if (gap.compareTo(longestGap) > 0) {
                    longestGap = gap;
                }
            }
            lastRecordTime = record.time();
        }
        generation++;
    }

    @Override
    public synchronized void malformed(long lineNumber, String message) {
        malformedLines++;
        if (warnings.size() == MAX_WARNINGS) {
            warnings.removeFirst();
        }
        warnings.add(message);
    }

    /** The training series: one row per train line (a log interval). */
    public synchronized Series train() {
        return train.view();
    }

    /** Evaluation series by evaluator name, in the order they first appeared; the test set is named "test". */
    public synchronized Map<String, Series> evaluations() {
        Map<String, Series> views = new LinkedHashMap<>();
        evaluations.forEach((name, series) -> views.put(name, series.view()));
        return views;
    }

    public synchronized List<MetricsRecord.Event> events() {
        return List.copyOf(events);
    }

    /** The last few skipped lines' messages, oldest first. */
    public synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }

    public synchronized long malformedLines() {
        return malformedLines;
    }

    /**
     * The longest time between two consecutive lines of a running engine (a resume's pause does not count): how long
     * this run may legitimately stay silent, e.g. while writing a large checkpoint.
     */
    public synchronized java.time.Duration longestGap() {
        return longestGap;
    }

    /** Changes whenever anything was added or dropped: lets a chart skip redrawing an unchanged run. */
    public synchronized long generation() {
        return generation;
    }
}
