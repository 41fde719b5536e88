package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.Range;

/** {@code model.multi_stage}. */
public record MultiStageConfig(
        @Doc("ZeRO stage: 1 shards the optimizer state over data-parallel GPUs, 2 also the gradients, 3 also the weights. Unset: no sharding.")
        @Range(min = 1, max = 3)
        Integer zeroStage) {
}
