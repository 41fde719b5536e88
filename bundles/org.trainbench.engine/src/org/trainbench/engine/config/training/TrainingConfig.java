package org.trainbench.engine.config.training;

import java.util.Map;

import static org.trainbench.engine.config.schema.FastLlmVersion.V0_2;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_3;

import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.NotHonoured;
import org.trainbench.engine.config.schema.Versions;
import org.trainbench.engine.config.schema.OptionalSection;
import org.trainbench.engine.config.schema.Required;

/**
 * A training config (Fast-LLM's {@code fast-llm train gpt} config), as bound by
 * {@link org.trainbench.engine.config.schema.ConfigBinder}: every default applied, legacy keys moved to their current
 * place. This record and the records it holds are also the schema: their annotations are what the checker,
 * completion, hover and CLI help read.
 */
@Doc("A training config: what to train (model, pretrained), on what (data, batch), how (optimizer, training) and where to write the run (run).")
public record TrainingConfig(
        @Doc("The training loop: number of iterations, logging, evaluation, checkpoints and exports.")
        TrainingLoopConfig training,
        @Doc("Batch shape: sequences per step and per micro-batch, sequence length, document packing (Fast-LLM 0.4 writes data.micro_batch_size and schedule instead).")
        @Versions({V0_2, V0_3})
        BatchConfig batch,
        @Doc("The datasets and how they are sampled.")
        DataConfig data,
        @Doc("The AdamW optimizer and its learning-rate schedule.")
        OptimizerConfig optimizer,
        @Doc("A pretrained model to start from: its architecture, and its weights unless model_weights is off. Without it, the architecture comes from model.base_model and the weights are initialized randomly.")
        @OptionalSection
        PretrainedConfig pretrained,
        @Doc("The model architecture and how it is distributed and computed.")
        ModelConfig model,
        @Doc("Where the run writes its outputs.")
        @Required
        RunConfig run,
        @Doc("How each step's micro-batches are scheduled (in Fast-LLM 0.4 also how many: batch size = micro-batches times data-parallel GPUs).")
        ScheduleConfig schedule,
        @Doc("Other models used during training by name, e.g. a teacher for distillation.")
        @NotHonoured(value = "Trainbench's engine trains one model on the language-model loss; distillation would change the loss.", changesResults = true)
        Map<String, ReferenceModelConfig> referenceModels) {

    public TrainingConfig {
        referenceModels = referenceModels == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(referenceModels));
    }

    /** A training config without the keys the engine does not read. */
    public TrainingConfig(TrainingLoopConfig training, BatchConfig batch, DataConfig data, OptimizerConfig optimizer,
            PretrainedConfig pretrained, ModelConfig model, RunConfig run) {
        this(training, batch, data, optimizer, pretrained, model, run, null, Map.of());
    }
}
