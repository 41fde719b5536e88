package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.NotHonoured;
import org.trainbench.engine.config.schema.OptionalSection;

/** The bias of one linear layer in Fast-LLM 0.3/0.4 ({@code ...bias}). */
public record BiasConfig(
        @Doc("Whether the layer has a bias; unset follows the block's add_linear_biases.")
        Boolean enabled,
        @Doc("How the bias is initialized, overriding the layer's default.")
        @OptionalSection
        @NotHonoured(value = ParameterConfig.INIT, changesResults = true)
        InitializationConfig initialization,
        @Doc("Factor on the learning rate of this bias.")
        @NotHonoured(value = ParameterConfig.LR_SCALE, changesResults = true, accepts = {"1", "1.0"})
        Double lrScale) {
}
