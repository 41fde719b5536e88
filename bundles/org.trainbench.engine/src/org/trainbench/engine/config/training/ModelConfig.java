package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Doc;

/** {@code model}. */
public record ModelConfig(
        @Doc("The model architecture (overrides the pretrained model's where both are given).")
        BaseModelConfig baseModel,
        @Doc("How the model's state is sharded over the GPUs.")
        MultiStageConfig multiStage,
        @Doc("Distributed run settings: numeric type, timeouts, seed.")
        DistributedConfig distributed) {
}
