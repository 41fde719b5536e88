package org.trainbench.engine.config.training;

import static org.trainbench.engine.config.schema.FastLlmVersion.V0_2;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_3;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_4;

import java.util.Map;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.Legacy;
import org.trainbench.engine.config.schema.NotHonoured;
import org.trainbench.engine.config.schema.Range;
import org.trainbench.engine.config.schema.Versions;

/** The {@code training} section: the loop and its periodic actions. */
public record TrainingLoopConfig(
        @Doc("Total number of training iterations (optimizer steps).")
        @Default("0") @Range(min = 0)
        int trainIters,
        @Doc("Periodic logging of the training metrics.")
        IntervalConfig logs,
        @Doc("Evaluations during training, by name: each runs an evaluator (e.g. the loss on a validation dataset) every interval iterations.")
        Map<String, EvaluatorEntryConfig> evaluators,
        @Doc("Legacy single validation phase: iterations batches of the validation dataset every interval iterations.")
        @Legacy(replacedBy = "evaluators.validation", note = "with its interval, and evaluator: {type: loss, iterations, dataset_name: validation}")
        LegacyValidationConfig validation,
        @Doc("Periodic checkpoints of the full training state (weights, optimizer, data position), for resuming.")
        CheckpointConfig checkpoint,
        @Doc("Periodic exports of the model weights in an external format (e.g. Hugging Face Llama).")
        ExportConfig export,
        @Doc("Number of iterations of the test phase on the test dataset after training; 0 disables it.")
        @Default("0") @Range(min = 0) @Versions({V0_2, V0_3})
        int testIters,
        @Doc("Number of data-loading processes per data iterator.")
        @Default("2") @Range(min = 0)
        @NotHonoured("Trainbench reads its memory-mapped data in the training process, with the same results.")
        int numWorkers,
        @Doc("Micro-batches each data-loading process prepares in advance.")
        @Range(min = 1)
        @NotHonoured("Trainbench reads its memory-mapped data in the training process, with the same results.")
        Integer prefetchFactor,
        @Doc("Timeout of lengthy operations (checkpoint saving and loading, dataset preparation and sampling), in seconds.")
        @Default("3600.0") @Range(min = 0, minExclusive = true)
        @NotHonoured("Trainbench does not time out these operations.")
        Double timeout,
        @Doc("Logging to Weights & Biases: project, group, entity and alerts.")
        @NotHonoured("Trainbench logs to metrics.jsonl in the experiment directory, which its views read; nothing is sent to Weights & Biases.")
        WandbConfig wandb,
        @Doc("Automated shutdown every interval iterations, after a checkpoint.")
        @NotHonoured("Trainbench runs until train_iters, or until stopped (SIGTERM writes a checkpoint first).")
        IntervalConfig shutdown) {

    /** The keys the engine reads, the others at their defaults. */
    public TrainingLoopConfig(int trainIters, IntervalConfig logs, Map<String, EvaluatorEntryConfig> evaluators,
            LegacyValidationConfig validation, CheckpointConfig checkpoint, ExportConfig export, int testIters) {
        this(trainIters, logs, evaluators, validation, checkpoint, export, testIters, 2, null, 3600.0, null, null);
    }

    public TrainingLoopConfig {
        evaluators = evaluators == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(evaluators));
    }
}
