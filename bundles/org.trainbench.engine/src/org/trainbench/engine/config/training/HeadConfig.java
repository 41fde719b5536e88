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

/** {@code model.base_model.head} (Fast-LLM 0.3 and 0.4): the final normalization and the output layer. */
public record HeadConfig(
        @Doc("The normalization after the last block.")
        NormalizationConfig normalization,
        @Doc("Number of prediction heads (multi-token prediction): 1 predicts the next token.")
        @Default("1") @Range(min = 1)
        @NotHonoured(value = "Trainbench's engine predicts the next token only.", changesResults = true)
        int predictionHeads,
        @Doc("Factor applied to the output logits (muP).")
        @Default("1.0") @Range(min = 0)
        @NotHonoured(value = "Trainbench's engine does not scale the logits.", changesResults = true)
        double logitsScaleFactor,
        @Doc("Number of pieces the logits and the cross-entropy are computed in, to save memory.")
        @Default("1") @Range(min = 1)
        @NotHonoured(value = "Trainbench computes the loss in one pass, with the same result.")
        int crossEntropySplits,
        @Doc("The output layer's weight (unused when tied to the embeddings): initialization and learning-rate factor.")
        @OptionalSection
        ParameterConfig outputWeight,
        @Doc("Factor on the learning rate of this layer's weights.")
        @NotHonoured(value = ParameterConfig.LR_SCALE, changesResults = true, accepts = {"1", "1.0"})
        Double lrScale) {
}
