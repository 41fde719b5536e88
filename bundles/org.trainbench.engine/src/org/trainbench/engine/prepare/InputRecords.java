package org.trainbench.engine.prepare;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.trainbench.engine.data.Json;

/**
 * Streams the records of a dataset, one at a time, in a fixed order: JSON Lines ({@code .jsonl}, {@code .json}, also
 * gzipped) give one record per non-blank line; plain text ({@code .txt}, also gzipped) gives one record
 * {@code {"text": line}} per line, as Hugging Face's {@code text} loader does. A directory is read file by file in
 * name order (its {@code <split>} subdirectory if there is one). Parquet files and {@code save_to_disk} directories are
 * recognised and refused with a message, as their readers are not written yet.
 */
final class InputRecords implements AutoCloseable {

    /** One input record; {@code fields} is null when the line is not a JSON object, then {@code problem} says why. */
    record InputRecord(Path file, long line, Map<String, Object> fields, String problem) {
        String where() {
            return file + ":" + line;
        }
    }

    private final List<Path> files;
    private int fileIndex = -1;
    private BufferedReader reader;
    private long line;
    private boolean text;

    InputRecords(List<Path> files) {
        this.files = files;
    }

    /** The data files of a dataset path, in reading order. */
    static List<Path> files(Path path, String split) throws IOException {
        if (!Files.exists(path)) {
            throw new PreparationException("dataset.path " + path + " does not exist (trainbench prepare reads local "
                    + "files: JSON Lines, .txt, or a directory of them; it does not download from the Hub)");
        }
        if (Files.isRegularFile(path)) {
            checkSupported(path);
            return List.of(path);
        }
        Path directory = split != null && Files.isDirectory(path.resolve(split)) ? path.resolve(split) : path;
        if (Files.exists(directory.resolve("dataset_dict.json")) || Files.exists(directory.resolve("state.json"))) {
            throw new PreparationException(directory + " is a Hugging Face save_to_disk dataset (Arrow files): "
                    + "its reader is not written yet. Export it as JSON Lines (dataset.to_json(\"data.jsonl\")) and "
                    + "point dataset.path at that file");
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            walk.filter(Files::isRegularFile).filter(p -> supported(p) || p.toString().endsWith(".parquet")
                    || p.toString().endsWith(".arrow")).sorted(Comparator.comparing(Path::toString)).forEach(found::add);
        }
        if (found.isEmpty()) {
            throw new PreparationException("dataset.path " + directory + " holds no data files (.jsonl, .json, .txt, "
                    + "optionally .gz)");
        }
        for (Path file : found) {
            checkSupported(file);
        }
        return found;
    }

    private static boolean supported(Path file) {
        String name = file.getFileName().toString().toLowerCase();
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        return name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".txt") || name.endsWith(".ndjson");
    }

    private static void checkSupported(Path file) {
        String name = file.getFileName().toString().toLowerCase();
        if (name.endsWith(".parquet") || name.endsWith(".arrow")) {
            throw new PreparationException(file + ": " + (name.endsWith(".parquet") ? "Parquet" : "Arrow")
                    + " input is not supported yet; convert it to JSON Lines (e.g. pandas.read_parquet(f).to_json("
                    + "\"data.jsonl\", orient=\"records\", lines=True, force_ascii=False))");
        }
        if (!supported(file)) {
            throw new PreparationException(file + ": unknown input format; expected .jsonl, .json (JSON Lines), "
                    + ".txt, optionally gzipped (.gz)");
        }
    }

    /** Counts records without parsing them (first pass, to size the split and the progress line). */
    static long count(List<Path> files) throws IOException {
        long count = 0;
        for (Path file : files) {
            boolean text = isText(file);
            try (BufferedReader in = open(file)) {
                String l;
                while ((l = in.readLine()) != null) {
                    if (text || !l.isBlank()) {
                        count++;
                    }
                }
            }
        }
        return count;
    }

    private static boolean isText(Path file) {
        String name = file.getFileName().toString().toLowerCase();
        return name.endsWith(".txt") || name.endsWith(".txt.gz");
    }

    private static BufferedReader open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (file.getFileName().toString().toLowerCase().endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        // Malformed UTF-8 becomes U+FFFD, as Python's errors="replace"; a record is never dropped for it.
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)), 1 << 16);
    }

    /** The next record, or null at the end of the last file. */
    InputRecord next() throws IOException {
        while (true) {
            if (reader == null) {
                if (++fileIndex >= files.size()) {
                    return null;
                }
                reader = open(files.get(fileIndex));
                text = isText(files.get(fileIndex));
                line = 0;
            }
            String l = reader.readLine();
            if (l == null) {
                reader.close();
                reader = null;
                continue;
            }
            line++;
            Path file = files.get(fileIndex);
            if (text) {
                return new InputRecord(file, line, Map.of("text", l), null);
            }
            if (l.isBlank()) {
                continue;
            }
            try {
                Object value = Json.parse(l);
                if (value instanceof Map<?, ?> map) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> fields = (Map<String, Object>) map;
                    return new InputRecord(file, line, fields, null);
                }
                return new InputRecord(file, line, null, "expected a JSON object per line, found "
                        + (value instanceof List<?> ? "an array" : "a " + (value == null ? "null" : value.getClass().getSimpleName())));
            } catch (Json.SyntaxException e) {
                return new InputRecord(file, line, null, "malformed JSON: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (reader != null) {
            reader.close();
        }
    }
}
