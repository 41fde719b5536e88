package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.DerivedDefault;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.EngineSupports;
import org.trainbench.engine.config.schema.Range;

/** {@code model.base_model}: the language model around the transformer. */
public record BaseModelConfig(
        @Doc("The transformer blocks: sizes, attention, MLP, normalization, rotary embedding.")
        TransformerConfig transformer,
        @Doc("Size of the vocabulary: rows of the token embedding and of the output logits.")
        @Default("49152") @Range(min = 1)
        int vocabSize,
        @Doc("Whether the output layer reuses the token embedding matrix.")
        @Default("true")
        boolean tieWordEmbeddings,
        @Doc("Whether learned absolute position embeddings are added to the token embeddings.")
        @DerivedDefault("false when rotary embeddings are used (rotary.type other than none), true otherwise") @EngineSupports("false")
        Boolean usePositionEmbeddings,
        @Doc("Number of learned absolute positions (rows of the position embedding), when use_position_embeddings is on.")
        @Default("2048") @Range(min = 1)
        int numPositionEmbeddings,
        @Doc("Implementation of the cross-entropy loss.")
        @Default("auto")
        CrossEntropyImpl crossEntropyImpl) {

    public BaseModelConfig {
        if (usePositionEmbeddings == null) {
            usePositionEmbeddings = transformer == null || transformer.rotary() == null
                    || transformer.rotary().type() == RotaryType.NONE;
        }
    }
}
