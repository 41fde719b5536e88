package org.trainbench.engine.config.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.SequenceNode;
import org.trainbench.engine.config.yaml.SourceRange;
import org.trainbench.engine.config.yaml.YamlNode;

/** Reading and (functionally) rewriting a config tree by key paths. */
public final class ConfigTree {

    private ConfigTree() {
    }

    /** Splits {@code model.base_model.vocab_size} into its keys. */
    public static List<String> path(String dottedPath) {
        return dottedPath.isEmpty() ? List.of() : List.of(dottedPath.split("\\.", -1));
    }

    /** The node at a key path (last entry wins for duplicates, as in PyYAML). */
    public static Optional<YamlNode> at(YamlNode root, List<String> keys) {
        YamlNode node = root;
        for (String key : keys) {
            if (!(node instanceof MappingNode mapping)) {
                return Optional.empty();
            }
            Optional<YamlNode> next = mapping.get(key);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            node = next.get();
        }
        return Optional.of(node);
    }

    /** The node at a dotted key path. */
    public static Optional<YamlNode> at(YamlNode root, String dottedPath) {
        return at(root, path(dottedPath));
    }

    /** The entry (key and value) at a key path. */
    public static Optional<MappingNode.Entry> entry(YamlNode root, List<String> keys) {
        if (keys.isEmpty()) {
            return Optional.empty();
        }
        return at(root, keys.subList(0, keys.size() - 1))
                .flatMap(parent -> parent instanceof MappingNode mapping ? mapping.entry(keys.getLast()) : Optional.empty());
    }

    /** The entry at a dotted key path. */
    public static Optional<MappingNode.Entry> entry(YamlNode root, String dottedPath) {
        return entry(root, path(dottedPath));
    }

    /** The scalar at a dotted key path, unless it is missing or written as null. */
    public static Optional<ScalarNode> scalar(YamlNode root, String dottedPath) {
        return at(root, dottedPath).flatMap(node -> node instanceof ScalarNode s && s.kind() != ScalarNode.Kind.NULL
                ? Optional.of(s) : Optional.empty());
    }

    /** Whether a key is written with a value (not missing, not null). */
    public static boolean isSet(YamlNode root, String dottedPath) {
        return at(root, dottedPath).filter(node -> !(node instanceof ScalarNode s && s.kind() == ScalarNode.Kind.NULL))
                .isPresent();
    }

    /**
     * A copy of {@code root} with {@code value} at {@code keys}: the last entry of that name is replaced, or an entry is
     * appended; missing (or non-mapping) intermediate sections are created with {@code at} as their range.
     */
    public static YamlNode with(YamlNode root, List<String> keys, YamlNode value, SourceRange at) {
        if (keys.isEmpty()) {
            return value;
        }
        MappingNode mapping = root instanceof MappingNode m ? m : new MappingNode(List.of(), YamlNode.CollectionStyle.BLOCK, at);
        String key = keys.getFirst();
        List<MappingNode.Entry> entries = new ArrayList<>(mapping.entries());
        int index = -1;
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).name().equals(key)) {
                index = i;
                break;
            }
        }
        List<String> rest = keys.subList(1, keys.size());
        if (index >= 0) {
            MappingNode.Entry old = entries.get(index);
            entries.set(index, new MappingNode.Entry(old.key(), with(old.value(), rest, value, at)));
        } else {
            ScalarNode newKey = new ScalarNode(key, ScalarNode.Style.PLAIN, at);
            entries.add(new MappingNode.Entry(newKey, with(null, rest, value, at)));
        }
        return new MappingNode(entries, mapping.style(), mapping.range());
    }

    /** A copy of {@code node} with every range replaced by {@code at}: for values that come from outside the file. */
    public static YamlNode relocated(YamlNode node, SourceRange at) {
        return switch (node) {
            case ScalarNode scalar -> new ScalarNode(scalar.text(), scalar.style(), at);
            case SequenceNode sequence -> new SequenceNode(sequence.items().stream().map(item -> relocated(item, at)).toList(),
                    sequence.style(), at);
            case MappingNode mapping -> new MappingNode(mapping.entries().stream()
                    .map(entry -> new MappingNode.Entry((ScalarNode) relocated(entry.key(), at), relocated(entry.value(), at)))
                    .toList(), mapping.style(), at);
        };
    }

    /** Where a diagnostic about the whole document goes: its first key, or its start. */
    public static SourceRange documentAnchor(YamlNode root) {
        if (root instanceof MappingNode mapping && !mapping.entries().isEmpty()) {
            return mapping.entries().getFirst().key().range();
        }
        return new SourceRange(root.range().line(), root.range().column(), root.range().offset(), 0);
    }
}
