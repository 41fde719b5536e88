package org.trainbench.engine.run;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.trainbench.engine.json.Json;

/**
 * {@code metrics.jsonl} of a run directory: one {@link MetricsRecord} per line, appended and flushed line by line so
 * that the IDE (or {@code tail -f}) can follow a live run. Never rewritten: a resumed run appends. The format is
 * documented in docs/RUN_DIRECTORY.md and declared by {@link MetricsRecord}.
 */
public final class MetricsLog implements AutoCloseable {
    private final Path file;
    private final BufferedWriter writer;

    private MetricsLog(Path file, BufferedWriter writer) {
        this.file = file;
        this.writer = writer;
    }

    /** Opens (creating if needed) the run's {@code metrics.jsonl} for appending. */
    public static MetricsLog open(RunDirectory run) throws IOException {
        Files.createDirectories(run.root());
        Path file = run.metrics();
        return new MetricsLog(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE));
    }

    public Path file() {
        return file;
    }

    /** Appends one line and flushes it to the file. */
    public synchronized void append(MetricsRecord record) {
        try {
            writer.write(Json.write(record.toJson()));
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Every record of a complete {@code metrics.jsonl}, in file order, without lines of types this engine does not know.
     *
     * @throws IOException naming the file and line when one is not a metrics record
     */
    public static List<MetricsRecord> read(Path file) throws IOException {
        List<MetricsRecord> records = new ArrayList<>();
        int number = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            try {
                MetricsRecord record = MetricsRecord.parse(line, file + ":" + number);
                if (record != null) {
                    records.add(record);
                }
            } catch (MetricsRecord.MalformedLineException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        return records;
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
