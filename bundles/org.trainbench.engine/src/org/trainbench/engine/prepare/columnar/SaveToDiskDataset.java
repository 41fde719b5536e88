package org.trainbench.engine.prepare.columnar;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.trainbench.engine.json.Json;

/**
 * A directory written by Hugging Face's {@code Dataset.save_to_disk} ({@code state.json} listing its
 * {@code data-*.arrow} files under {@code _data_files}, in order, beside {@code dataset_info.json}) or by
 * {@code DatasetDict.save_to_disk} ({@code dataset_dict.json} listing the splits, one such directory per split).
 */
public final class SaveToDiskDataset {
    private SaveToDiskDataset() {
    }

    /** Whether {@code directory} is a saved Dataset or DatasetDict. */
    public static boolean isSavedDataset(Path directory) {
        return Files.isRegularFile(directory.resolve("state.json")) || Files.isRegularFile(directory.resolve("dataset_dict.json"));
    }

    /**
     * The Arrow files of the saved dataset at {@code directory}, in row order. For a DatasetDict, those of
     * {@code split}; a missing split is an error that lists the splits there are.
     */
    public static List<Path> dataFiles(Path directory, String split) throws IOException {
        if (!Files.isRegularFile(directory.resolve("state.json"))) {
            Path dict = directory.resolve("dataset_dict.json");
            List<String> splits = new ArrayList<>();
            if (parse(dict).get("splits") instanceof List<?> names) {
                names.forEach(name -> splits.add(String.valueOf(name)));
            }
            if (split == null || !splits.contains(split) || !Files.isDirectory(directory.resolve(split))) {
                throw new ColumnarFileException(directory, "this saved DatasetDict has the splits " + splits
                        + ", not '" + split + "'; set dataset.split to one of them");
            }
            return dataFiles(directory.resolve(split), null);
        }
        Path state = directory.resolve("state.json");
        Object files = parse(state).get("_data_files");
        if (!(files instanceof List<?> entries) || entries.isEmpty()) {
            throw new ColumnarFileException(state, "'_data_files' lists no Arrow files; expected "
                    + "[{\"filename\": \"data-00000-of-00001.arrow\"}, ...] as save_to_disk writes it");
        }
        List<Path> paths = new ArrayList<>();
        for (Object entry : entries) {
            if (!(entry instanceof Map<?, ?> map) || !(map.get("filename") instanceof String name)) {
                throw new ColumnarFileException(state, "an entry of '_data_files' has no \"filename\": " + Json.write(entry));
            }
            Path file = directory.resolve(name).normalize();
            if (!file.startsWith(directory.normalize()) || !Files.isRegularFile(file)) {
                throw new ColumnarFileException(state, "'_data_files' lists " + name + ", which is not a file in "
                        + directory + " (was the dataset copied completely?)");
            }
            paths.add(file);
        }
        return paths;
    }

    private static Map<?, ?> parse(Path json) throws IOException {
        try {
            if (Json.parse(Files.readString(json, StandardCharsets.UTF_8)) instanceof Map<?, ?> map) {
                return map;
            }
            throw new ColumnarFileException(json, "expected a JSON object");
        } catch (Json.SyntaxException e) {
            throw new ColumnarFileException(json, "not valid JSON: " + e.getMessage());
        }
    }
}
