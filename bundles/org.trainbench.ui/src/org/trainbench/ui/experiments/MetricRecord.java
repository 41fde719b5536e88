package org.trainbench.ui.experiments;

import java.time.Instant;
import java.util.Map;

/**
 * One line of a run's {@code metrics.jsonl}, as the engine's {@code MetricsLog} writes it. Numbers the engine could
 * not write (NaN, infinities become JSON null) or did not write read as {@link Double#NaN}.
 */
public sealed interface MetricRecord {

    /** The step the line belongs to. */
    long step();

    /** When the engine wrote the line; null when the line has no (readable) {@code time}. */
    Instant time();

    /**
     * A {@code "type":"train"} line: means over the log interval that ended at {@code step}.
     *
     * @param consumedTokens tokens trained on so far, across resumes
     * @param elapsedSeconds training time so far, across resumes
     * @param memoryBytes    engine memory in use, or -1 when not written
     * @param peakDeviceMemoryBytes the most GPU memory the run has held so far, or -1 (CPU runs)
     * @param mfu            model-FLOPs utilization of the interval (GPU runs), or NaN
     */
    record Train(long step, long consumedTokens, double loss, double learningRate, double gradNorm, double tokensPerSecond,
            double elapsedSeconds, long memoryBytes, long peakDeviceMemoryBytes, double mfu, Instant time) implements MetricRecord {
    }

    /**
     * A {@code "type":"validation"} or {@code "type":"test"} line.
     *
     * @param name    the evaluator's name (the dataset name for test lines)
     * @param dataset the dataset evaluated
     */
    record Evaluation(String name, String dataset, boolean test, long step, long consumedTokens, double loss, Instant time)
            implements MetricRecord {
    }

    /**
     * A {@code "type":"event"} line: {@code started}, {@code checkpoint_saved}, {@code export_written}, {@code stopped},
     * {@code finished}, {@code failed}, or an event a newer engine writes.
     *
     * @param fields the whole line, for event-specific fields ({@code train_iters}, {@code path}, {@code message}...)
     */
    record Event(String event, long step, Instant time, Map<String, Object> fields) implements MetricRecord {
        public static final String STARTED = "started";
        public static final String CHECKPOINT_SAVED = "checkpoint_saved";
        public static final String EXPORT_WRITTEN = "export_written";
        public static final String STOPPED = "stopped";
        public static final String FINISHED = "finished";
        public static final String FAILED = "failed";

        public Event {
            fields = Map.copyOf(withoutNulls(fields));
        }

        /** Whether this event ends a run (for now: a later {@code started} begins a resumed one). */
        public boolean isTerminal() {
            return STOPPED.equals(event) || FINISHED.equals(event) || FAILED.equals(event);
        }

        /** A text field, or null. */
        public String text(String key) {
            return fields.get(key) instanceof String s ? s : null;
        }

        /** A numeric field, or null. */
        public Number number(String key) {
            return fields.get(key) instanceof Number n ? n : null;
        }

        private static Map<String, Object> withoutNulls(Map<String, Object> fields) {
            Map<String, Object> copy = new java.util.LinkedHashMap<>();
            fields.forEach((k, v) -> {
                if (v != null) {
                    copy.put(k, v);
                }
            });
            return copy;
        }
    }
}
