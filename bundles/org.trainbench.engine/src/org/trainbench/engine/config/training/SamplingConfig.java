package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;

/** {@code data.sampling}. */
public record SamplingConfig(
        @Doc("Whether the loss ignores the character spans stored with the documents (e.g. the system and user turns of a chat), so that only the rest (the assistant's answers) is learned.")
        @Default("false")
        boolean useLossMaskingSpans,
        @Doc("Seed of the random sampling of documents.")
        @Default("784569")
        long seed,
        @Doc("Order in which documents are visited, epoch after epoch.")
        @Default("epoch")
        ShuffleMode shuffle) {
}
