package org.trainbench.engine.run;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import org.trainbench.engine.json.Json;

/**
 * One line of a run's {@code metrics.jsonl} (docs/RUN_DIRECTORY.md), written by the trainer ({@link #toJson()} through
 * {@link MetricsLog}) and read back by the same code ({@link #parse}) in the workbench's views, the demo's loss plot and
 * tests. Every line has {@code type} and {@code time}.
 *
 * <p>Reading is lenient about what older engines did not write: a missing number reads as NaN (reals), -1 or 0
 * (counts, as each field says), a missing text as null. A value of the wrong JSON type, or a train or evaluation line
 * without its step, is a {@link MalformedLineException}; a line of a type this engine does not know reads as null, and
 * an event it does not know as {@link OtherEvent}, so a newer engine's directory still loads.
 */
public sealed interface MetricsRecord {
    /** The {@code type} of a line. */
    String TRAIN = "train";
    String VALIDATION = "validation";
    String TEST = "test";
    String EVENT = "event";

    /** The step the line belongs to. */
    long step();

    /** When the engine wrote the line (milliseconds); null when the line has no readable {@code time}. */
    Instant time();

    /** The line as JSON, keys in the order they are written. */
    Map<String, Object> toJson();

    /** The time to stamp a line written now. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * A {@code "type":"train"} line: the log interval that ended at {@code step}.
     *
     * @param consumedTokens  input positions trained on so far, across resumes
     * @param loss            mean training loss over the interval's steps
     * @param learningRate    the rate of step {@code step}
     * @param gradNorm        the gradients' global L2 norm at step {@code step}, before clipping
     * @param elapsedSeconds  training time so far, across resumes
     * @param memoryBytes     Java heap in use, or -1 when not written
     * @param peakMemoryBytes the most device memory the run has held (GPU backends), or -1
     * @param mfu             model-FLOPs utilization of the interval (GPU backends), or NaN
     * @param stepsAveraged   steps averaged in {@code loss}, or -1 when not written
     * @param sentBytesPerStep with several workers: bytes rank 0 sent per step, or -1
     */
    record Train(Instant time, long step, long consumedTokens, double loss, double learningRate, double gradNorm, double tokensPerSecond,
            double elapsedSeconds, long memoryBytes, long peakMemoryBytes, double mfu, long stepsAveraged, long sentBytesPerStep)
            implements MetricsRecord {
        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> json = start(TRAIN, time);
            json.put(MetricsKeys.STEP, step);
            json.put(MetricsKeys.CONSUMED_TOKENS, consumedTokens);
            json.put(MetricsKeys.LOSS, loss);
            json.put(MetricsKeys.LR, learningRate);
            json.put(MetricsKeys.GRAD_NORM, gradNorm);
            json.put(MetricsKeys.TOKENS_PER_S, tokensPerSecond);
            json.put(MetricsKeys.ELAPSED_S, elapsedSeconds);
            putIfKnown(json, MetricsKeys.MEMORY_BYTES, memoryBytes);
            putIfKnown(json, MetricsKeys.PEAK_MEMORY_BYTES, peakMemoryBytes);
            if (!Double.isNaN(mfu)) {
                json.put(MetricsKeys.MFU, mfu);
            }
            putIfKnown(json, MetricsKeys.STEPS_AVERAGED, stepsAveraged);
            putIfKnown(json, MetricsKeys.SENT_BYTES_PER_STEP, sentBytesPerStep);
            return json;
        }

        static Train read(MetricsLine line) throws MalformedLineException {
            return new Train(line.time(), line.step(), line.integer(MetricsKeys.CONSUMED_TOKENS, 0), line.real(MetricsKeys.LOSS), line.real(MetricsKeys.LR),
                    line.real(MetricsKeys.GRAD_NORM), line.real(MetricsKeys.TOKENS_PER_S), line.real(MetricsKeys.ELAPSED_S), line.integer(MetricsKeys.MEMORY_BYTES, -1),
                    line.integer(MetricsKeys.PEAK_MEMORY_BYTES, -1), line.real(MetricsKeys.MFU), line.integer(MetricsKeys.STEPS_AVERAGED, -1),
                    line.integer(MetricsKeys.SENT_BYTES_PER_STEP, -1));
        }
    }

    /**
     * A {@code "type":"validation"} line (an evaluator ran) or a {@code "type":"test"} line (the test set, after the last
     * step).
     *
     * @param name           the evaluator's name; for a test line (which does not write it) the dataset's
     * @param dataset        the dataset evaluated
     * @param loss           mean loss over all counted targets
     * @param iterations     batches evaluated, or -1 when not written
     * @param countedTokens  targets counted in the loss, or -1 when not written
     * @param consumedTokens training tokens consumed at that point
     * @param durationSeconds wall time of the evaluation, or NaN when not written
     */
    record Evaluation(Instant time, boolean test, long step, String name, String dataset, double loss, long iterations, long countedTokens,
            long consumedTokens, double durationSeconds) implements MetricsRecord {
        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> json = start(test ? TEST : VALIDATION, time);
            json.put(MetricsKeys.STEP, step);
            if (!test) {
                json.put(MetricsKeys.NAME, name);
            }
            json.put(MetricsKeys.DATASET, dataset);
            json.put(MetricsKeys.LOSS, loss);
            putIfKnown(json, MetricsKeys.ITERATIONS, iterations);
            putIfKnown(json, MetricsKeys.COUNTED_TOKENS, countedTokens);
            json.put(MetricsKeys.CONSUMED_TOKENS, consumedTokens);
            if (!Double.isNaN(durationSeconds)) {
                json.put(MetricsKeys.DURATION_S, durationSeconds);
            }
            return json;
        }

        static Evaluation read(MetricsLine line, boolean test) throws MalformedLineException {
            String dataset = line.text(MetricsKeys.DATASET);
            String name = test ? null : line.text(MetricsKeys.NAME);
            if (name == null) {
                name = dataset != null ? dataset : test ? TEST : VALIDATION;
            }
            return new Evaluation(line.time(), test, line.step(), name, dataset == null ? name : dataset, line.real(MetricsKeys.LOSS),
                    line.integer(MetricsKeys.ITERATIONS, -1), line.integer(MetricsKeys.COUNTED_TOKENS, -1), line.integer(MetricsKeys.CONSUMED_TOKENS, 0),
                    line.real(MetricsKeys.DURATION_S));
        }
    }

    /** A {@code "type":"event"} line: every event has its name and the steps completed when it happened. */
    sealed interface Event extends MetricsRecord {
        /** The {@code event} field. */
        String event();

        /** Whether this event ends a run segment (a later {@link Started} begins a resumed one). */
        default boolean isTerminal() {
            return this instanceof Stopped || this instanceof Finished || this instanceof Failed;
        }
    }

    /**
     * A run segment started.
     *
     * @param trainIters      the run's {@code training.train_iters}, 0 when not written
     * @param resumedFromStep the checkpoint's step it resumed from, or null for a fresh start
     * @param tokensPerStep   input positions per step, 0 when not written (as the counts before it)
     * @param backend         what computes the steps, or null (older engines)
     * @param workers         data-parallel workers, or null for one process
     * @param zeroStage       the ZeRO stage of several workers, or null
     * @param pid             the engine's process id, or null (older engines): with {@code host}, a reader tells a killed
     *                        run from a quiet one
     * @param datasets        each dataset's description and skipped documents, by name
     */
    record Started(Instant time, long step, long trainIters, Long resumedFromStep, long batchSize, long sequenceLength, long tokensPerStep,
            long parameters, String backend, Integer workers, Integer zeroStage, Long pid, String host, Map<String, DatasetSummary> datasets)
            implements Event {
        public static final String EVENT = "started";

        public Started {
            datasets = datasets == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(datasets));
        }

        @Override
        public String event() {
            return EVENT;
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> json = startEvent(EVENT, time, step);
            json.put(MetricsKeys.TRAIN_ITERS, trainIters);
            json.put(MetricsKeys.RESUMED_FROM_STEP, resumedFromStep);
            json.put(MetricsKeys.BATCH_SIZE, batchSize);
            json.put(MetricsKeys.SEQUENCE_LENGTH, sequenceLength);
            json.put(MetricsKeys.TOKENS_PER_STEP, tokensPerStep);
            json.put(MetricsKeys.PARAMETERS, parameters);
            putIfPresent(json, MetricsKeys.BACKEND, backend);
            putIfPresent(json, MetricsKeys.WORKERS, workers);
            putIfPresent(json, MetricsKeys.ZERO_STAGE, zeroStage);
            putIfPresent(json, MetricsKeys.PID, pid);
            putIfPresent(json, MetricsKeys.HOST, host);
            Map<String, Object> summaries = new LinkedHashMap<>();
            datasets.forEach((name, summary) -> summaries.put(name, summary.toJson()));
            json.put(MetricsKeys.DATASETS, summaries);
            return json;
        }

        static Started read(MetricsLine line) throws MalformedLineException {
            Map<String, DatasetSummary> datasets = new LinkedHashMap<>();
            if (line.json().get(MetricsKeys.DATASETS) instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    if (entry.getValue() instanceof Map<?, ?> summary) {
                        datasets.put(String.valueOf(entry.getKey()), new DatasetSummary(
                                summary.get(MetricsKeys.DESCRIPTION) instanceof String s ? s : null,
                                summary.get(MetricsKeys.SKIPPED_DOCUMENTS) instanceof Number n ? n.longValue() : 0));
                    }
                }
            }
            Long resumed = line.json().get(MetricsKeys.RESUMED_FROM_STEP) == null ? null : line.integer(MetricsKeys.RESUMED_FROM_STEP, 0);
            Long pid = line.json().get(MetricsKeys.PID) == null ? null : line.integer(MetricsKeys.PID, 0);
            Integer workers = line.json().get(MetricsKeys.WORKERS) == null ? null : (int) line.integer(MetricsKeys.WORKERS, 1);
            Integer zeroStage = line.json().get(MetricsKeys.ZERO_STAGE) == null ? null : (int) line.integer(MetricsKeys.ZERO_STAGE, 0);
            return new Started(line.time(), line.eventStep(), line.integer(MetricsKeys.TRAIN_ITERS, 0), resumed, line.integer(MetricsKeys.BATCH_SIZE, 0),
                    line.integer(MetricsKeys.SEQUENCE_LENGTH, 0), line.integer(MetricsKeys.TOKENS_PER_STEP, 0), line.integer(MetricsKeys.PARAMETERS, 0),
                    line.text(MetricsKeys.BACKEND), workers, zeroStage, pid, line.text(MetricsKeys.HOST), datasets);
        }
    }

    /**
     * What a run segment found in one dataset.
     *
     * @param skippedDocuments documents longer than {@code sequence_length + 1} tokens, never used without truncation
     */
    record DatasetSummary(String description, long skippedDocuments) {
        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put(MetricsKeys.DESCRIPTION, description);
            json.put(MetricsKeys.SKIPPED_DOCUMENTS, skippedDocuments);
            return json;
        }
    }

    /**
     * A checkpoint is complete on disk.
     *
     * @param path            relative to the run directory, e.g. {@code checkpoints/step-200}
     * @param durationSeconds how long the save took, or NaN when not written
     */
    record CheckpointSaved(Instant time, long step, String path, double durationSeconds) implements Event {
        public static final String EVENT = "checkpoint_saved";

        @Override
        public String event() {
            return EVENT;
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> json = startEvent(EVENT, time, step);
            json.put(MetricsKeys.PATH, path);
            if (!Double.isNaN(durationSeconds)) {
                json.put(MetricsKeys.DURATION_S, durationSeconds);
            }
            return json;
        }

        static CheckpointSaved read(MetricsLine line) throws MalformedLineException {
            return new CheckpointSaved(line.time(), line.eventStep(), line.text(MetricsKeys.PATH), line.real(MetricsKeys.DURATION_S));
        }
    }

    /**
     * An export is complete on disk.
     *
     * @param format {@code training.export.format}
     * @param path   relative to the run directory, e.g. {@code export/step-600}
     */
    record ExportWritten(Instant time, long step, String format, String path) implements Event {
        public static final String EVENT = "export_written";

        @Override
        public String event() {
            return EVENT;
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> json = startEvent(EVENT, time, step);
            json.put(MetricsKeys.FORMAT, format);
            json.put(MetricsKeys.PATH, path);
            return json;
        }

        static ExportWritten read(MetricsLine line) throws MalformedLineException {
            return new ExportWritten(line.time(), line.eventStep(), line.text(MetricsKeys.FORMAT), line.text(MetricsKeys.PATH));
        }
    }

    /**
     * Stopped on request; resumable.
     *
     * @param checkpoint the checkpoint written on stopping, relative to the run directory
     */
    record Stopped(Instant time, long step, String reason, String checkpoint) implements Event {
        public static final String EVENT = "stopped";

        @Override
        public String event() {
            return EVENT;
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> json = startEvent(EVENT, time, step);
            json.put(MetricsKeys.REASON, reason);
            json.put(MetricsKeys.CHECKPOINT, checkpoint);
            return json;
        }

        static Stopped read(MetricsLine line) throws MalformedLineException {
            return new Stopped(line.time(), line.eventStep(), line.text(MetricsKeys.REASON), line.text(MetricsKeys.CHECKPOINT));
        }
    }

    /**
     * All {@code train_iters} steps are done.
     *
     * @param loss           the last step's loss; null when the segment trained nothing (evaluation only, or a run
     *                       completed before), which then writes neither this nor {@code consumedTokens}
     * @param consumedTokens tokens consumed at the end, or null as {@code loss}
     */
    record Finished(Instant time, long step, Double loss, Long consumedTokens) implements Event {
        public static final String EVENT = "finished";

        @Override
        public String event() {
            return EVENT;
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> json = startEvent(EVENT, time, step);
            if (loss != null) {
                json.put(MetricsKeys.LOSS, loss);
            }
            putIfPresent(json, MetricsKeys.CONSUMED_TOKENS, consumedTokens);
            return json;
        }

        static Finished read(MetricsLine line) throws MalformedLineException {
            Double loss = line.json().containsKey(MetricsKeys.LOSS) ? line.real(MetricsKeys.LOSS) : null;
            Long consumed = line.json().get(MetricsKeys.CONSUMED_TOKENS) == null ? null : line.integer(MetricsKeys.CONSUMED_TOKENS, 0);
            return new Finished(line.time(), line.eventStep(), loss, consumed);
        }
    }

    /**
     * The run stopped on an error.
     *
     * @param message what happened and which checkpoint is intact
     */
    record Failed(Instant time, long step, String message, long consumedTokens) implements Event {
        public static final String EVENT = "failed";

        @Override
        public String event() {
            return EVENT;
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> json = startEvent(EVENT, time, step);
            json.put(MetricsKeys.MESSAGE, message);
            json.put(MetricsKeys.CONSUMED_TOKENS, consumedTokens);
            return json;
        }

        static Failed read(MetricsLine line) throws MalformedLineException {
            return new Failed(line.time(), line.eventStep(), line.text(MetricsKeys.MESSAGE), line.integer(MetricsKeys.CONSUMED_TOKENS, 0));
        }
    }

    /**
     * An event this engine does not write (a newer engine's), kept whole.
     *
     * @param fields the whole line, without null values
     */
    record OtherEvent(Instant time, long step, String event, Map<String, Object> fields) implements Event {
        public OtherEvent {
            Map<String, Object> copy = new LinkedHashMap<>();
            fields.forEach((k, v) -> {
                if (v != null) {
                    copy.put(k, v);
                }
            });
            fields = java.util.Collections.unmodifiableMap(copy);
        }

        @Override
        public Map<String, Object> toJson() {
            Map<String, Object> json = startEvent(event, time, step);
            fields.forEach(json::putIfAbsent);
            return json;
        }
    }

    /** A line that is not a metrics record; the message names the line and which field is wrong and how. */
    final class MalformedLineException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedLineException(String message) {
            super(message);
        }
    }

    /**
     * Reads one line.
     *
     * @param source names the line in messages, e.g. {@code /runs/a/metrics.jsonl:17}
     * @return the record, or null for a line of a type this engine does not know (a newer engine's)
     * @throws MalformedLineException when the line is not JSON, or a known type lacks its step or has a field of the
     *                                wrong type
     */
    static MetricsRecord parse(String text, String source) throws MalformedLineException {
        Map<String, Object> json;
        try {
            json = Json.parseObject(text, source);
        } catch (IllegalArgumentException e) {
            throw new MalformedLineException(e.getMessage());
        }
        if (!(json.get(MetricsKeys.TYPE) instanceof String type)) {
            throw new MalformedLineException(source + ": expected a \"" + MetricsKeys.TYPE + "\" text field (" + TRAIN + ", " + VALIDATION + ", "
                    + TEST + " or " + EVENT + ")");
        }
        MetricsLine line = new MetricsLine(json, source);
        return switch (type) {
            case TRAIN -> Train.read(line);
            case VALIDATION -> Evaluation.read(line, false);
            case TEST -> Evaluation.read(line, true);
            case EVENT -> {
                String event = line.text(MetricsKeys.EVENT);
                if (event == null) {
                    throw new MalformedLineException(source + ": an event line needs an \"" + MetricsKeys.EVENT + "\" text field");
                }
                yield switch (event) {
                    case Started.EVENT -> Started.read(line);
                    case CheckpointSaved.EVENT -> CheckpointSaved.read(line);
                    case ExportWritten.EVENT -> ExportWritten.read(line);
                    case Stopped.EVENT -> Stopped.read(line);
                    case Finished.EVENT -> Finished.read(line);
                    case Failed.EVENT -> Failed.read(line);
                    default -> new OtherEvent(line.time(), line.eventStep(), event, json);
                };
            }
            default -> null;
        };
    }

    private static Map<String, Object> start(String type, Instant time) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put(MetricsKeys.TYPE, type);
        json.put(MetricsKeys.TIME, time == null ? null : time.toString());
        return json;
    }

    private static Map<String, Object> startEvent(String event, Instant time, long step) {
        Map<String, Object> json = start(EVENT, time);
        json.put(MetricsKeys.EVENT, event);
        json.put(MetricsKeys.STEP, step);
        return json;
    }

    private static void putIfKnown(Map<String, Object> json, String key, long value) {
        if (value >= 0) {
            json.put(key, value);
        }
    }

    private static void putIfPresent(Map<String, Object> json, String key, Object value) {
        if (value != null) {
            json.put(key, value);
        }
    }
}
