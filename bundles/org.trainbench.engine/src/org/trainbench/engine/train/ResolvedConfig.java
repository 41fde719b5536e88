package org.trainbench.engine.train;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.trainbench.engine.config.schema.ConfigChoice;
import org.trainbench.engine.config.schema.ConfigSchema;
import org.trainbench.engine.config.yaml.YamlWriter;

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

    private static void writeEntry(String name, Object value, int indent, StringBuilder out) {
        String pad = " ".repeat(indent);
        String key = YamlWriter.scalar(name);
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

    /** A scalar or a flow list of scalars, by the one set of YAML 1.1 writing rules ({@link YamlWriter#scalar}). */
    private static String scalar(Object value) {
        return switch (value) {
            case ConfigChoice choice -> YamlWriter.scalar(choice.yamlName());
            case Path p -> YamlWriter.scalar(p.toString().replace('\\', '/'));
            case List<?> list -> {
                StringBuilder text = new StringBuilder("[");
                for (int i = 0; i < list.size(); i++) {
                    text.append(i > 0 ? ", " : "").append(scalar(list.get(i)));
                }
                yield text.append(']').toString();
            }
            case null, default -> YamlWriter.scalar(value);
        };
    }
}
