package org.trainbench.ui.experiments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.SequenceNode;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.config.yaml.YamlSyntaxException;
import org.trainbench.engine.run.RunDirectory;

/**
 * The keys on which the resolved configs of two or more runs differ, each as a dotted path
 * ({@code model.base_model.transformer.num_layers}, {@code data.datasets.training.datasets[1].path}) with the value
 * each run has, as written in its config.resolved.yaml, or null where the run does not set it.
 *
 * <p>Values are compared as PyYAML (so the engine) reads them: {@code 100_000} equals {@code 100000} and {@code yes}
 * equals {@code true}. A sequence of scalars is one value ({@code [0.9, 0.95]}).
 *
 * <p>Each run writes into its own directory, so {@value #EXPERIMENT_DIR} always differs, and so does every path the
 * config resolves from it. Those keys are {@link #runDirectoryRows}, apart from the real changes in {@link #rows}: a
 * key is a run-directory key when its values are equal once each run's own experiment directory at the start of the
 * value is read as the same placeholder.
 *
 * @param rows             the keys that really differ
 * @param runDirectoryRows the keys that differ only because each run has its own directory
 */
public record ConfigDiff(List<String> runs, List<Row> rows, List<Row> runDirectoryRows) {

    /** The key naming a run's own directory. */
    public static final String EXPERIMENT_DIR = "run.experiment_dir";

    /** One differing key with each run's value (null where absent), in the order of {@link #runs}. */
    public record Row(String key, List<String> values) {
        public Row {
            values = java.util.Collections.unmodifiableList(new ArrayList<>(values));
        }
    }

    public ConfigDiff {
        runs = List.copyOf(runs);
        rows = List.copyOf(rows);
        runDirectoryRows = List.copyOf(runDirectoryRows);
    }

    /**
     * @param configs run name to the text of its config.resolved.yaml, in column order
     * @throws IllegalArgumentException naming the run, line and column when a config is not readable YAML
     */
    public static ConfigDiff of(Map<String, String> configs) {
        List<String> runs = new ArrayList<>(configs.keySet());
        List<Map<String, Flat>> flats = new ArrayList<>();
        Map<String, Boolean> keys = new LinkedHashMap<>();
        for (Map.Entry<String, String> config : configs.entrySet()) {
            YamlNode root;
            try {
                root = YamlParser.parse(config.getValue());
            } catch (YamlSyntaxException e) {
                throw new IllegalArgumentException(config.getKey() + ": " + RunDirectory.RESOLVED_CONFIG + ":" + e.getMessage()
                        + "; the config diff needs a readable config", e);
            }
            Map<String, Flat> flat = new LinkedHashMap<>();
            flatten("", root, flat);
            flat.keySet().forEach(k -> keys.put(k, true));
            flats.add(flat);
        }
        List<String> directories = new ArrayList<>();
        for (Map<String, Flat> flat : flats) {
            Flat dir = flat.get(EXPERIMENT_DIR);
            directories.add(dir == null || !(dir.value instanceof String text) || text.isEmpty() ? null : withoutTrailingSlash(text));
        }
        List<Row> rows = new ArrayList<>();
        List<Row> runDirectoryRows = new ArrayList<>();
        for (String key : keys.keySet()) {
            List<String> texts = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            List<Object> relative = new ArrayList<>();
            for (int i = 0; i < flats.size(); i++) {
                Flat f = flats.get(i).get(key);
                texts.add(f == null ? null : f.text);
                values.add(f == null ? Marker.ABSENT : f.value);
                relative.add(f == null ? Marker.ABSENT : relativeToRunDirectory(f.value, directories.get(i)));
            }
            if (values.stream().distinct().count() > 1) {
                boolean ownDirectory = key.equals(EXPERIMENT_DIR) || relative.stream().distinct().count() == 1;
                (ownDirectory ? runDirectoryRows : rows).add(new Row(key, texts));
            }
        }
        return new ConfigDiff(runs, rows, runDirectoryRows);
    }

    /** A path value under the run's own directory with that directory replaced by a placeholder; others unchanged. */
    private static Object relativeToRunDirectory(Object value, String directory) {
        if (directory == null || !(value instanceof String text)) {
            return value;
        }
        if (text.equals(directory) || withoutTrailingSlash(text).equals(directory)) {
            return Marker.RUN_DIRECTORY;
        }
        if (text.startsWith(directory + "/")) {
            return List.of(Marker.RUN_DIRECTORY, text.substring(directory.length()));
        }
        return value;
    }

    private static String withoutTrailingSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /** Stand-ins that compare equal only to themselves: a key a run does not set, a YAML null, a run's own directory. */
    private enum Marker {
        ABSENT, NULL, RUN_DIRECTORY
    }

    /** A leaf: its text as written and its value as PyYAML reads it. */
    private record Flat(String text, Object value) {
    }

    private static void flatten(String prefix, YamlNode node, Map<String, Flat> out) {
        switch (node) {
            case MappingNode mapping -> {
                if (mapping.entries().isEmpty() && !prefix.isEmpty()) {
                    out.put(prefix, new Flat("{}", Map.of()));
                }
                for (MappingNode.Entry entry : mapping.entries()) {
                    flatten(prefix.isEmpty() ? entry.name() : prefix + "." + entry.name(), entry.value(), out);
                }
            }
            case SequenceNode sequence -> {
                if (sequence.items().stream().allMatch(ScalarNode.class::isInstance)) {
                    List<String> texts = new ArrayList<>();
                    List<Object> values = new ArrayList<>();
                    for (YamlNode item : sequence.items()) {
                        texts.add(((ScalarNode) item).text());
                        values.add(Objects.requireNonNullElse(((ScalarNode) item).value(), Marker.NULL));
                    }
                    out.put(prefix, new Flat("[" + String.join(", ", texts) + "]", values));
                } else {
                    for (int i = 0; i < sequence.items().size(); i++) {
                        flatten(prefix + "[" + i + "]", sequence.items().get(i), out);
                    }
                }
            }
            case ScalarNode scalar -> out.put(prefix, new Flat(scalar.isMissingValue() ? "null" : scalar.text(),
                    Objects.requireNonNullElse(scalar.value(), Marker.NULL)));
        }
    }
}
