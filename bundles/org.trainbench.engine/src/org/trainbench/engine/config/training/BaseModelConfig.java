package org.trainbench.engine.config.training;

import static org.trainbench.engine.config.schema.FastLlmVersion.V0_2;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_3;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_4;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.DerivedDefault;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.EngineSupports;
import org.trainbench.engine.config.schema.OptionalSection;
import org.trainbench.engine.config.schema.Range;
import org.trainbench.engine.config.schema.Versions;

/**
 * {@code model.base_model}: the language model around the transformer. The seeds' form (0.2) writes
 * {@code transformer} and the keys after it; Fast-LLM 0.3 and 0.4 write {@code decoder}, {@code embeddings},
 * {@code head}, {@code hidden_size} and {@code tied_embedding_weight}, which
 * {@link org.trainbench.engine.config.schema.FormMapping} maps onto the former before a run.
 */
public record BaseModelConfig(
        @Doc("The transformer blocks: sizes, attention, MLP, normalization, rotary embedding.")
        @Versions(V0_2)
        TransformerConfig transformer,
        @Doc("Size of the vocabulary: rows of the token embedding and of the output logits.")
        @Default("49152") @Range(min = 1) @Versions(V0_2)
        int vocabSize,
        @Doc("Whether the output layer reuses the token embedding matrix.")
        @Default("true") @Versions(V0_2)
        boolean tieWordEmbeddings,
        @Doc("Whether learned absolute position embeddings are added to the token embeddings.")
        @DerivedDefault("false when rotary embeddings are used (rotary.type other than none), true otherwise") @EngineSupports("false")
        @Versions(V0_2)
        Boolean usePositionEmbeddings,
        @Doc("Number of learned absolute positions (rows of the position embedding), when use_position_embeddings is on.")
        @Default("2048") @Range(min = 1) @Versions(V0_2)
        int numPositionEmbeddings,
        @Doc("Implementation of the cross-entropy loss.")
        @Default("auto") @Versions(V0_2)
        CrossEntropyImpl crossEntropyImpl,
        @Doc("The transformer blocks: how many, and the block they repeat (mixer, MLP, normalization).")
        @OptionalSection @Versions({V0_3, V0_4})
        DecoderConfig decoder,
        @Doc("The token embeddings: vocabulary size, position embeddings.")
        @OptionalSection @Versions({V0_3, V0_4})
        EmbeddingsConfig embeddings,
        @Doc("The output: final normalization and prediction head.")
        @OptionalSection @Versions({V0_3, V0_4})
        HeadConfig head,
        @Doc("Width of the residual stream: the size of the token representation between blocks.")
        @Default("1024") @Range(min = 1) @Versions({V0_3, V0_4})
        int hiddenSize,
        @Doc("Whether the output layer reuses the token embedding matrix.")
        @Default("false") @Versions({V0_3, V0_4})
        boolean tiedEmbeddingWeight) {

    public BaseModelConfig {
        if (usePositionEmbeddings == null) {
            usePositionEmbeddings = transformer == null || transformer.rotary() == null
                    || transformer.rotary().type() == RotaryType.NONE;
        }
    }

    /** The seeds' form of a base model (what the engine reads); the 0.3/0.4 sections stay unset. */
    public BaseModelConfig(TransformerConfig transformer, int vocabSize, boolean tieWordEmbeddings, Boolean usePositionEmbeddings,
            int numPositionEmbeddings, CrossEntropyImpl crossEntropyImpl) {
        this(transformer, vocabSize, tieWordEmbeddings, usePositionEmbeddings, numPositionEmbeddings, crossEntropyImpl, null, null,
                null, transformer == null ? 1024 : transformer.hiddenSize(), tieWordEmbeddings);
    }
}
