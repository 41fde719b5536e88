package org.trainbench.engine.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

import java.util.Map;

import org.trainbench.engine.config.yaml.MappingNode;
import org.trainbench.engine.config.yaml.SequenceNode;
import org.trainbench.engine.config.yaml.YamlNode;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.config.yaml.YamlSyntaxException;
import org.trainbench.engine.config.yaml.YamlWriter;
import org.trainbench.engine.files.TextFiles;

/**
 * Reads and writes Fast-LLM's dataset config files, the {@code fast_llm_config_<split>.yaml} that the preparator writes
 * next to the memmap files and a training config names with {@code data.datasets.<name>: {type: file, path: ...}}.
 * <p>
 * As in Fast-LLM, every {@code path} inside the file is relative to the file's directory; absolute paths and
 * {@code ..} are refused so that a dataset config cannot reach outside its directory. The newer wrapped form
 * {@code {config: ..., metadata: ...}} is unwrapped.
 */
public final class DatasetConfigFile {

    private DatasetConfigFile() {
    }

    /** Reads a dataset config file into a {@link DatasetSource} with absolute, resolved paths. */
    public static DatasetSource read(Path file) throws IOException {
        String text;
        try {
            text = TextFiles.readUtf8(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null,
                    "dataset config file not found; run `trainbench prepare` to create it or fix the path");
        }
        Object tree;
        try {
            YamlNode root = YamlParser.parse(text);
            rejectDuplicateKeys(root, file);
            tree = root.plainValue();
        } catch (YamlSyntaxException e) {
            throw new DatasetFormatException(file, e.getMessage());
        }
        if (tree instanceof Map<?, ?> map && map.keySet().equals(java.util.Set.of("config", "metadata"))) {
            tree = map.get("config");
        }
        return source(tree, file, "");
    }

    /** PyYAML keeps the last of two equal keys without a word; in a dataset config that is always a mistake. */
    private static void rejectDuplicateKeys(YamlNode node, Path file) throws DatasetFormatException {
        switch (node) {
            case MappingNode mapping -> {
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (MappingNode.Entry entry : mapping.entries()) {
                    if (!seen.add(entry.name())) {
                        throw new DatasetFormatException(file, entry.key().range().line() + ":" + entry.key().range().column()
                                + ": duplicate key \"" + entry.name() + "\"; keep one of them");
                    }
                    rejectDuplicateKeys(entry.value(), file);
                }
            }
            case SequenceNode sequence -> {
                for (YamlNode item : sequence.items()) {
                    rejectDuplicateKeys(item, file);
                }
            }
            default -> {
            }
        }
    }

    private static DatasetSource source(Object node, Path file, String key) throws IOException {
        String where = key.isEmpty() ? "the top level" : "'" + key + "'";
        if (!(node instanceof Map<?, ?> map)) {
            throw new DatasetFormatException(file, "expected a mapping with a 'type' at " + where + ", found " + node);
        }
        Object type = map.get("type");
        String prefix = key.isEmpty() ? "" : key + ".";
        switch (String.valueOf(type)) {
            case "memmap" -> {
                return new DatasetSource.Memmap(resolve(file, map.get("path"), prefix + "path"));
            }
            case "file" -> {
                return read(resolve(file, map.get("path"), prefix + "path"));
            }
            case "slice" -> {
                return new DatasetSource.Slice(source(map.get("dataset"), file, prefix + "dataset"),
                        number(file, map, "begin", 0.0, prefix), number(file, map, "end", 1.0, prefix));
            }
            case "concatenated" -> {
                return new DatasetSource.Concatenated(sources(file, map, prefix));
            }
            case "blended" -> {
                List<DatasetSource> datasets = sources(file, map, prefix);
                Object weights = map.get("weights");
                if (!(weights instanceof List<?> list) || list.size() != datasets.size()) {
                    throw new DatasetFormatException(file, "'" + prefix + "weights' must be a list of " + datasets.size()
                            + " numbers, one per dataset; found " + weights);
                }
                List<Double> values = new ArrayList<>();
                for (Object weight : list) {
                    if (!(weight instanceof Number n) || n.doubleValue() < 0) {
                        throw new DatasetFormatException(file, "'" + prefix + "weights' holds " + weight
                                + ", expected non-negative numbers");
                    }
                    values.add(n.doubleValue());
                }
                return new DatasetSource.Blended(datasets, values);
            }
            default -> throw new DatasetFormatException(file, "'" + prefix + "type' is " + (type == null ? "missing" : "'" + type + "'")
                    + "; expected one of memmap, file, slice, concatenated, blended");
        }
    }

    private static List<DatasetSource> sources(Path file, Map<?, ?> map, String prefix) throws IOException {
        if (!(map.get("datasets") instanceof List<?> list) || list.isEmpty()) {
            throw new DatasetFormatException(file, "'" + prefix + "datasets' must be a non-empty list of datasets");
        }
        List<DatasetSource> sources = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            sources.add(source(list.get(i), file, prefix + "datasets[" + i + "]"));
        }
        return sources;
    }

    private static double number(Path file, Map<?, ?> map, String key, double fallback, String prefix)
            throws DatasetFormatException {
        Object value = map.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number n)) {
            throw new DatasetFormatException(file, "'" + prefix + key + "' must be a number, found " + value);
        }
        return n.doubleValue();
    }

    private static Path resolve(Path file, Object path, String key) throws DatasetFormatException {
        if (!(path instanceof String text) || text.isBlank()) {
            throw new DatasetFormatException(file, "'" + key + "' must be a path relative to " + directory(file)
                    + ", found " + path);
        }
        Path relative = Path.of(text);
        if (relative.isAbsolute() || relative.normalize().startsWith("..") || text.contains("..")) {
            throw new DatasetFormatException(file, "'" + key + "' is " + text + ", but paths in a dataset config must be "
                    + "relative and stay inside " + directory(file) + " (as Fast-LLM requires)");
        }
        return directory(file).resolve(relative);
    }

    private static Path directory(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of("") : parent;
    }

    /**
     * Writes {@code source} to {@code file} as PyYAML would lay it out; paths are written relative to the file's
     * directory and must lie inside it. Written to a temporary sibling and moved into place.
     */
    public static void write(Path file, DatasetSource source) throws IOException {
        String text = YamlWriter.write(tree(source, directory(file)));
        Path partial = file.resolveSibling(file.getFileName() + MemmapDatasetWriter.PARTIAL_SUFFIX);
        Files.writeString(partial, text, StandardCharsets.UTF_8);
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The YAML tree of a source (keys in Fast-LLM's order), paths relative to {@code directory}. */
    public static Map<String, Object> tree(DatasetSource source, Path directory) {
        Map<String, Object> map = new LinkedHashMap<>();
        switch (source) {
            case DatasetSource.Memmap memmap -> {
                Path absolute = memmap.prefix().toAbsolutePath().normalize();
                Path base = directory.toAbsolutePath().normalize();
                if (!absolute.startsWith(base)) {
                    throw new IllegalArgumentException(memmap.prefix() + " is not inside " + directory);
                }
                map.put("type", "memmap");
                map.put("path", base.relativize(absolute).toString().replace('\\', '/'));
            }
            case DatasetSource.Slice slice -> {
                map.put("type", "slice");
                map.put("dataset", tree(slice.dataset(), directory));
                map.put("begin", slice.begin());
                map.put("end", slice.end());
            }
            case DatasetSource.Concatenated concatenated -> {
                map.put("type", "concatenated");
                map.put("datasets", concatenated.datasets().stream().map(d -> (Object) tree(d, directory)).toList());
            }
            case DatasetSource.Blended blended -> {
                map.put("type", "blended");
                map.put("datasets", blended.datasets().stream().map(d -> (Object) tree(d, directory)).toList());
                map.put("weights", List.copyOf(blended.weights()));
            }
            case DatasetSource.Random random -> map.put("type", "random");
        }
        return map;
    }
}
