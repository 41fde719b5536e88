package org.trainbench.engine.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.trainbench.engine.config.training.MlpRecomputeLevel;
import org.trainbench.engine.config.training.TrainingDtype;
import org.trainbench.engine.data.DatasetSource;
import org.trainbench.engine.data.MemmapDatasetWriter;
import org.trainbench.engine.data.TokenDataType;
import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.json.Json;
import org.trainbench.engine.train.optim.AdamW;
import org.trainbench.engine.train.sampling.Shuffling;
import org.trainbench.engine.train.schedule.DecayStyle;
import org.trainbench.engine.train.schedule.LearningRateSchedule;

/** Tiny models and datasets for trainer tests: a few milliseconds per step. */
final class TinyRuns {
    static final int VOCAB = 24;

    private TinyRuns() {
    }

    /**
     * The tiny run as a training config file (one layer, hidden 16, vocabulary 24): 4 iterations of 4 sequences x 16
     * tokens, logs and checkpoints every 2 steps, cosine learning rate from 1e-2. Tests change what they need with
     * {@code trainbench train --set key=value}, as a user would.
     *
     * @param dataset the training dataset's path as written in the file (absolute, or relative to the config file)
     */
    static Path writeConfig(Path file, String dataset, Path experimentDir) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, """
                training:
                  train_iters: 4
                  logs:
                    interval: 2
                  checkpoint:
                    interval: 2
                batch:
                  micro_batch_size: 2
                  sequence_length: 16
                  batch_size: 4
                data:
                  datasets:
                    training:
                      type: memmap
                      path: %s
                optimizer:
                  learning_rate:
                    base: 1.0e-02
                    decay_style: cosine
                    warmup_iterations: 1
                model:
                  base_model:
                    vocab_size: 24
                    transformer:
                      num_layers: 1
                      hidden_size: 16
                      num_attention_heads: 2
                      head_groups: 2
                      ffn_hidden_size: 32
                      gated: true
                      add_linear_biases: false
                      normalization:
                        type: rms_norm
                      rotary:
                        type: default
                run:
                  experiment_dir: %s
                """.formatted(dataset, experimentDir));
        return file;
    }

    static LlamaArchitecture architecture() {
        return LlamaArchitecture.llama(VOCAB, 16, 2, 2, 1, 32);
    }

    /**
     * Documents that count up from a start token (mod the vocabulary), lengths 3..10, the first two tokens of each
     * in a loss-masking span: learnable, and exercising spans.
     */
    static Path writeDataset(Path directory, String name, int documents, long seed) throws IOException {
        Files.createDirectories(directory);
        Path prefix = directory.resolve(name);
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        try (MemmapDatasetWriter writer = MemmapDatasetWriter.create(prefix, TokenDataType.UINT16, true)) {
            for (int d = 0; d < documents; d++) {
                int length = 3 + random.nextInt(8);
                int start = random.nextInt(VOCAB);
                int[] tokens = new int[length];
                for (int i = 0; i < length; i++) {
                    tokens[i] = (start + i) % VOCAB;
                }
                writer.add(tokens, new int[][] {{0, 1}});
            }
            writer.commit();
        }
        return prefix;
    }

    static TrainingPlan plan(Path dataDirectory, Path experimentDir, int trainIters, int checkpointInterval) throws IOException {
        Path training = dataDirectory.resolve("training");
        if (!Files.exists(Path.of(training + ".idx"))) {
            writeDataset(dataDirectory, "training", 200, 11);
            writeDataset(dataDirectory, "validation", 40, 12);
        }
        return new TrainingPlan(architecture(), 1234, TrainingDtype.FLOAT32, MlpRecomputeLevel.NONE, null, 4, 2, 16, false,
                Map.of("training", new DatasetSource.Memmap(training),
                        "validation", new DatasetSource.Memmap(dataDirectory.resolve("validation"))),
                false, true, Shuffling.EPOCH, 784569, trainIters, TrainingPlan.Periodic.every(1),
                List.of(new TrainingPlan.Evaluation("validation", "validation", TrainingPlan.Periodic.every(2), 2)), 0,
                checkpointInterval > 0 ? TrainingPlan.Periodic.every(checkpointInterval) : TrainingPlan.Periodic.NEVER, 0,
                TrainingPlan.Periodic.NEVER, null, 0,
                new AdamW.Settings(0.9, 0.95, 1e-8, 0.1, 1.0), LearningRateSchedule.of(3e-2, 3e-3, DecayStyle.COSINE, 2, 20),
                experimentDir, "training:\n  train_iters: " + trainIters + "\n");
    }

    /** The plan of {@link #plan} with a test dataset and test_iters, exports, or a pretrained start. */
    static TrainingPlan variant(TrainingPlan p, int testIters, TrainingPlan.Periodic exports, TrainingPlan.Pretrained pretrained) {
        Map<String, DatasetSource> datasets = new java.util.HashMap<>(p.datasets());
        if (testIters > 0) {
            datasets.put(TrainingPlan.TEST, p.datasets().get("validation"));
        }
        return new TrainingPlan(p.architecture(), p.modelSeed(), p.trainingDtype(), p.mlpRecomputeLevel(), pretrained, p.batchSize(), p.microBatchSize(), p.sequenceLength(),
                p.crossDocumentAttention(), datasets, p.truncateDocuments(), p.useLossMaskingSpans(), p.shuffling(), p.dataSeed(),
                p.trainIters(), p.logs(), p.evaluations(), testIters, p.checkpoints(), p.keepCheckpoints(), exports,
                exports.enabled() ? "llama" : null, 0, p.optimizer(), p.learningRate(), p.experimentDir(), p.resolvedConfig());
    }

    static TrainingPlan withIters(TrainingPlan p, int trainIters) {
        return new TrainingPlan(p.architecture(), p.modelSeed(), p.trainingDtype(), p.mlpRecomputeLevel(), p.pretrained(), p.batchSize(), p.microBatchSize(), p.sequenceLength(),
                p.crossDocumentAttention(), p.datasets(), p.truncateDocuments(), p.useLossMaskingSpans(), p.shuffling(), p.dataSeed(),
                trainIters, p.logs(), p.evaluations(), p.testIters(), p.checkpoints(), p.keepCheckpoints(), p.exports(),
                p.exportFormat(), p.keepExports(), p.optimizer(), p.learningRate(), p.experimentDir(), p.resolvedConfig());
    }

    static TrainingPlan withMicroBatch(TrainingPlan p, int microBatchSize, Path experimentDir) {
        return new TrainingPlan(p.architecture(), p.modelSeed(), p.trainingDtype(), p.mlpRecomputeLevel(), p.pretrained(), p.batchSize(), microBatchSize, p.sequenceLength(),
                p.crossDocumentAttention(), p.datasets(), p.truncateDocuments(), p.useLossMaskingSpans(), p.shuffling(), p.dataSeed(),
                p.trainIters(), p.logs(), p.evaluations(), p.testIters(), p.checkpoints(), p.keepCheckpoints(), p.exports(),
                p.exportFormat(), p.keepExports(), p.optimizer(), p.learningRate(), experimentDir, p.resolvedConfig());
    }

    /** The lines of metrics.jsonl, parsed. */
    static List<Map<String, Object>> metrics(Path experimentDir) throws IOException {
        List<Map<String, Object>> lines = new ArrayList<>();
        for (String line : Files.readAllLines(experimentDir.resolve("metrics.jsonl"), StandardCharsets.UTF_8)) {
            lines.add(Json.parseObject(line, "metrics.jsonl"));
        }
        return lines;
    }

    static List<Map<String, Object>> ofType(List<Map<String, Object>> lines, String type) {
        return lines.stream().filter(l -> type.equals(l.get("type"))).toList();
    }

    static List<Map<String, Object>> events(List<Map<String, Object>> lines, String event) {
        return lines.stream().filter(l -> "event".equals(l.get("type")) && event.equals(l.get("event"))).toList();
    }

    /** Records every step's loss exactly, and can request a stop (or run an action) after a given step. */
    static final class Recorder implements TrainingListener {
        final List<Double> losses = new ArrayList<>();
        final List<String> messages = new ArrayList<>();
        final Map<Long, Runnable> afterStep = new java.util.HashMap<>();

        @Override
        public void message(String text) {
            messages.add(text);
        }

        @Override
        public void stepFinished(long step, long trainIters, double loss, double learningRate, double gradientNorm, double tokensPerSecond,
                double elapsedSeconds) {
            losses.add(loss);
            Runnable action = afterStep.get(step);
            if (action != null) {
                action.run();
            }
        }
    }
}
