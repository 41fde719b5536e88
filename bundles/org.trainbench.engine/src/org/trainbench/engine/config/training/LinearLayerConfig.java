package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.NotHonoured;
import org.trainbench.engine.config.schema.OptionalSection;

/** One linear layer in Fast-LLM 0.3/0.4 ({@code query_layer}, ..., {@code layer_1}, {@code layer_2}). */
public record LinearLayerConfig(
        @Doc("The layer's weight: initialization and learning-rate factor.")
        @OptionalSection
        ParameterConfig weight,
        @Doc("The layer's bias: whether it has one, initialization and learning-rate factor.")
        @OptionalSection
        BiasConfig bias,
        @Doc("Factor on the learning rate of the layer.")
        @NotHonoured(value = ParameterConfig.LR_SCALE, changesResults = true, accepts = {"1", "1.0"})
        Double lrScale,
        @Doc("Whether parameter-efficient finetuning (LoRA) applies to this layer.")
        @NotHonoured(value = "Trainbench trains every weight in full (no LoRA).", changesResults = true, accepts = "false")
        Boolean applyPeft) {
}
