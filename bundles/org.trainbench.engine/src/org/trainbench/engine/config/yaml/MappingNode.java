package org.trainbench.engine.config.yaml;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A mapping in source order. Duplicate keys are kept (PyYAML silently keeps the last one; the checker reports them),
 * so lookups by name return the last entry, as a run would see it.
 */
public record MappingNode(List<Entry> entries, CollectionStyle style, SourceRange range) implements YamlNode {

    /** One {@code key: value} pair; the key keeps its own position for diagnostics and quick fixes. */
    public record Entry(ScalarNode key, YamlNode value) {
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        /** The key's text, e.g. {@code hidden_size}. */
        public String name() {
            return key.text();
        }
    }

    public MappingNode {
        entries = List.copyOf(entries);
        Objects.requireNonNull(style, "style");
        Objects.requireNonNull(range, "range");
    }

    /** The value of the last entry named {@code key}, as PyYAML would keep it. */
    public Optional<YamlNode> get(String key) {
        return entry(key).map(Entry::value);
    }

    /** The last entry named {@code key}. */
    public Optional<Entry> entry(String key) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).name().equals(key)) {
                return Optional.of(entries.get(i));
            }
        }
        return Optional.empty();
    }

    /** Whether an entry named {@code key} exists. */
    public boolean has(String key) {
        return entry(key).isPresent();
    }

    /** Key names in source order, duplicates included. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            keys.add(entry.name());
        }
        return keys;
    }
}
