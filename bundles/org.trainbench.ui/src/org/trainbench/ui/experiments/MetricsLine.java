package org.trainbench.ui.experiments;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

import org.trainbench.engine.json.Json;

/** Reads one line of {@code metrics.jsonl} into a {@link MetricRecord}; the format is the engine's MetricsLog. */
public final class MetricsLine {

    /** A line that is not a metrics record; the message says which field is wrong and how. */
    public static final class MalformedLineException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedLineException(String message) {
            super(message);
        }
    }

    private MetricsLine() {
    }

    /**
     * @param source names the line in messages, e.g. {@code /runs/a/metrics.jsonl:17}
     * @return the record, or null for a line of a type this workbench does not show (a newer engine's)
     * @throws MalformedLineException when the line is not JSON, or a known type lacks its step or has a field of the
     *                                wrong type
     */
    public static MetricRecord parse(String line, String source) throws MalformedLineException {
        Map<String, Object> json;
        try {
            json = Json.parseObject(line, source);
        } catch (IllegalArgumentException e) {
            throw new MalformedLineException(e.getMessage());
        }
        Object type = json.get("type");
        if (!(type instanceof String typeName)) {
            throw new MalformedLineException(source + ": expected a \"type\" text field (train, validation, test or event)");
        }
        Instant time = time(json);
        return switch (typeName) {
            case "train" -> new MetricRecord.Train(step(json, source), integer(json, "consumed_tokens", source, 0),
                    real(json, "loss", source), real(json, "lr", source), real(json, "grad_norm", source),
                    real(json, "tokens_per_s", source), real(json, "elapsed_s", source),
                    integer(json, "memory_bytes", source, -1), integer(json, "peak_memory_bytes", source, -1), real(json, "mfu", source),
                    time);
            case "validation", "test" -> {
                String dataset = text(json, "dataset", source);
                String name = json.get("name") instanceof String n ? n : dataset;
                if (name == null) {
                    name = typeName;
                }
                yield new MetricRecord.Evaluation(name, dataset == null ? name : dataset, typeName.equals("test"), step(json, source),
                        integer(json, "consumed_tokens", source, 0), real(json, "loss", source), time);
            }
            case "event" -> {
                String event = text(json, "event", source);
                if (event == null) {
                    throw new MalformedLineException(source + ": an event line needs an \"event\" text field");
                }
                yield new MetricRecord.Event(event, json.containsKey("step") ? step(json, source) : 0, time, json);
            }
            default -> null;
        };
    }

    private static long step(Map<String, Object> json, String source) throws MalformedLineException {
        if (json.get("step") instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        throw new MalformedLineException(source + ": expected \"step\" to be a whole number >= 0 but got " + json.get("step"));
    }

    private static double real(Map<String, Object> json, String key, String source) throws MalformedLineException {
        Object value = json.get(key);
        if (value == null) {
            return Double.NaN;
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw new MalformedLineException(source + ": expected \"" + key + "\" to be a number but got \"" + value + "\"");
    }

    private static long integer(Map<String, Object> json, String key, String source, long absent) throws MalformedLineException {
        Object value = json.get(key);
        if (value == null) {
            return absent;
        }
        if (value instanceof Number n) {
            return n.longValue();
        }
        throw new MalformedLineException(source + ": expected \"" + key + "\" to be a number but got \"" + value + "\"");
    }

    private static String text(Map<String, Object> json, String key, String source) throws MalformedLineException {
        Object value = json.get(key);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new MalformedLineException(source + ": expected \"" + key + "\" to be text but got " + value);
    }

    private static Instant time(Map<String, Object> json) {
        if (json.get("time") instanceof String text) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }
}
