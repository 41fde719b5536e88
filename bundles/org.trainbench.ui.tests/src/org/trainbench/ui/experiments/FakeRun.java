package org.trainbench.ui.experiments;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

import org.trainbench.engine.json.Json;
import org.trainbench.engine.run.MetricsLog;
import org.trainbench.engine.run.MetricsRecord;
import org.trainbench.engine.run.RunDirectory;
import org.trainbench.engine.train.checkpoint.CheckpointStore;

/**
 * An experiment directory written the way the engine writes one (its MetricsLog for metrics.jsonl, step-N checkpoint
 * directories with a manifest, logs/train.log), with a loss curve that falls like a real run's. Tests append to it
 * while the workbench follows it.
 */
public final class FakeRun implements AutoCloseable {
    public final Path directory;
    private final RunDirectory run;
    private final MetricsLog metrics;
    private final long trainIters;
    private final long tokensPerStep;
    private final double secondsPerStep;
    private final double lossScale;

    /** @param lossScale the final loss level; different runs get different curves */
    public FakeRun(Path directory, long trainIters, long tokensPerStep, double secondsPerStep, double lossScale) throws IOException {
        this.directory = directory;
        this.run = RunDirectory.of(directory);
        this.trainIters = trainIters;
        this.tokensPerStep = tokensPerStep;
        this.secondsPerStep = secondsPerStep;
        this.lossScale = lossScale;
        Files.createDirectories(run.logs());
        metrics = MetricsLog.open(run);
    }

    public FakeRun config(String yaml) throws IOException {
        Files.writeString(run.resolvedConfig(), yaml, StandardCharsets.UTF_8);
        return this;
    }

    /** The training loss this run logs at a step: a decaying curve with a little deterministic wiggle. */
    public double loss(long step) {
        return lossScale + 8.0 * Math.exp(-step / (trainIters / 6.0)) + 0.05 * Math.sin(step * 0.7);
    }

    /** Throughput of a step: the nominal rate with a few percent of deterministic jitter. */
    public double tokensPerSecond(long step) {
        double jitter = Math.floorMod(step * 2654435761L, 1000) / 1000.0 - 0.5;
        return tokensPerStep / secondsPerStep * (1 + 0.04 * jitter);
    }

    public double validationLoss(long step) {
        return lossScale + 0.1 + 8.0 * Math.exp(-step / (trainIters / 6.0));
    }

    public FakeRun started(long fromStep) {
        metrics.append(new MetricsRecord.Started(MetricsRecord.now(), fromStep, trainIters, fromStep == 0 ? null : fromStep, 0, 0,
                tokensPerStep, 0, null, null, null, null, null, Map.of()));
        log("training " + trainIters + " steps");
        return this;
    }

    public FakeRun train(long step) {
        metrics.append(new MetricsRecord.Train(MetricsRecord.now(), step, step * tokensPerStep, loss(step),
                3e-4 * Math.min(1.0, step / 20.0) * (0.5 + 0.5 * Math.cos(Math.PI * step / trainIters)), 1.5 * Math.exp(-step / 200.0) + 0.3,
                tokensPerSecond(step), step * secondsPerStep, 1_500_000_000L + step * 1000, -1, Double.NaN, 1, -1));
        return this;
    }

    /** Train lines for steps {@code from..to} every {@code interval}. */
    public FakeRun train(long from, long to, long interval) {
        for (long step = from; step <= to; step += interval) {
            train(step);
        }
        return this;
    }

    public FakeRun validation(long step) {
        metrics.append(new MetricsRecord.Evaluation(MetricsRecord.now(), false, step, "validation", "validation", validationLoss(step), 2, -1,
                step * tokensPerStep, Double.NaN));
        return this;
    }

    /** Writes {@code checkpoints/step-N} with a model file of {@code bytes} bytes and a manifest, and its event. */
    public FakeRun checkpoint(long step, int bytes) throws IOException {
        Path dir = run.checkpoint(step);
        Files.createDirectories(dir);
        Files.write(dir.resolve("model.safetensors"), new byte[bytes]);
        Files.writeString(dir.resolve(CheckpointStore.STATE_FILE), "{\"step\":" + step + "}");
        Files.writeString(dir.resolve(CheckpointStore.MANIFEST_FILE), "{\"format\":\"trainbench-checkpoint\",\"step\":" + step + "}");
        metrics.append(new MetricsRecord.CheckpointSaved(MetricsRecord.now(), step, run.relative(dir), Double.NaN));
        log("checkpoint written: " + dir);
        return this;
    }

    public FakeRun export(long step, int bytes) throws IOException {
        Path dir = run.export(step);
        Files.createDirectories(dir);
        Files.write(dir.resolve("model.safetensors"), new byte[bytes]);
        Files.writeString(dir.resolve("config.json"), "{}");
        metrics.append(new MetricsRecord.ExportWritten(MetricsRecord.now(), step, "llama", run.relative(dir)));
        return this;
    }

    /** An event line with one field besides its name and step, read into its typed record and written as the engine would. */
    public FakeRun event(String event, long step, String key, Object value) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("type", MetricsRecord.EVENT);
        line.put("time", MetricsRecord.now().toString());
        line.put("event", event);
        line.put("step", step);
        if (key != null) {
            line.put(key, value);
        }
        try {
            metrics.append(MetricsRecord.parse(Json.write(line), "FakeRun"));
        } catch (MetricsRecord.MalformedLineException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return this;
    }

    public FakeRun finished(long step) {
        return event("finished", step, "loss", loss(step));
    }

    /** Appends raw text to metrics.jsonl (a malformed or partial line). */
    public FakeRun raw(String text) throws IOException {
        Files.writeString(run.metrics(), text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        return this;
    }

    public FakeRun log(String text) {
        try {
            Files.writeString(run.trainLog(), text + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return this;
    }

    /** A small Fast-LLM style resolved config with the given overrides of {@code key: value} leaves. */
    public static String config(String experimentDir, String learningRate, int layers, long trainIters) {
        return """
                training:
                  train_iters: %d
                  logs:
                    interval: 10
                  checkpoint:
                    interval: 100
                batch:
                  sequence_length: 512
                  batch_size: 8
                optimizer:
                  learning_rate:
                    base: %s
                    warmup_iterations: 20
                  beta_2: 0.95
                model:
                  base_model:
                    transformer:
                      num_layers: %d
                      hidden_size: 256
                run:
                  experiment_dir: %s
                """.formatted(trainIters, learningRate, layers, experimentDir);
    }

    @Override
    public void close() {
        metrics.close();
    }
}
