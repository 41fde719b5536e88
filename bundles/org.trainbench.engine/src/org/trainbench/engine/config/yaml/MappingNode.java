package org.trainbench.engine.config.yaml;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A mapping in source order. Duplicate keys are kept (PyYAML silently keeps the last one; the checker reports them),
 * so lookups by name return the last entry, as a run would see it.
 * <p>
 * A value class like the other nodes (equal when entries, style and range are), written out rather than as a record
 * for one reason: a large mapping (tens of thousands of {@code data.datasets}) keeps an index from key to its last
 * entry, so that a lookup per entry does not make checking quadratic.
 */
public final class MappingNode implements YamlNode {
    /** Up to this many entries a lookup scans them; beyond, it goes through {@link #lastIndex}. */
    private static final int SCANNED = 16;

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

    private final List<Entry> entries;
    private final CollectionStyle style;
    private final SourceRange range;
    /** Key to the index of its last entry; null for a small mapping. */
    private final Map<String, Integer> lastIndex;

    public MappingNode(List<Entry> entries, CollectionStyle style, SourceRange range) {
        this.entries = List.copyOf(entries);
        this.style = Objects.requireNonNull(style, "style");
        this.range = Objects.requireNonNull(range, "range");
        if (this.entries.size() > SCANNED) {
            Map<String, Integer> index = HashMap.newHashMap(this.entries.size());
            for (int i = 0; i < this.entries.size(); i++) {
                index.put(this.entries.get(i).name(), i);
            }
            lastIndex = index;
        } else {
            lastIndex = null;
        }
    }

    public List<Entry> entries() {
        return entries;
    }

    public CollectionStyle style() {
        return style;
    }

    @Override
    public SourceRange range() {
        return range;
    }

    /** The value of the last entry named {@code key}, as PyYAML would keep it. */
    public Optional<YamlNode> get(String key) {
        return entry(key).map(Entry::value);
    }

    /** The last entry named {@code key}. */
    public Optional<Entry> entry(String key) {
        if (lastIndex != null) {
            Integer index = lastIndex.get(key);
            return index == null ? Optional.empty() : Optional.of(entries.get(index));
        }
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

    @Override
    public boolean equals(Object other) {
        return other instanceof MappingNode m && entries.equals(m.entries) && style == m.style && range.equals(m.range);
    }

    @Override
    public int hashCode() {
        return Objects.hash(entries, style, range);
    }

    @Override
    public String toString() {
        return "MappingNode[entries=" + entries + ", style=" + style + ", range=" + range + "]";
    }
}
