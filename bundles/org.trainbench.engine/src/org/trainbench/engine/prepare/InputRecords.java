package org.trainbench.engine.prepare;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import org.trainbench.engine.files.TextFiles;
import org.trainbench.engine.json.Json;
import org.trainbench.engine.prepare.columnar.ArrowStreamRecords;
import org.trainbench.engine.prepare.columnar.ColumnarFileException;
import org.trainbench.engine.prepare.columnar.ColumnarRecords;
import org.trainbench.engine.prepare.columnar.ParquetRecords;
import org.trainbench.engine.prepare.columnar.SaveToDiskDataset;

/**
 * Streams the records of a dataset, one at a time, in a fixed order: JSON Lines ({@code .jsonl}, {@code .json}, also
 * gzipped) give one record per non-blank line; plain text ({@code .txt}, also gzipped) gives one record
 * {@code {"text": line}} per line, as Hugging Face's {@code text} loader does; Parquet ({@code .parquet}) and Arrow
 * IPC ({@code .arrow}) files give one record per row. A directory is read file by file in name order (its
 * {@code <split>} subdirectory if there is one; only the files named for the split, such as
 * {@code train-00000-of-00002.parquet}, when some are); a Hugging Face {@code save_to_disk} directory is read in the
 * order of its {@code state.json}.
 * <p>
 * Each line is decoded on its own, strictly: a line that is not UTF-8 is an invalid record named by file and line
 * (skipped and counted with {@code --skip-invalid}), never read with U+FFFD in place of its bytes.
 */
final class InputRecords implements AutoCloseable {

    /**
     * One input record; {@code fields} is null when the line is not a JSON object, then {@code problem} says why.
     * {@code line} is a 1-based line number, or for Parquet and Arrow files ({@code row} true) the 0-based row index,
     * as {@code dataset[i]} counts.
     */
    record InputRecord(Path file, long line, Map<String, Object> fields, String problem, boolean row) {
        InputRecord(Path file, long line, Map<String, Object> fields, String problem) {
            this(file, line, fields, problem, false);
        }

        String where() {
            return row ? file + " row " + line : file + ":" + line;
        }
    }

    private final List<Path> files;
    private final Set<String> columns;
    private int fileIndex = -1;
    private InputLines reader;
    private ColumnarRecords rows;
    private long line;
    private boolean text;

    InputRecords(List<Path> files) {
        this(files, null);
    }

    /**
     * @param columns the fields the preparation uses: Parquet and Arrow files decode only these columns (the others
     *     keep their names in the record, so a missing field is still reported with the fields that exist); null
     *     decodes every column
     */
    InputRecords(List<Path> files, Set<String> columns) {
        this.files = files;
        this.columns = columns;
    }

    /** The data files of a dataset path, in reading order. */
    static List<Path> files(Path path, String split) throws IOException {
        if (!Files.exists(path)) {
            throw new PreparationException("dataset.path " + path + " does not exist (trainbench prepare reads local "
                    + "files: JSON Lines, .txt, Parquet, Arrow, a save_to_disk directory or a directory of such files; "
                    + "it does not download from the Hub)");
        }
        if (Files.isRegularFile(path)) {
            checkSupported(path);
            return List.of(path);
        }
        Path directory = split != null && Files.isDirectory(path.resolve(split)) ? path.resolve(split) : path;
        if (SaveToDiskDataset.isSavedDataset(directory)) {
            try {
                return SaveToDiskDataset.dataFiles(directory, split);
            } catch (ColumnarFileException e) {
                throw new PreparationException(e.getMessage());
            }
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            walk.filter(Files::isRegularFile).filter(p -> supported(p) || columnar(p))
                    .sorted(Comparator.comparing(Path::toString)).forEach(found::add);
        }
        if (found.isEmpty()) {
            throw new PreparationException("dataset.path " + directory + " holds no data files (.jsonl, .json, .txt, "
                    + "optionally .gz; .parquet, .arrow)");
        }
        if (split != null) {
            // Hugging Face's file naming for splits (train-00000-of-00002.parquet, validation.jsonl): when some files
            // are named for the split, the others belong to other splits.
            List<Path> named = found.stream().filter(p -> namedForSplit(p, split)).toList();
            if (!named.isEmpty()) {
                found = new ArrayList<>(named);
            }
        }
        for (Path file : found) {
            checkSupported(file);
        }
        return found;
    }

    private static boolean namedForSplit(Path file, String split) {
        String name = file.getFileName().toString();
        return name.startsWith(split + "-") || name.startsWith(split + "_") || name.startsWith(split + ".");
    }

    private static boolean columnar(Path file) {
        String name = file.getFileName().toString().toLowerCase();
        return name.endsWith(".parquet") || name.endsWith(".arrow");
    }

    private static boolean supported(Path file) {
        String name = file.getFileName().toString().toLowerCase();
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        return name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".txt") || name.endsWith(".ndjson");
    }

    private static void checkSupported(Path file) {
        if (!supported(file) && !columnar(file)) {
            throw new PreparationException(file + ": unknown input format; expected .jsonl, .json (JSON Lines), "
                    + ".txt, optionally gzipped (.gz), .parquet or .arrow");
        }
    }

    /** The number of records of all files (see {@link #countPerFile}). */
    static long count(List<Path> files) throws IOException {
        return java.util.Arrays.stream(countPerFile(files)).sum();
    }

    /**
     * Counts the records of each file without parsing them (first pass, to size the splits and the progress line, and
     * to name the files that hold none).
     */
    static long[] countPerFile(List<Path> files) throws IOException {
        long[] counts = new long[files.size()];
        for (int f = 0; f < files.size(); f++) {
            Path file = files.get(f);
            if (columnar(file)) {
                try {
                    counts[f] = file.getFileName().toString().toLowerCase().endsWith(".parquet")
                            ? ParquetRecords.rowCount(file) : ArrowStreamRecords.rowCount(file);
                } catch (ColumnarFileException e) {
                    throw new PreparationException(e.getMessage());
                }
                continue;
            }
            boolean text = isText(file);
            try (InputLines in = open(file)) {
                while (in.next()) {
                    if (text || !in.isBlank()) {
                        counts[f]++;
                    }
                }
            }
        }
        return counts;
    }

    private static boolean isText(Path file) {
        String name = file.getFileName().toString().toLowerCase();
        return name.endsWith(".txt") || name.endsWith(".txt.gz");
    }

    private static InputLines open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (file.getFileName().toString().toLowerCase().endsWith(".gz")) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return new InputLines(in);
    }

    /** The next record, or null at the end of the last file. */
    InputRecord next() throws IOException {
        try {
            return nextRecord();
        } catch (ColumnarFileException e) {
            throw new PreparationException(e.getMessage());
        }
    }

    private InputRecord nextRecord() throws IOException {
        while (true) {
            if (rows != null) {
                Map<String, Object> fields = rows.next();
                if (fields != null) {
                    return new InputRecord(files.get(fileIndex), rows.row(), fields, null, true);
                }
                rows.close();
                rows = null;
                continue;
            }
            if (reader == null) {
                if (++fileIndex >= files.size()) {
                    return null;
                }
                Path file = files.get(fileIndex);
                if (columnar(file)) {
                    rows = file.getFileName().toString().toLowerCase().endsWith(".parquet")
                            ? ParquetRecords.open(file, columns) : ArrowStreamRecords.open(file, columns);
                    continue;
                }
                reader = open(files.get(fileIndex));
                text = isText(files.get(fileIndex));
                line = 0;
            }
            if (!reader.next()) {
                reader.close();
                reader = null;
                continue;
            }
            line++;
            Path file = files.get(fileIndex);
            if (!text && reader.isBlank()) {
                continue;
            }
            int malformed = TextFiles.malformedUtf8At(reader.bytes(), 0, reader.length());
            if (malformed >= 0) {
                return new InputRecord(file, line, null, "not UTF-8 text at byte " + malformed + " of the line (0x"
                        + String.format("%02X", reader.bytes()[malformed] & 0xFF) + "): the line is in another encoding or"
                        + " the file is damaged; save it as UTF-8");
            }
            String l = reader.text();
            if (text) {
                return new InputRecord(file, line, Map.of("text", l), null);
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
        if (rows != null) {
            rows.close();
        }
    }
}
