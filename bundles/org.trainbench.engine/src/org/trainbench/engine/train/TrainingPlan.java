package org.trainbench.engine.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.trainbench.engine.config.training.MlpRecomputeLevel;
import org.trainbench.engine.config.training.TrainingDtype;
import org.trainbench.engine.data.DatasetSource;
import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.train.optim.AdamW;
import org.trainbench.engine.train.sampling.Shuffling;
import org.trainbench.engine.train.schedule.LearningRateSchedule;

/**
 * Everything a training run needs, resolved from the config: plain values, every default applied. The config keys
 * each field comes from are named in the parameter list; {@link TrainingPlans} builds a plan from a parsed config.
 *
 * @param architecture           {@code model.base_model.*}, or the pretrained model's config.json
 * @param modelSeed              {@code model.distributed.seed}: the initial weights when not pretrained
 * @param pretrained             {@code pretrained.*}, or null
 * @param trainingDtype          {@code model.distributed.training_dtype}: the arithmetic of forward and backward
 * @param batchSize              {@code batch.batch_size}: sequences per optimizer step
 * @param microBatchSize         {@code batch.micro_batch_size}: sequences per forward/backward
 * @param sequenceLength         {@code batch.sequence_length}
 * @param crossDocumentAttention {@code batch.cross_document_attention}
 * @param datasets               {@code data.datasets}: name to source; "training" is trained on
 * @param truncateDocuments      {@code data.truncate_documents}
 * @param useLossMaskingSpans    {@code data.sampling.use_loss_masking_spans}
 * @param shuffling              {@code data.sampling.shuffle}
 * @param dataSeed               {@code data.sampling.seed}
 * @param trainIters             {@code training.train_iters}
 * @param logs                   {@code training.logs.interval/offset}
 * @param evaluations            {@code training.evaluators.*} and the legacy {@code training.validation}
 * @param testIters              {@code training.test_iters}: batches of the "test" dataset evaluated after training
 * @param checkpoints            {@code training.checkpoint.interval/offset}
 * @param keepCheckpoints        {@code training.checkpoint.keep}, 0 for all
 * @param exports                {@code training.export.interval/offset}
 * @param exportFormat           {@code training.export.format}, null when exports are off
 * @param keepExports            {@code training.export.keep}, 0 for all
 * @param optimizer              {@code optimizer.beta_1/beta_2/epsilon/weight_decay/gradient_norm_clipping}
 * @param learningRate           {@code optimizer.learning_rate.*}
 * @param experimentDir          {@code run.experiment_dir}
 * @param resolvedConfig         the config as YAML with every default filled in, written to config.resolved.yaml;
 *                               null to write none
 */
public record TrainingPlan(
        LlamaArchitecture architecture,
        long modelSeed,
        TrainingDtype trainingDtype,
        MlpRecomputeLevel mlpRecomputeLevel,
        Pretrained pretrained,
        int batchSize,
        int microBatchSize,
        int sequenceLength,
        boolean crossDocumentAttention,
        Map<String, DatasetSource> datasets,
        boolean truncateDocuments,
        boolean useLossMaskingSpans,
        Shuffling shuffling,
        long dataSeed,
        int trainIters,
        Periodic logs,
        List<Evaluation> evaluations,
        int testIters,
        Periodic checkpoints,
        int keepCheckpoints,
        Periodic exports,
        String exportFormat,
        int keepExports,
        AdamW.Settings optimizer,
        LearningRateSchedule learningRate,
        Path experimentDir,
        String resolvedConfig) {

    /** The dataset trained on. */
    public static final String TRAINING = "training";
    /** The dataset {@code test_iters} evaluates. */
    public static final String TEST = "test";

    public TrainingPlan {
        java.util.Objects.requireNonNull(trainingDtype, "model.distributed.training_dtype");
        java.util.Objects.requireNonNull(mlpRecomputeLevel, "model.base_model.transformer.mlp_recompute_level");
        datasets = Map.copyOf(datasets);
        evaluations = List.copyOf(evaluations);
        requirePositive("batch.batch_size", batchSize);
        requirePositive("batch.micro_batch_size", microBatchSize);
        requirePositive("batch.sequence_length", sequenceLength);
        if (batchSize % microBatchSize != 0) {
            throw new IllegalArgumentException("batch.batch_size (" + batchSize + ") must be a multiple of batch.micro_batch_size ("
                    + microBatchSize + "): each step accumulates batch_size / micro_batch_size micro-batches");
        }
        if (trainIters < 0) {
            throw new IllegalArgumentException("training.train_iters: expected >= 0 but got " + trainIters);
        }
        if (testIters < 0) {
            throw new IllegalArgumentException("training.test_iters: expected >= 0 but got " + testIters);
        }
        if (trainIters > 0 && !datasets.containsKey(TRAINING)) {
            throw new IllegalArgumentException("data.datasets: no dataset named '" + TRAINING + "' to train on; datasets defined: "
                    + datasets.keySet());
        }
        for (Evaluation evaluation : evaluations) {
            if (!datasets.containsKey(evaluation.datasetName())) {
                throw new IllegalArgumentException("training.evaluators." + evaluation.name() + ".dataset_name: no dataset named '"
                        + evaluation.datasetName() + "' in data.datasets " + datasets.keySet());
            }
        }
        if (experimentDir == null) {
            throw new IllegalArgumentException("run.experiment_dir: required, the run writes its metrics and checkpoints there");
        }
    }

    private static void requirePositive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + ": expected > 0 but got " + value);
        }
    }

    /** Micro-batches accumulated per step. */
    public int microBatchesPerStep() {
        return batchSize / microBatchSize;
    }

    /** Input tokens per step (batch_size * sequence_length), padding included. */
    public long tokensPerStep() {
        return (long) batchSize * sequenceLength;
    }

    /**
     * Fast-LLM's interval: active at steps {@code offset + k * interval}; never when interval is 0 (unset).
     */
    public record Periodic(int interval, int offset) {
        public static final Periodic NEVER = new Periodic(0, 0);

        public Periodic {
            if (interval < 0 || offset < 0) {
                throw new IllegalArgumentException("interval and offset must be >= 0, got " + interval + " and " + offset);
            }
        }

        public static Periodic every(int interval) {
            return new Periodic(interval, 0);
        }

        public boolean enabled() {
            return interval > 0;
        }

        public boolean at(long step) {
            return interval > 0 && step >= offset && (step - offset) % interval == 0;
        }
    }

    /**
     * A loss evaluator: every {@code periodic} steps (and after the last step), {@code iterations} batches of
     * {@code batch_size} sequences from {@code datasetName}; each evaluation continues where the previous one stopped.
     */
    public record Evaluation(String name, String datasetName, Periodic periodic, int iterations) {
        public Evaluation {
            if (iterations <= 0) {
                throw new IllegalArgumentException("training.evaluators." + name + ".iterations: expected > 0 but got " + iterations);
            }
        }
    }

    /** {@code pretrained.format/path/model_weights}. */
    public record Pretrained(String format, Path path, boolean modelWeights) {
    }
}
