package org.trainbench.engine.config.yaml;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Writes plain values (maps, lists, strings, numbers, booleans, null) as a block-style YAML document laid out as
 * PyYAML's {@code safe_dump} lays it out: a sequence under a key at the key's own indentation, empty collections as
 * {@code {}} and {@code []}. Scalars follow the one set of YAML 1.1 rules in {@link ScalarResolution}, so everything
 * written reads back, with {@link YamlParser} or PyYAML, as the same values.
 */
public final class YamlWriter {

    private YamlWriter() {
    }

    /** The document for {@code value}. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        writeNode(out, value, 0, false);
        return out.toString();
    }

    /**
     * One scalar: {@code null}, a boolean, an integer, a float ({@link ScalarResolution#writeFloat}) or a string
     * ({@link ScalarResolution#writeString}); any other object is written as the string of its {@code toString()}.
     * Empty collections are {@code {}} and {@code []}.
     */
    public static String scalar(Object value) {
        return switch (value) {
            case null -> "null";
            case Boolean b -> b ? "true" : "false";
            case Long l -> l.toString();
            case Integer i -> i.toString();
            case Short s -> s.toString();
            case Byte b -> b.toString();
            case BigInteger i -> i.toString();
            case Double d -> ScalarResolution.writeFloat(d);
            case Float f -> ScalarResolution.writeFloat(f.doubleValue());
            case Map<?, ?> map when map.isEmpty() -> "{}";
            case List<?> list when list.isEmpty() -> "[]";
            default -> ScalarResolution.writeString(value.toString());
        };
    }

    private static void writeNode(StringBuilder out, Object value, int indent, boolean inSequence) {
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(first && inSequence)) {
                    out.append(" ".repeat(indent));
                }
                first = false;
                out.append(ScalarResolution.writeString(String.valueOf(entry.getKey()))).append(':');
                writeChild(out, entry.getValue(), indent);
            }
        } else if (value instanceof List<?> list && !list.isEmpty()) {
            boolean first = true;
            for (Object item : list) {
                if (!(first && inSequence)) {
                    out.append(" ".repeat(indent));
                }
                first = false;
                out.append("- ");
                if (item instanceof Map<?, ?> m && !m.isEmpty() || item instanceof List<?> l && !l.isEmpty()) {
                    writeNode(out, item, indent + 2, true);
                } else {
                    out.append(scalar(item)).append('\n');
                }
            }
        } else {
            out.append(scalar(value)).append('\n');
        }
    }

    private static void writeChild(StringBuilder out, Object value, int indent) {
        if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            out.append('\n');
            writeNode(out, value, indent + 2, false);
        } else if (value instanceof List<?> list && !list.isEmpty()) {
            out.append('\n');
            writeNode(out, value, indent, false);
        } else {
            out.append(' ').append(scalar(value)).append('\n');
        }
    }
}
