package org.trainbench.ui.experiments;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

import org.trainbench.engine.train.metrics.MetricsLog;

/**
 * An experiment directory written the way the engine writes one (its MetricsLog for metrics.jsonl, step-N checkpoint
 * directories with a manifest, logs/train.log), with a loss curve that falls like a real run's. Tests append to it
 * while the workbench follows it.
 */
public final class FakeRun implements AutoCloseable {
    public final Path directory;
    private final MetricsLog metrics;
    private final long trainIters;
    private final long tokensPerStep;
    private final double secondsPerStep;
    private final double lossScale;

    /** @param lossScale the final loss level; different runs get different curves */
    public FakeRun(Path directory, long trainIters, long tokensPerStep, double secondsPerStep, double lossScale) throws IOException {
        this.directory = directory;
        this.trainIters = trainIters;
        this.tokensPerStep = tokensPerStep;
        this.secondsPerStep = secondsPerStep;
        this.lossScale = lossScale;
        Files.createDirectories(directory.resolve("logs"));
        metrics = MetricsLog.open(directory);
    }

    public FakeRun config(String yaml) throws IOException {
        Files.writeString(directory.resolve(ExperimentLayout.RESOLVED_CONFIG), yaml, StandardCharsets.UTF_8);
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
        Map<String, Object> line = MetricsLog.event("started", fromStep);
        line.put("train_iters", trainIters);
        line.put("resumed_from_step", fromStep == 0 ? null : fromStep);
        line.put("tokens_per_step", tokensPerStep);
        metrics.append(line);
        log("training " + trainIters + " steps");
        return this;
    }

    public FakeRun train(long step) {
        Map<String, Object> line = MetricsLog.line("train");
        line.put("step", step);
        line.put("consumed_tokens", step * tokensPerStep);
        line.put("loss", loss(step));
        line.put("lr", 3e-4 * Math.min(1.0, step / 20.0) * (0.5 + 0.5 * Math.cos(Math.PI * step / trainIters)));
        line.put("grad_norm", 1.5 * Math.exp(-step / 200.0) + 0.3);
        line.put("tokens_per_s", tokensPerSecond(step));
        line.put("elapsed_s", step * secondsPerStep);
        line.put("memory_bytes", 1_500_000_000L + step * 1000);
        line.put("steps_averaged", 1);
        metrics.append(line);
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
        Map<String, Object> line = MetricsLog.line("validation");
        line.put("step", step);
        line.put("name", "validation");
        line.put("dataset", "validation");
        line.put("loss", validationLoss(step));
        line.put("iterations", 2);
        line.put("consumed_tokens", step * tokensPerStep);
        metrics.append(line);
        return this;
    }

    /** Writes {@code checkpoints/step-N} with a model file of {@code bytes} bytes and a manifest, and its event. */
    public FakeRun checkpoint(long step, int bytes) throws IOException {
        Path dir = directory.resolve(ExperimentLayout.CHECKPOINTS).resolve("step-" + step);
        Files.createDirectories(dir);
        Files.write(dir.resolve("model.safetensors"), new byte[bytes]);
        Files.writeString(dir.resolve("state.json"), "{\"step\":" + step + "}");
        Files.writeString(dir.resolve(StoredModels.MANIFEST), "{\"format\":\"trainbench-checkpoint\",\"step\":" + step + "}");
        Map<String, Object> line = MetricsLog.event("checkpoint_saved", step);
        line.put("path", "checkpoints/step-" + step);
        metrics.append(line);
        log("checkpoint written: " + dir);
        return this;
    }

    public FakeRun export(long step, int bytes) throws IOException {
        Path dir = directory.resolve(ExperimentLayout.EXPORTS).resolve("step-" + step);
        Files.createDirectories(dir);
        Files.write(dir.resolve("model.safetensors"), new byte[bytes]);
        Files.writeString(dir.resolve("config.json"), "{}");
        Map<String, Object> line = MetricsLog.event("export_written", step);
        line.put("format", "llama");
        line.put("path", "export/step-" + step);
        metrics.append(line);
        return this;
    }

    public FakeRun event(String event, long step, String key, Object value) {
        Map<String, Object> line = MetricsLog.event(event, step);
        if (key != null) {
            line.put(key, value);
        }
        metrics.append(line);
        return this;
    }

    public FakeRun finished(long step) {
        return event("finished", step, "loss", loss(step));
    }

    /** Appends raw text to metrics.jsonl (a malformed or partial line). */
    public FakeRun raw(String text) throws IOException {
        Files.writeString(directory.resolve(ExperimentLayout.METRICS), text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        return this;
    }

    public FakeRun log(String text) {
        try {
            Files.writeString(directory.resolve(ExperimentLayout.TRAIN_LOG), text + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
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
