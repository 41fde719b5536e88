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

/** {@code model.base_model.embeddings} (Fast-LLM 0.3 and 0.4): the token (and position) embeddings. */
public record EmbeddingsConfig(
        @Doc("Size of the vocabulary: rows of the token embedding and of the output logits.")
        @Default("49152") @Range(min = 1)
        int vocabSize,
        @Doc("Number of learned absolute positions, when position_embeddings is enabled.")
        @Default("2048") @Range(min = 1)
        int numPositionEmbeddings,
        @Doc("Learned absolute position embeddings (enabled: true adds them to the token embeddings).")
        @OptionalSection
        PositionEmbeddingsConfig positionEmbeddings,
        @Doc("Dropout applied to the embeddings.")
        @Default("0.0") @Range(min = 0)
        @NotHonoured(value = "Trainbench's engine has no dropout.", changesResults = true)
        double dropout,
        @Doc("Whether the vocabulary embedding and output weights may be split over tensor-parallel GPUs.")
        @Default("true")
        @NotHonoured(value = "Trainbench has no tensor parallelism: the vocabulary is never split, with the same results.")
        boolean vocabParallel,
        @Doc("Whether the residual stream is kept in full precision (optimization_dtype).")
        @Default("false")
        @NotHonoured(value = "Trainbench keeps the residual stream in the compute type.", changesResults = true)
        boolean fullPrecisionResidual,
        @Doc("The token embedding matrix: initialization and learning-rate factor.")
        @OptionalSection
        ParameterConfig wordEmbeddings,
        @Doc("Factor on the learning rate of this layer's weights.")
        @NotHonoured(value = ParameterConfig.LR_SCALE, changesResults = true, accepts = {"1", "1.0"})
        Double lrScale) {
}
