package org.trainbench.engine.config.yaml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node of a parsed config: a mapping, a sequence or a scalar, each with the exact text range it came from.
 *
 * <p>The engine's {@link YamlParser} builds these trees from text; the Xtext editor builds the same trees from its
 * AST, so both run the same checks and binding on them.
 */
public sealed interface YamlNode permits MappingNode, SequenceNode, ScalarNode {

    /** Where the node sits in the text: for collections from the first to the last char they cover. */
    SourceRange range();

    /** How the collection was written; scalars report their own {@link ScalarNode.Style}. */
    enum CollectionStyle {
        /** Indentation-based ({@code key: value} lines, {@code - item} lines). */
        BLOCK,
        /** Bracketed ({@code {a: 1}}, {@code [1, 2]}). */
        FLOW
    }

    /**
     * The value PyYAML would construct: {@link LinkedHashMap} for mappings (a duplicate key keeps its last value, as
     * PyYAML does), {@link List}, and the scalars' {@link ScalarNode#value()}. Useful to compare two parsers.
     */
    default Object plainValue() {
        return switch (this) {
            case ScalarNode scalar -> scalar.value();
            case SequenceNode sequence -> {
                List<Object> items = new ArrayList<>(sequence.items().size());
                for (YamlNode item : sequence.items()) {
                    items.add(item.plainValue());
                }
                yield items;
            }
            case MappingNode mapping -> {
                Map<String, Object> entries = new LinkedHashMap<>();
                for (MappingNode.Entry entry : mapping.entries()) {
                    entries.put(entry.key().text(), entry.value().plainValue());
                }
                yield entries;
            }
        };
    }
}
