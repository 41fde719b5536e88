package org.trainbench.engine.prepare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.trainbench.engine.files.TextFiles;
import org.trainbench.engine.config.schema.InputPaths;
import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.ScalarNode;
import org.trainbench.engine.config.yaml.SequenceNode;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.config.yaml.YamlSyntaxException;

/**
 * The keys of Fast-LLM's data-preparation config ({@code GPTMemmapDatasetPreparatorConfig}) that {@code trainbench
 * prepare} uses, read straight from the YAML (with line numbers for errors) until the engine's schema binder has a
 * PreparationConfig. Both spellings of the input columns are accepted: {@code dataset.field} /
 * {@code dataset.loss_masking_spans} (the SFT guide) and {@code dataset.source_schema.input_column} /
 * {@code loss_masking_spans_column}. Relative paths
 * ({@code dataset.path}, {@code tokenizer.path} and {@code output_path}) are read against the config file's directory
 * ({@link InputPaths}), like a training config's inputs: the output is the training config's input, and a prepare
 * config and a training config side by side then agree on where the data is, whatever the working directory.
 *
 * @param seed seeds the split assignment and the document order inside each split (Trainbench addition, default 1234)
 */
public record PreparationSettings(Path configFile, Path outputPath, int tokenizeWorkers, Path datasetPath, String split,
        String field, String lossMaskingSpans, Path tokenizerPath, String bosToken, Map<String, Double> splits, long seed) {

    private static final Set<String> TOP_LEVEL = Set.of("output_path", "loading_workers", "tokenize_workers",
            "saving_workers", "dataset", "tokenizer", "splits", "seed", "tokens_per_shard", "distributed", "type");
    private static final Set<String> DATASET = Set.of("path", "split", "field", "loss_masking_spans", "source_schema",
            "trust_remote_code", "config_name", "data_directory", "data_files", "disable_disk_space_check", "data_type",
            "chosen_text", "rejected_text");

    /** Reads a preparation config; {@link PreparationException} names the file, line and key of a problem. */
    public static PreparationSettings read(Path file) throws IOException {
        String text = TextFiles.readUtf8(file);
        YamlNode root;
        try {
            root = YamlParser.parse(text);
        } catch (YamlSyntaxException e) {
            throw new PreparationException(file + ":" + e.getMessage());
        }
        if (!(root instanceof MappingNode top)) {
            throw new PreparationException(file + ": expected a mapping of keys (output_path, dataset, tokenizer, ...)");
        }
        Reader r = new Reader(file);
        r.unknownKeys(top, "", TOP_LEVEL);
        Path output = InputPaths.resolve(file, r.string(top, "output_path", null, true));
        int workers = (int) r.integer(top, "tokenize_workers", 1, 1, 1024);
        MappingNode dataset = r.mapping(top, "dataset", true);
        r.unknownKeys(dataset, "dataset.", DATASET);
        Path datasetPath = InputPaths.resolve(file, r.string(dataset, "path", "dataset.", true));
        String split = r.string(dataset, "split", "dataset.", false);
        String field = r.string(dataset, "field", "dataset.", false);
        String spans = r.string(dataset, "loss_masking_spans", "dataset.", false);
        if (dataset.get("source_schema").isPresent()) {
            MappingNode schema = r.mapping(dataset, "source_schema", true);
            r.unknownKeys(schema, "dataset.source_schema.", Set.of("input_column", "loss_masking_spans_column", "type"));
            if (field == null) {
                field = r.string(schema, "input_column", "dataset.source_schema.", false);
            }
            if (spans == null) {
                spans = r.string(schema, "loss_masking_spans_column", "dataset.source_schema.", false);
            }
        }
        for (String unsupported : List.of("chosen_text", "rejected_text")) {
            if (dataset.get(unsupported).isPresent()) {
                throw r.error(dataset.get(unsupported).get(), "dataset." + unsupported
                        + ": preference (chosen/rejected) datasets are not supported by trainbench prepare yet");
            }
        }
        MappingNode tokenizer = r.mapping(top, "tokenizer", true);
        r.unknownKeys(tokenizer, "tokenizer.", Set.of("path", "bos_token", "max_vocab_size", "type"));
        Path tokenizerPath = InputPaths.resolve(file, r.string(tokenizer, "path", "tokenizer.", true));
        String bos = r.string(tokenizer, "bos_token", "tokenizer.", false);
        Map<String, Double> splits = new LinkedHashMap<>();
        if (top.get("splits").isPresent() && !(top.get("splits").get() instanceof ScalarNode s && s.isMissingValue())) {
            MappingNode splitNode = r.mapping(top, "splits", true);
            for (MappingNode.Entry entry : splitNode.entries()) {
                Object value = entry.value() instanceof ScalarNode s ? s.value() : null;
                if (!(value instanceof Number n) || n.doubleValue() < 0 || !Double.isFinite(n.doubleValue())) {
                    throw r.error(entry.value(), "splits." + entry.name() + " must be a non-negative number (a ratio such as 0.998)");
                }
                splits.put(entry.name(), n.doubleValue());
            }
            if (splits.values().stream().mapToDouble(Double::doubleValue).sum() <= 0) {
                throw r.error(splitNode, "splits: the ratios add up to 0; give at least one split a positive ratio");
            }
        }
        long seed = r.integer(top, "seed", 1234, Long.MIN_VALUE, Long.MAX_VALUE);
        return new PreparationSettings(file, output, workers, datasetPath, split == null ? "train" : split,
                field == null ? "text" : field, spans, tokenizerPath, bos, splits, seed);
    }

    /** Typed access with errors that name the file, line and key. */
    private static final class Reader {
        private final Path file;

        Reader(Path file) {
            this.file = file;
        }

        PreparationException error(YamlNode node, String problem) {
            return new PreparationException(file + ":" + line(node) + ": " + problem);
        }

        private static int line(YamlNode node) {
            return switch (node) {
                case ScalarNode s -> s.range().line();
                case MappingNode m -> m.range().line();
                case SequenceNode q -> q.range().line();
            };
        }

        void unknownKeys(MappingNode map, String prefix, Set<String> known) {
            for (MappingNode.Entry entry : map.entries()) {
                if (!known.contains(entry.name())) {
                    throw error(entry.key(), "unknown key '" + prefix + entry.name() + "'; expected one of "
                            + known.stream().sorted().map(k -> prefix + k).toList());
                }
            }
        }

        MappingNode mapping(MappingNode parent, String key, boolean required) {
            YamlNode node = parent.get(key).orElse(null);
            if (node == null) {
                throw new PreparationException(file + ": missing key '" + key + "'");
            }
            if (!(node instanceof MappingNode m)) {
                throw error(node, "'" + key + "' must be a mapping of keys");
            }
            return m;
        }

        String string(MappingNode parent, String key, String prefix, boolean required) {
            String name = (prefix == null ? "" : prefix) + key;
            YamlNode node = parent.get(key).orElse(null);
            if (node == null || (node instanceof ScalarNode s && s.isMissingValue())) {
                if (required) {
                    throw new PreparationException(file + ":" + line(parent) + ": missing key '" + name + "'");
                }
                return null;
            }
            if (!(node instanceof ScalarNode s) || s.value() == null) {
                throw error(node, "'" + name + "' must be a text value");
            }
            return s.text();
        }

        long integer(MappingNode parent, String key, long fallback, long min, long max) {
            YamlNode node = parent.get(key).orElse(null);
            if (node == null) {
                return fallback;
            }
            if (!(node instanceof ScalarNode s) || !(s.value() instanceof Long value)) {
                throw error(node, "'" + key + "' must be an integer");
            }
            if (value < min || value > max) {
                throw error(node, "'" + key + "' is " + value + ", expected " + min + " to " + max);
            }
            return value;
        }
    }

}
