package org.trainbench.engine.train.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.trainbench.engine.run.RunDirectory;
import org.trainbench.engine.run.StepDirectory;
import org.trainbench.engine.train.ProgressLine;
import org.trainbench.engine.train.RunDirectoryLock;
import org.trainbench.engine.train.RunOutcome;
import org.trainbench.engine.train.StopSignal;
import org.trainbench.engine.train.Trainer;
import org.trainbench.engine.train.TrainingConfigFile;
import org.trainbench.engine.train.TrainingPlan;
import org.trainbench.engine.train.TrainingPlans;
import org.trainbench.engine.train.backend.BackendProvider;
import org.trainbench.engine.train.backend.CpuBackend;

/**
 * {@code trainbench demo}: writes the synthetic chat dataset and demo.yaml into a directory, trains the small Llama
 * through the same config path as {@code trainbench train}, then shows that it learned: the loss from start to end,
 * greedy answers to questions it never saw, and a loss-curve PNG. Interrupted (Ctrl-C), it resumes from its last
 * checkpoint when run again; finished, it shows the results again without retraining ({@code --fresh} starts over).
 */
public final class DemoRun {
    public static final Path DEFAULT_DIRECTORY = Path.of("trainbench-demo");
    /** Present in directories the demo made; {@code --fresh} clears only those, and only of what the demo wrote. */
    static final String MARKER = ".trainbench-demo";
    public static final String CONFIG = "demo.yaml";
    public static final String PLOT = "loss.png";
    private static final String DATASET_FILES = "data/(training|validation)\\.(bin|idx|lengths|span-counts|spans)(\\.partial)?|data/"
            + Pattern.quote(DemoDataset.TRAINING_CONFIG) + "|data/" + Pattern.quote(DemoDataset.VALIDATION_CONFIG);
    private static final String RUN_STEP_FOLDERS = "(" + Pattern.quote(RunDirectory.CHECKPOINTS) + "|" + Pattern.quote(RunDirectory.EXPORTS)
            + ")/(" + Pattern.quote(StepDirectory.TEMPORARY_PREFIX) + "|" + Pattern.quote(StepDirectory.DELETING_PREFIX) + ")?"
            + Pattern.quote(StepDirectory.PREFIX) + "\\d+";
    /**
     * The files the demo and its run write, relative to the directory: {@code --fresh} deletes these and nothing else
     * (ChatVocabulary's tokenizer files, the run directory's files of docs/RUN_DIRECTORY.md, the dataset).
     */
    private static final Pattern WRITTEN = Pattern.compile(String.join("|", Pattern.quote(CONFIG), Pattern.quote(PLOT),
            "tokenizer\\.json", "tokenizer_config\\.json", "generation_config\\.json", Pattern.quote(RunDirectory.METRICS),
            Pattern.quote(RunDirectory.RESOLVED_CONFIG), Pattern.quote(RunDirectory.LOGS + "/" + RunDirectory.TRAIN_LOG), DATASET_FILES, RUN_STEP_FOLDERS + "/.+"));
    /** The folders they make, deleted by {@code --fresh} once empty. */
    private static final Pattern WRITTEN_FOLDERS = Pattern.compile("data|" + Pattern.quote(RunDirectory.LOGS) + "|"
            + Pattern.quote(RunDirectory.CHECKPOINTS) + "|" + Pattern.quote(RunDirectory.EXPORTS) + "|" + RUN_STEP_FOLDERS + "(/.+)?");
    /** The demo succeeds when the final loss is below this share of the first, and most answers are right. */
    static final double REQUIRED_LOSS_RATIO = 0.25;
    static final double REQUIRED_ACCURACY = 0.8;

    /** What the demo reports at the end. */
    public record Result(RunOutcome outcome, double firstLoss, double lastLoss, Double validationLoss, AnswerCheck.Report answers,
            Path plot, double seconds) {
        public boolean learned() {
            return outcome.status() == RunOutcome.Status.FINISHED && lastLoss < REQUIRED_LOSS_RATIO * firstLoss
                    && answers.overall() >= REQUIRED_ACCURACY;
        }
    }

    private final Path directory;
    private final PrintWriter out;
    private final PrintWriter err;

    /**
     * @param out receives the results (what the model learned)
     * @param err receives progress and messages while it trains
     */
    private final BackendProvider backend;

    public DemoRun(Path directory, PrintWriter out, PrintWriter err) {
        this(directory, out, err, CpuBackend.PROVIDER);
    }

    /** A demo trained on {@code backend} ({@code trainbench demo --backend cuda}); the answers are checked on the CPU. */
    public DemoRun(Path directory, PrintWriter out, PrintWriter err, BackendProvider backend) {
        this.directory = directory;
        this.out = out;
        this.err = err;
        this.backend = backend;
    }

    /**
     * Prepares the directory, trains (or resumes), checks the answers and plots the loss.
     *
     * @param fresh    delete a previous demo run in the directory first
     * @param overrides {@code --set} assignments applied to demo.yaml (e.g. {@code training.train_iters=100})
     * @throws IllegalStateException when the directory holds something the demo did not make
     */
    public Result run(boolean fresh, List<String> overrides, StopSignal stop, boolean terminal)
            throws IOException, TrainingConfigFile.InvalidConfigException {
        long start = System.nanoTime();
        prepareDirectory(fresh);
        err.flush();
        Path data = directory.resolve("data");
        if (!Files.isRegularFile(data.resolve(DemoDataset.TRAINING_CONFIG)) || !Files.isRegularFile(data.resolve(DemoDataset.VALIDATION_CONFIG))) {
            err.println("writing the demo dataset (" + DemoDataset.TRAINING_CONVERSATIONS + " + " + DemoDataset.VALIDATION_CONVERSATIONS
                    + " synthetic chat conversations with loss-masking spans) to " + data);
            DemoDataset.write(data);
        }
        ChatVocabulary.writeTokenizerFiles(directory);
        Path config = directory.resolve(CONFIG);
        // The dataset path is relative to demo.yaml (as every input path of a config is), so the demo works from a
        // relative --dir and the run directory can be moved; run.experiment_dir follows the working directory.
        // --set training.train_iters=N is written into demo.yaml with the schedule fitted to N (decay over N steps).
        Files.writeString(config, DemoConfig.yaml(DemoConfig.DATA_DIRECTORY, slashes(directory),
                DemoConfig.trainIters(overrides)), StandardCharsets.UTF_8);
        err.println("config: " + config + " (train it yourself with: trainbench train " + slashes(config) + ")");

        TrainingConfigFile file = TrainingConfigFile.read(config, overrides);
        TrainingPlan plan = TrainingPlans.from(file.config(), file.resolvedYaml(), err::println);
        err.println(String.format(Locale.ROOT, "model: Llama, %d layers, hidden %d, %d heads (%d key/value groups), %,d parameters; "
                + "%d steps of %d sequences x %d tokens", plan.architecture().numLayers(), plan.architecture().hiddenSize(),
                plan.architecture().numAttentionHeads(), plan.architecture().headGroups(), plan.architecture().parameterCount(),
                plan.trainIters(), plan.batchSize(), plan.sequenceLength()));
        ProgressLine progress = new ProgressLine(err, terminal, terminal ? 0.5 : 5.0);
        Trainer trainer = new Trainer(plan, progress, null, null, backend);
        RunOutcome outcome = trainer.run(Trainer.ResumePolicy.AUTO, stop);
        if (outcome.status() != RunOutcome.Status.FINISHED) {
            if (outcome.status() == RunOutcome.Status.STOPPED) {
                err.println("demo stopped at step " + outcome.step() + "; run `trainbench demo" + dirOption() + "` again to continue from there");
            }
            return new Result(outcome, Double.NaN, outcome.lastLoss(), null, null, null, (System.nanoTime() - start) / 1e9);
        }

        Path metrics = RunDirectory.of(directory).metrics();
        LossCurvePlot.Series series = LossCurvePlot.read(metrics);
        double firstLoss = Double.isNaN(progress.firstLoss()) ? series.train().firstEntry().getValue() : progress.firstLoss();
        double lastLoss = Double.isNaN(outcome.lastLoss()) ? series.train().lastEntry().getValue() : outcome.lastLoss();
        Double validationLoss = series.validation().isEmpty() ? null : series.validation().lastEntry().getValue();
        Path plot = directory.resolve(PLOT);
        LossCurvePlot.write(metrics, plot, "trainbench demo: loss");

        AnswerCheck.Report answers = AnswerCheck.run(trainer.model(), ChatTask.conversations(DemoDataset.TRAINING_SEED,
                DemoDataset.TRAINING_CONVERSATIONS), 20, 20_251_125L);
        Result result = new Result(outcome, firstLoss, lastLoss, validationLoss, answers, plot, (System.nanoTime() - start) / 1e9);
        report(result);
        out.flush();
        return result;
    }

    private void report(Result result) {
        out.println();
        out.println(String.format(Locale.ROOT, "loss: %.3f at the start -> %.4f at step %d%s", result.firstLoss(), result.lastLoss(),
                result.outcome().step(), result.validationLoss() == null ? ""
                        : String.format(Locale.ROOT, " (validation %.4f)", result.validationLoss())));
        out.println("answers of the trained model (greedy); reverse and sort questions are not in its training data:");
        Map<ChatTask.Kind, List<AnswerCheck.Answer>> byKind = new java.util.EnumMap<>(ChatTask.Kind.class);
        for (AnswerCheck.Answer answer : result.answers().answers()) {
            byKind.computeIfAbsent(answer.kind(), k -> new ArrayList<>()).add(answer);
        }
        for (List<AnswerCheck.Answer> answers : byKind.values()) {
            for (AnswerCheck.Answer answer : answers.subList(0, Math.min(2, answers.size()))) {
                out.println(String.format(Locale.ROOT, "  %s  User: %-18s Assistant: %-10s%s", answer.correct() ? "ok" : "XX",
                        answer.question(), answer.actual(), answer.correct() ? "" : "  (expected " + answer.expected() + ")"));
            }
        }
        StringBuilder accuracy = new StringBuilder("right answers:");
        result.answers().accuracy().forEach((kind, share) -> accuracy.append(String.format(Locale.ROOT, " %s %.0f%%",
                kind.name().toLowerCase(Locale.ROOT), 100 * share)));
        out.println(accuracy + "  (additions: all 100 occur in training; reverse/sort questions are new)");
        out.println("loss curve: " + result.plot());
        out.println(String.format(Locale.ROOT, "demo took %s; the run directory is %s (%s, %s/, %s/)", duration(result.seconds()), directory,
                RunDirectory.METRICS, RunDirectory.CHECKPOINTS, RunDirectory.LOGS));
        out.println(result.learned() ? "the model learned the task."
                : "the model did not learn as expected (loss ratio or accuracy too low); see " + RunDirectory.of(directory).trainLog());
    }

    private void prepareDirectory(boolean fresh) throws IOException {
        Path marker = directory.resolve(MARKER);
        if (Files.isDirectory(directory) && !Files.exists(marker)) {
            try (Stream<Path> entries = Files.list(directory)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalStateException(directory + " exists and was not made by `trainbench demo`; choose another directory"
                            + " with --dir, or empty this one");
                }
            }
        }
        if (fresh && Files.exists(marker)) {
            // Not while a demo still trains there: the lock refuses, naming it.
            try (RunDirectoryLock lock = RunDirectoryLock.acquire(directory, err::println)) {
                removePreviousRun();
            }
        }
        Files.createDirectories(directory);
        if (!Files.exists(marker)) {
            Files.writeString(marker, "made by `trainbench demo`; `trainbench demo --fresh` may delete this directory's content\n");
        }
    }

    /**
     * Deletes what the demo and its run wrote ({@link #WRITTEN}) and the folders they leave empty; every other file
     * stays, and is named.
     */
    private void removePreviousRun() throws IOException {
        err.println("--fresh: removing the previous demo run in " + directory);
        List<Path> kept = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(directory)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                String relative = directory.relativize(p).toString().replace('\\', '/');
                if (p.equals(directory) || relative.equals(MARKER) || relative.equals(RunDirectory.LOCK)) {
                    continue;
                }
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    boolean empty;
                    try (Stream<Path> entries = Files.list(p)) {
                        empty = entries.findAny().isEmpty();
                    }
                    if (empty && WRITTEN_FOLDERS.matcher(relative).matches()) {
                        Files.delete(p);
                    }
                } else if (WRITTEN.matcher(relative).matches()) {
                    Files.delete(p);
                } else {
                    kept.add(p);
                }
            }
        }
        if (!kept.isEmpty()) {
            err.println("--fresh: kept " + kept.size() + " file(s) that the demo did not write: " + String.join(", ",
                    kept.reversed().stream().limit(5).map(Path::toString).toList()) + (kept.size() > 5 ? ", ..." : ""));
        }
    }

    private String dirOption() {
        return directory.equals(DEFAULT_DIRECTORY) ? "" : " --dir " + directory;
    }

    private static String slashes(Path path) {
        return path.toString().replace('\\', '/');
    }

    private static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60) : s + " s";
    }
}
