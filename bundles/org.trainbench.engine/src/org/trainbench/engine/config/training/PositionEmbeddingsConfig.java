package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.DerivedDefault;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.EngineSupports;
import org.trainbench.engine.config.schema.NotHonoured;
import org.trainbench.engine.config.schema.OptionalSection;
import org.trainbench.engine.config.schema.Range;
import org.trainbench.engine.config.schema.Versions;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_3;

/** {@code model.base_model.embeddings.position_embeddings} (Fast-LLM 0.3 and 0.4). */
public record PositionEmbeddingsConfig(
        @Doc("Whether learned absolute position embeddings are added to the token embeddings.")
        @Default("false") @EngineSupports("false")
        boolean enabled,
        @Doc("How the position embeddings are initialized.")
        @OptionalSection
        @NotHonoured(value = ParameterConfig.INIT, changesResults = true)
        InitializationConfig initialization,
        @Doc("Factor on the learning rate of the position embeddings.")
        @NotHonoured(value = ParameterConfig.LR_SCALE, changesResults = true, accepts = {"1", "1.0"})
        Double lrScale) {
}
