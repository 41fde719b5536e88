package org.trainbench.engine.run;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/** A parsed line with typed, lenient access to its fields; problems name the line. */
record MetricsLine(Map<String, Object> json, String source) {
    Instant time() {
        if (json.get(MetricsKeys.TIME) instanceof String text) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return null;
    }

    /** The step of a train or evaluation line: required, a whole number >= 0. */
    long step() throws MetricsRecord.MalformedLineException {
        if (json.get(MetricsKeys.STEP) instanceof Number n && n.doubleValue() >= 0 && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        throw new MetricsRecord.MalformedLineException(source + ": expected \"" + MetricsKeys.STEP + "\" to be a whole number >= 0 but got "
                + json.get(MetricsKeys.STEP));
    }

    /** The step of an event line: 0 when absent. */
    long eventStep() throws MetricsRecord.MalformedLineException {
        return json.containsKey(MetricsKeys.STEP) ? step() : 0;
    }

    double real(String key) throws MetricsRecord.MalformedLineException {
        Object value = json.get(key);
        if (value == null) {
            return Double.NaN;
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw new MetricsRecord.MalformedLineException(source + ": expected \"" + key + "\" to be a number but got \"" + value + "\"");
    }

    long integer(String key, long absent) throws MetricsRecord.MalformedLineException {
        Object value = json.get(key);
        if (value == null) {
            return absent;
        }
        if (value instanceof Number n) {
            return n.longValue();
        }
        throw new MetricsRecord.MalformedLineException(source + ": expected \"" + key + "\" to be a number but got \"" + value + "\"");
    }

    String text(String key) throws MetricsRecord.MalformedLineException {
        Object value = json.get(key);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new MetricsRecord.MalformedLineException(source + ": expected \"" + key + "\" to be text but got " + value);
    }
}
