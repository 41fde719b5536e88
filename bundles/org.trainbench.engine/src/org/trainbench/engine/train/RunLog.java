package org.trainbench.engine.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.trainbench.engine.run.MetricsLog;
import org.trainbench.engine.run.MetricsRecord;
import org.trainbench.engine.run.RunDirectory;

/**
 * What a run reports while it goes: messages for the user (to the {@link TrainingListener}, and on the rank that
 * writes the run's files also to {@code logs/train.log}) and {@code metrics.jsonl} lines. On the other ranks of a
 * data-parallel group nothing is opened and only the listener hears the messages.
 */
final class RunLog implements AutoCloseable {
    private final TrainingListener listener;
    private Path logFile;
    private MetricsLog metrics;

    RunLog(TrainingListener listener) {
        this.listener = listener;
    }

    TrainingListener listener() {
        return listener;
    }

    /** From now on messages are also appended to {@code logs/train.log}. */
    void openTrainLog(RunDirectory run) throws IOException {
        Files.createDirectories(run.logs());
        logFile = run.trainLog();
    }

    /** From now on {@link #record} appends to {@code metrics.jsonl}. */
    void openMetrics(RunDirectory run) throws IOException {
        metrics = MetricsLog.open(run);
    }

    /** A line for the user. */
    void say(String text) {
        listener.message(text);
        if (logFile != null) {
            try {
                Files.writeString(logFile, Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + text + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                // The log file is a convenience copy; the listener has the message.
            }
        }
    }

    /** Appends to metrics.jsonl on the rank that writes the run's files. */
    void record(MetricsRecord line) {
        if (metrics != null) {
            metrics.append(line);
        }
    }

    @Override
    public void close() {
        if (metrics != null) {
            metrics.close();
            metrics = null;
        }
    }
}
