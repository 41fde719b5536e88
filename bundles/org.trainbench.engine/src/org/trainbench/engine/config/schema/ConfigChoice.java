package org.trainbench.engine.config.schema;

import java.util.List;

/**
 * An enum whose constants are the values of a config key. The schema lists {@link #yamlName()} of each constant as
 * the allowed values, and accepts the {@link #aliases()} too (e.g. {@code bf16} for {@code bfloat16}).
 */
public interface ConfigChoice {
    /** The value as written in YAML. */
    String yamlName();

    /** One sentence on what the value means, for completion and hover. */
    String doc();

    /** Other spellings Fast-LLM accepts for the same value. */
    default List<String> aliases() {
        return List.of();
    }
}
