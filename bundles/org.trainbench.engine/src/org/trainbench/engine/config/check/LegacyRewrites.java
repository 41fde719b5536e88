package org.trainbench.engine.config.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.trainbench.engine.config.schema.ConfigTree;
import org.trainbench.engine.config.schema.LegacyMigration;
import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.ScalarResolution;
import org.trainbench.engine.config.yaml.SequenceNode;
import org.trainbench.engine.config.yaml.YamlNode;

/** The current form of each legacy key, as quick-fix data: which key to write, with which value. */
final class LegacyRewrites {

    /**
     * Write {@code value} (YAML, flow style for sections) at {@code path}, and remove {@code replacedKeys}.
     */
    record Rewrite(String path, String value, List<String> replacedKeys) {
    }

    private LegacyRewrites() {
    }

    static Optional<Rewrite> rewrite(YamlNode root, String legacyPath) {
        int dot = legacyPath.lastIndexOf('.');
        String parent = dot < 0 ? "" : legacyPath.substring(0, dot);
        String name = legacyPath.substring(dot + 1);
        Optional<YamlNode> written = ConfigTree.at(root, legacyPath);
        if (written.isEmpty()) {
            return Optional.empty();
        }
        YamlNode value = written.get();
        return switch (name) {
            case "scaling_type" -> value instanceof ScalarNode s && !s.isMissingValue()
                    ? Optional.of(new Rewrite(parent + ".type", s.text(), List.of(legacyPath))) : Optional.empty();
            case "rotary_embedding_scale" -> value instanceof ScalarNode s && s.value() instanceof Number n
                    ? Optional.of(new Rewrite(parent + ".rotary.theta",
                            ScalarResolution.asYaml11Float(LegacyMigration.thetaFromRotaryEmbeddingScale(n.doubleValue())),
                            List.of(legacyPath)))
                    : Optional.empty();
            case "use_rotary_embeddings" -> value instanceof ScalarNode s && s.value() instanceof Boolean b
                    ? Optional.of(new Rewrite(parent + ".rotary.type", b ? "default" : "none", List.of(legacyPath)))
                    : Optional.empty();
            case "validation" -> legacyPath.equals("training.validation") && value instanceof MappingNode m
                    ? Optional.of(new Rewrite("training.evaluators.validation", validation(m), List.of(legacyPath)))
                    : Optional.empty();
            case "format", "path", "split" -> legacyPath.startsWith("data.") && parent.equals("data")
                    ? Optional.of(datasets(root)) : Optional.empty();
            default -> Optional.empty();
        };
    }

    private static String validation(MappingNode legacy) {
        List<String> evaluator = new ArrayList<>();
        evaluator.add("type: loss");
        scalarText(legacy, "iterations").ifPresent(text -> evaluator.add("iterations: " + text));
        evaluator.add("dataset_name: validation");
        List<String> entry = new ArrayList<>();
        scalarText(legacy, "interval").ifPresent(text -> entry.add("interval: " + text));
        entry.add("evaluator: {" + String.join(", ", evaluator) + "}");
        return "{" + String.join(", ", entry) + "}";
    }

    /**
     * The legacy dataset (one file split by ratios) becomes one file per split, as `trainbench prepare` writes them
     * with {@code splits:} next to the dataset: {@code fast_llm_config_<split>.yaml}.
     */
    private static Rewrite datasets(YamlNode root) {
        String directory = ConfigTree.scalar(root, "data.path").map(ScalarNode::text)
                .map(path -> path.contains("/") ? path.substring(0, path.lastIndexOf('/')) : ".").orElse(".");
        List<String> splits = new ArrayList<>(List.of("training", "validation"));
        if (ConfigTree.at(root, "data.split").orElse(null) instanceof SequenceNode split && split.items().size() >= 3
                && split.items().get(2) instanceof ScalarNode test && test.value() instanceof Number n && n.doubleValue() > 0) {
            splits.add("test");
        }
        List<String> entries = new ArrayList<>();
        for (String split : splits) {
            entries.add(split + ": {type: file, path: " + flowString(directory + "/fast_llm_config_" + split + ".yaml") + "}");
        }
        List<String> replaced = new ArrayList<>();
        for (String key : List.of("data.format", "data.path", "data.split")) {
            if (ConfigTree.at(root, key).isPresent()) {
                replaced.add(key);
            }
        }
        return new Rewrite("data.datasets", "{" + String.join(", ", entries) + "}", replaced);
    }

    private static Optional<String> scalarText(MappingNode mapping, String key) {
        return mapping.get(key).filter(node -> node instanceof ScalarNode s && !s.isMissingValue())
                .map(node -> ((ScalarNode) node).displayText());
    }

    /** A string as a flow scalar: plain when YAML reads it back as the same string, double-quoted otherwise. */
    static String flowString(String text) {
        boolean plain = !text.isEmpty() && text.matches("[A-Za-z0-9_./~-][A-Za-z0-9_./~ -]*")
                && !text.endsWith(" ") && ScalarResolution.kind(text) == ScalarNode.Kind.STRING;
        return plain ? text : "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
