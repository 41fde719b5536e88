package org.trainbench.engine.train;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.trainbench.engine.config.schema.ConfigChoice;
import org.trainbench.engine.config.schema.ConfigSchema;

/**
 * Writes a bound config record as YAML, every default filled in: the run directory's config.resolved.yaml, which
 * says exactly what a run used even when the config file left most keys out. Keys use the schema's YAML names;
 * unset optional values ({@code null}) are written as {@code null}, absent optional sections are left out; legacy keys that were migrated are not
 * written (their modern form is).
 */
public final class ResolvedConfig {
    private ResolvedConfig() {
    }

    public static String yaml(Record config) {
        StringBuilder out = new StringBuilder("# The config as this run resolved it: every default filled in, legacy keys in their current form, in the seeds' form (Fast-LLM 0.2) that the engine reads.\n");
        writeRecord(config, 0, out);
        return out.toString();
    }

    private static void writeRecord(Record record, int indent, StringBuilder out) {
        for (RecordComponent component : record.getClass().getRecordComponents()) {
            if (component.isAnnotationPresent(org.trainbench.engine.config.schema.Legacy.class) || !engineReads(component)) {
                continue;
            }
            Object value;
            try {
                value = component.getAccessor().invoke(record);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + component, e);
            }
            if (value == null && component.getType().isRecord()) {
                // An absent optional section (e.g. pretrained) stays absent: `pretrained: null` would read as an empty section.
                continue;
            }
            writeEntry(ConfigSchema.yamlName(component), value, indent, out);
        }
    }

    /**
     * Whether the engine reads a key: keys of the 0.3/0.4 forms were mapped onto the seeds' form the engine reads.
     */
    private static boolean engineReads(RecordComponent component) {
        org.trainbench.engine.config.schema.Versions versions = component.getAnnotation(org.trainbench.engine.config.schema.Versions.class);
        return versions == null
                || java.util.Arrays.asList(versions.value()).contains(org.trainbench.engine.config.schema.FastLlmVersion.V0_2);
    }

    private static void writeEntry(String key, Object value, int indent, StringBuilder out) {
        String pad = " ".repeat(indent);
        if (value instanceof Record nested) {
            out.append(pad).append(key).append(":\n");
            writeRecord(nested, indent + 2, out);
        } else if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                out.append(pad).append(key).append(": {}\n");
                return;
            }
            out.append(pad).append(key).append(":\n");
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                writeEntry(String.valueOf(entry.getKey()), entry.getValue(), indent + 2, out);
            }
        } else {
            out.append(pad).append(key).append(": ").append(scalar(value)).append('\n');
        }
    }

    private static String scalar(Object value) {
        return switch (value) {
            case null -> "null";
            case ConfigChoice choice -> choice.yamlName();
            case Boolean b -> b ? "true" : "false";
            case Double d -> floating(d);
            case Float f -> floating(f.doubleValue());
            case Number n -> n.toString();
            case Path p -> quoteIfNeeded(p.toString().replace('\\', '/'));
            case List<?> list -> {
                StringBuilder text = new StringBuilder("[");
                for (int i = 0; i < list.size(); i++) {
                    text.append(i > 0 ? ", " : "").append(scalar(list.get(i)));
                }
                yield text.append(']').toString();
            }
            default -> quoteIfNeeded(value.toString());
        };
    }

    /** A float that YAML 1.1 (PyYAML) reads back as the same float: a dot, and a signed exponent. */
    private static String floating(double d) {
        if (!Double.isFinite(d)) {
            return Double.isNaN(d) ? ".nan" : d > 0 ? ".inf" : "-.inf";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return String.format(Locale.ROOT, "%.1f", d);
        }
        String text = Double.toString(d);
        int exponent = text.indexOf('E');
        return exponent < 0 || text.charAt(exponent + 1) == '-' ? text : text.substring(0, exponent + 1) + "+" + text.substring(exponent + 1);
    }

    /** Plain YAML scalars unless the text would read as something else (a number, a boolean, null) or holds syntax. */
    private static String quoteIfNeeded(String text) {
        boolean plain = !text.isEmpty() && text.matches("[A-Za-z0-9_./~+-][A-Za-z0-9_./~+ -]*") && !text.endsWith(" ")
                && !text.matches("(?i)(y|yes|n|no|true|false|on|off|null|~)") && !text.matches("[-+]?[0-9._]+([eE][-+]?[0-9]+)?");
        return plain ? text : "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
