package org.trainbench.engine.train.metrics;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

import org.trainbench.engine.json.Json;

/**
 * {@code metrics.jsonl} of a run directory: one JSON object per line, appended and flushed line by line so that the
 * IDE (or {@code tail -f}) can follow a live run. The schema is documented in docs/RUN_DIRECTORY.md; every line has
 * {@code type} and {@code time} (UTC, ISO-8601, milliseconds). Never rewritten: a resumed run appends.
 */
public final class MetricsLog implements AutoCloseable {
    public static final String FILE_NAME = "metrics.jsonl";

    private final Path file;
    private final BufferedWriter writer;

    private MetricsLog(Path file, BufferedWriter writer) {
        this.file = file;
        this.writer = writer;
    }

    /** Opens (creating if needed) {@code directory/metrics.jsonl} for appending. */
    public static MetricsLog open(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(FILE_NAME);
        return new MetricsLog(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE));
    }

    public Path file() {
        return file;
    }

    /** Starts a line of this type; fields are added in the order given, after {@code type} and {@code time}. */
    public static Map<String, Object> line(String type) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", type);
        line.put("time", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        return line;
    }

    /** An {@code event} line. */
    public static Map<String, Object> event(String event, long step) {
        Map<String, Object> line = line("event");
        line.put("event", event);
        line.put("step", step);
        return line;
    }

    /** Appends one line and flushes it to the file. */
    public synchronized void append(Map<String, Object> line) {
        try {
            writer.write(Json.write(line));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file + ": " + e.getMessage(), e);
        }
    }
}
