package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.NotHonoured;
import org.trainbench.engine.config.schema.OptionalSection;

/** One weight of a layer in Fast-LLM 0.3/0.4 ({@code weight}, {@code word_embeddings}, {@code output_weight}). */
public record ParameterConfig(
        @Doc("How the weight is initialized, overriding the layer's default.")
        @OptionalSection
        @NotHonoured(value = INIT, changesResults = true)
        InitializationConfig initialization,
        @Doc("Factor on the learning rate of this weight.")
        @NotHonoured(value = LR_SCALE, changesResults = true, accepts = {"1", "1.0"})
        Double lrScale) {

    static final String INIT = "Trainbench initializes every weight from normal(0, init_method_std) (its hidden_size ** -0.5 default).";
    static final String LR_SCALE = "Trainbench trains every weight with the optimizer's learning rate.";
}
