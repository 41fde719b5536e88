package org.trainbench.engine.config.training;

import java.util.Map;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.Legacy;
import org.trainbench.engine.config.schema.Range;

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
        @Default("0") @Range(min = 0)
        int testIters) {

    public TrainingLoopConfig {
        evaluators = evaluators == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(evaluators));
    }
}
