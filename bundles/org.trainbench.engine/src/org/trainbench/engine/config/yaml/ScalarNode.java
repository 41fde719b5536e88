package org.trainbench.engine.config.yaml;

import java.math.BigInteger;
import java.util.Objects;

/**
 * A scalar as written: its text (quotes removed and escapes applied for quoted styles) and style. Its type follows
 * YAML 1.1 as PyYAML resolves it, because Fast-LLM reads configs with PyYAML: {@code yes}/{@code off} are booleans,
 * {@code 100_000} is an integer, {@code 6.0e-04} is a float but {@code 1e-5} is a string, {@code 2024-01-31} is a
 * date. Quoted scalars are always strings.
 *
 * @param text  the scalar's content; empty for a missing value ({@code key:} with nothing after it)
 * @param style how it was written
 * @param range where it was written, quotes included
 */
public record ScalarNode(String text, Style style, SourceRange range) implements YamlNode {

    /** How the scalar was written. */
    public enum Style {
        PLAIN, SINGLE_QUOTED, DOUBLE_QUOTED
    }

    /** The YAML 1.1 type of a scalar. */
    public enum Kind {
        NULL, BOOLEAN, INTEGER, FLOAT, TIMESTAMP, STRING
    }

    public ScalarNode {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(style, "style");
        Objects.requireNonNull(range, "range");
    }

    /** A plain scalar with no text: the value of {@code key:} when nothing follows; resolves to null. */
    public static ScalarNode empty(SourceRange at) {
        return new ScalarNode("", Style.PLAIN, at);
    }

    /** The type PyYAML would give this scalar. */
    public Kind kind() {
        return style == Style.PLAIN ? ScalarResolution.kind(text) : Kind.STRING;
    }

    /** Whether this is the empty value of {@code key:} with nothing written. */
    public boolean isMissingValue() {
        return style == Style.PLAIN && text.isEmpty();
    }

    /**
     * The resolved value: {@code null}, {@link Boolean}, {@link Long} (or {@link BigInteger} beyond 64 bits),
     * {@link Double}, or {@link String} (timestamps stay as their text).
     */
    public Object value() {
        return switch (kind()) {
            case NULL -> null;
            case BOOLEAN -> ScalarResolution.booleanValue(text);
            case INTEGER -> {
                BigInteger value = ScalarResolution.integerValue(text);
                yield value.bitLength() < 64 ? (Object) value.longValue() : value;
            }
            case FLOAT -> ScalarResolution.floatValue(text);
            case TIMESTAMP, STRING -> text;
        };
    }

    /** The text as the user wrote it, for messages: quoted styles get their quotes back. */
    public String displayText() {
        return switch (style) {
            case PLAIN -> text;
            case SINGLE_QUOTED -> "'" + text.replace("'", "''") + "'";
            case DOUBLE_QUOTED -> '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        };
    }
}
