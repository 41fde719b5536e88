package org.trainbench.ui.experiments;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.trainbench.engine.run.MetricsRecord;
import org.trainbench.engine.run.RunDirectory;

/**
 * Follows one experiment directory: tails its metrics.jsonl into {@link RunMetrics} and derives the run's status.
 *
 * <p>Status: the last of the events {@code started}, {@code finished}, {@code stopped}, {@code failed} decides. A run
 * whose last event is {@code started} is running unless its engine process is known to be gone (see
 * {@link EngineProcesses}) or, when the process cannot be checked (another machine, an engine that does not write its
 * pid), nothing in the directory has changed for longer than {@link #silenceLimit}: then it failed, and the last lines
 * of logs/train.log say why.
 *
 * <p>{@link #refresh} does file I/O: call it from a background job, never from the UI thread.
 */
public final class RunFollower {
    /** The shortest silence after which a run without a checkable process counts as failed. */
    public static final Duration MINIMUM_SILENCE = Duration.ofMinutes(10);
    /** How many times its longest gap so far a run may stay silent. */
    public static final int SILENCE_FACTOR = 3;
    /** Rows of the training series that set the pace for the ETA. */
    static final int PACE_ROWS = 20;
    static final int LOG_TAIL_LINES = 15;

    private final Path directory;
    private final String name;
    private final MetricsFollower follower;
    private final RunMetrics metrics = new RunMetrics();
    private final EngineProcesses processes;
    private final Duration minimumSilence;
    private RunSnapshot snapshot;
    /** Whether the directory ever held what an engine writes (before that, the run is not started, or starting). */
    private boolean seenRun;
    /** The started event of the current segment, as of the last refresh. */
    private MetricsRecord.Started started;
    private List<String> logTail = List.of();
    private FileTime logTailOf;

    public RunFollower(Path directory, String name, EngineProcesses processes) {
        this(directory, name, processes, MINIMUM_SILENCE);
    }

    public RunFollower(Path directory, String name, EngineProcesses processes, Duration minimumSilence) {
        this.directory = directory;
        this.name = name;
        this.follower = new MetricsFollower(RunDirectory.of(directory).metrics());
        this.processes = processes;
        this.minimumSilence = minimumSilence;
        this.snapshot = new RunSnapshot(directory, name, RunStatus.WAITING, null, 0, 0, Double.NaN, Double.NaN, null, null, 0, List.of());
    }

    public Path directory() {
        return directory;
    }

    public String name() {
        return name;
    }

    public RunMetrics metrics() {
        return metrics;
    }

    /** The snapshot of the last refresh. */
    public synchronized RunSnapshot snapshot() {
        return snapshot;
    }

    /**
     * How to ask this run's engine to checkpoint and stop, while it is starting or running and its process is known
     * ({@link EngineProcesses#stop}); empty otherwise.
     */
    public synchronized Optional<Runnable> stop() {
        RunStatus status = snapshot.status();
        if (status != RunStatus.RUNNING && status != RunStatus.WAITING) {
            return Optional.empty();
        }
        return processes.stop(directory, started);
    }

    /** How long this run may be silent before it counts as failed (when its process cannot be checked). */
    public Duration silenceLimit() {
        Duration byPace = metrics.longestGap().multipliedBy(SILENCE_FACTOR);
        return byPace.compareTo(minimumSilence) > 0 ? byPace : minimumSilence;
    }

    /** Reads what the engine appended and recomputes the status. */
    public synchronized RunSnapshot refresh(Instant now) {
        seenRun = seenRun || RunDirectory.of(directory).holdsRun();
        if (!seenRun) {
            // Nothing of a run yet: a launched engine is still starting (or ended before it wrote anything), else
            // the experiment was created and not started.
            Optional<Boolean> launched = processes.isAlive(directory, null);
            if (launched.isEmpty()) {
                snapshot = withStatus(snapshot, RunStatus.NOT_STARTED, "not started yet: run its config (Run As > Trainbench"
                        + " Training Run); the run will write into " + directory);
            } else if (launched.get()) {
                snapshot = withStatus(snapshot, RunStatus.WAITING, "the engine is starting");
            } else {
                snapshot = withStatus(snapshot, RunStatus.FAILED, "the engine ended before the run started: its message is in"
                        + " the Console (a config with errors, a missing dataset, ...)");
            }
            return snapshot;
        }
        if (!Files.isDirectory(directory)) {
            snapshot = withStatus(snapshot, RunStatus.MISSING, "the directory " + directory
                    + " was deleted or moved; what was read before is still shown");
            return snapshot;
        }
        String readProblem = null;
        try {
            if (follower.poll(metrics).missing() && metrics.generation() > 0) {
                readProblem = follower.file() + " was deleted or moved; what was read before is still shown";
            }
        } catch (IOException e) {
            readProblem = "cannot read " + follower.file() + ": " + e.getMessage();
        }
        Series train = metrics.train();
        List<MetricsRecord.Event> events = metrics.events();
        MetricsRecord.Started started = null;
        MetricsRecord.Event last = null;
        for (MetricsRecord.Event event : events) {
            if (event instanceof MetricsRecord.Started s) {
                started = s;
                last = event;
            } else if (event.isTerminal()) {
                last = event;
            }
        }
        Instant activity = lastActivity();
        RunStatus status;
        String detail = readProblem;
        if (last == null) {
            status = train.isEmpty() ? RunStatus.WAITING : RunStatus.RUNNING;
        } else {
            status = switch (last) {
                case MetricsRecord.Finished f -> RunStatus.FINISHED;
                case MetricsRecord.Stopped s -> RunStatus.STOPPED;
                case MetricsRecord.Failed f -> RunStatus.FAILED;
                default -> RunStatus.RUNNING;
            };
            if (last instanceof MetricsRecord.Failed failed && failed.message() != null && readProblem == null) {
                detail = failed.message();
            } else if (last instanceof MetricsRecord.Stopped stopped && stopped.reason() != null) {
                // The status says "stopped" already: the detail gives the reason only (was "stopped: stopped: ...").
                detail = stopped.reason() + "; run the same config again to resume";
            }
        }
        this.started = started;
        if (status == RunStatus.RUNNING) {
            Optional<Boolean> alive = processes.isAlive(directory, started);
            if (alive.isPresent() && !alive.get()) {
                status = RunStatus.FAILED;
                detail = "the engine process ended without finishing, stopping or reporting a failure (killed or crashed)";
            } else if (alive.isEmpty() && activity != null && Duration.between(activity, now).compareTo(silenceLimit()) > 0) {
                status = RunStatus.FAILED;
                detail = "nothing written for " + Durations.words(Duration.between(activity, now)) + " (the longest pause so far was "
                        + Durations.words(metrics.longestGap()) + "): the engine presumably died";
            }
        }
        if (status == RunStatus.FAILED) {
            logTail = readLogTail();
        } else {
            logTail = List.of();
        }
        long trainIters = started != null ? started.trainIters() : 0;
        long step = train.isEmpty() ? (last != null ? last.step() : 0) : Math.max((long) train.last(Metric.STEP), last != null ? last.step() : 0);
        Duration eta = status == RunStatus.RUNNING ? eta(train, started, trainIters, step) : null;
        snapshot = new RunSnapshot(directory, name, status, detail, step, trainIters, train.last(Metric.LOSS),
                train.last(Metric.TOKENS_PER_SECOND), eta, activity, metrics.malformedLines(), logTail);
        return snapshot;
    }

    private static RunSnapshot withStatus(RunSnapshot s, RunStatus status, String detail) {
        return new RunSnapshot(s.directory(), s.name(), status, detail, s.step(), s.trainIters(), s.lastLoss(), s.tokensPerSecond(), null,
                s.lastActivity(), s.malformedLines(), s.logTail());
    }

    /** Time left at the pace of the last {@value #PACE_ROWS} log intervals of the current session. */
    static Duration eta(Series train, MetricsRecord.Started started, long trainIters, long step) {
        if (trainIters <= 0 || step >= trainIters || train.count() < 2) {
            return null;
        }
        int last = train.count() - 1;
        int first = Math.max(0, last - PACE_ROWS);
        long sessionStart = started == null ? 0 : started.step();
        while (first < last && train.value(Metric.STEP, first) <= sessionStart) {
            first++;
        }
        double steps = train.value(Metric.STEP, last) - train.value(Metric.STEP, first);
        double seconds = train.value(Metric.ELAPSED_SECONDS, last) - train.value(Metric.ELAPSED_SECONDS, first);
        if (first == last || steps <= 0 || !(seconds > 0)) {
            return null;
        }
        return Duration.ofMillis(Math.round((trainIters - step) * seconds / steps * 1000));
    }

    private Instant lastActivity() {
        Instant latest = null;
        for (Path file : List.of(follower.file(), RunDirectory.of(directory).trainLog())) {
            try {
                Instant modified = Files.getLastModifiedTime(file).toInstant();
                if (latest == null || modified.isAfter(latest)) {
                    latest = modified;
                }
            } catch (IOException e) {
                // not written yet, or gone: no activity from it
            }
        }
        return latest;
    }

    private List<String> readLogTail() {
        Path log = RunDirectory.of(directory).trainLog();
        try {
            FileTime modified = Files.getLastModifiedTime(log);
            if (modified.equals(logTailOf)) {
                return logTail;
            }
            logTailOf = modified;
            return lastLines(log, LOG_TAIL_LINES);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The last {@code n} lines of a text file, reading at most its last 16 KiB. */
    static List<String> lastLines(Path file, int n) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            int window = (int) Math.min(length, 16 * 1024);
            byte[] bytes = new byte[window];
            in.seek(length - window);
            in.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>(Arrays.asList(text.split("\r?\n")));
            if (window < length && !lines.isEmpty()) {
                lines.removeFirst(); // cut in the middle
            }
            lines.removeIf(String::isBlank);
            return List.copyOf(lines.subList(Math.max(0, lines.size() - n), lines.size()));
        }
    }
}
