package org.trainbench.engine.config.schema;

import java.util.List;
import java.util.Optional;

import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.SourceRange;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.config.yaml.YamlSyntaxException;

/**
 * Applies {@code --set key.path=value} overrides to a config tree. The value is YAML ({@code 3}, {@code bf16},
 * {@code [99, 1, 0]}, {@code {type: file, path: x}}), resolved as in a config file; an empty value sets null. The key
 * path must exist in the schema of the config's kind (map entries such as {@code data.datasets.<name>} take any name).
 *
 * <p>Overridden values take the position of the value they replace (or of the closest written parent key), so that
 * diagnostics about them still point into the config file.
 */
public final class ConfigOverrides {

    /** An override that cannot be applied: says which one and why. */
    public static final class InvalidOverrideException extends Exception {
        private static final long serialVersionUID = 1L;

        public InvalidOverrideException(String assignment, String reason) {
            super("--set " + assignment + ": " + reason);
        }
    }

    private ConfigOverrides() {
    }

    /** {@code root} with each assignment applied in order. */
    public static YamlNode apply(YamlNode root, List<String> assignments) throws InvalidOverrideException {
        ConfigKind kind = ConfigKind.detect(root);
        for (String assignment : assignments) {
            root = apply(root, kind, assignment);
        }
        return root;
    }

    private static YamlNode apply(YamlNode root, ConfigKind kind, String assignment) throws InvalidOverrideException {
        int equals = assignment.indexOf('=');
        if (equals <= 0) {
            throw new InvalidOverrideException(assignment, "expected key.path=value, e.g. optimizer.learning_rate.base=3.0e-04");
        }
        String dotted = assignment.substring(0, equals).strip();
        List<String> keys = ConfigTree.path(dotted);
        if (keys.stream().anyMatch(String::isEmpty)) {
            throw new InvalidOverrideException(assignment, "empty key in the path `" + dotted + "`");
        }
        SchemaKey schema = kind.schema().orElse(ConfigSchema.training());
        SchemaKey current = schema;
        for (int i = 0; i < keys.size(); i++) {
            Optional<SchemaKey> next = current.step(keys.get(i));
            if (next.isEmpty()) {
                String parent = String.join(".", keys.subList(0, i));
                List<String> names = current.currentChildren().stream().map(SchemaKey::name).toList();
                String suggestion = KeySuggestions.closest(keys.get(i), names).map(s -> "; did you mean `" + s + "`?").orElse("");
                throw new InvalidOverrideException(assignment, "`" + keys.get(i) + "` is not a key of "
                        + (parent.isEmpty() ? "a " + kind.name().toLowerCase(java.util.Locale.ROOT) + " config" : "`" + parent + "`")
                        + suggestion);
            }
            current = next.get();
        }
        String text = assignment.substring(equals + 1);
        YamlNode value;
        try {
            value = text.isBlank() ? ScalarNode.empty(SourceRange.START) : YamlParser.parse(text);
        } catch (YamlSyntaxException e) {
            throw new InvalidOverrideException(assignment, "the value is not valid YAML: " + e.reason());
        }
        SourceRange at = anchor(root, keys);
        return ConfigTree.with(root, keys, ConfigTree.relocated(value, at), at);
    }

    /** The range of the value being replaced, or of the deepest written key on the path, or the document start. */
    private static SourceRange anchor(YamlNode root, List<String> keys) {
        for (int depth = keys.size(); depth > 0; depth--) {
            Optional<MappingNode.Entry> entry = ConfigTree.entry(root, keys.subList(0, depth));
            if (entry.isPresent()) {
                return depth == keys.size() ? entry.get().value().range() : entry.get().key().range();
            }
        }
        return ConfigTree.documentAnchor(root);
    }
}
