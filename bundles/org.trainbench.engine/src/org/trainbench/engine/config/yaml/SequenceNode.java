package org.trainbench.engine.config.yaml;

import java.util.List;
import java.util.Objects;

/** A sequence, block ({@code - item} lines) or flow ({@code [99, 1, 0]}). */
public record SequenceNode(List<YamlNode> items, CollectionStyle style, SourceRange range) implements YamlNode {
    public SequenceNode {
        items = List.copyOf(items);
        Objects.requireNonNull(style, "style");
        Objects.requireNonNull(range, "range");
    }
}
