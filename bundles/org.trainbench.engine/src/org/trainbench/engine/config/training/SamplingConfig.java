package org.trainbench.engine.config.training;

import static org.trainbench.engine.config.schema.FastLlmVersion.V0_2;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_3;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_4;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.NotHonoured;
import org.trainbench.engine.config.schema.Versions;

/** {@code data.sampling}. */
public record SamplingConfig(
        @Doc("Whether the loss ignores the character spans stored with the documents (e.g. the system and user turns of a chat), so that only the rest (the assistant's answers) is learned.")
        @Default("false") @Versions(V0_2)
        boolean useLossMaskingSpans,
        @Doc("Seed of the random sampling of documents.")
        @Default("784569")
        long seed,
        @Doc("Order in which documents are visited, epoch after epoch.")
        @Default("epoch")
        ShuffleMode shuffle,
        @Doc("Whether documents are sampled on the GPU (which draws other samples than the CPU).")
        @Default("true")
        @NotHonoured(value = "Trainbench samples on the CPU.", accepts = "false")
        boolean gpu) {

    /** The seeds' form of sampling (what the engine reads). */
    public SamplingConfig(boolean useLossMaskingSpans, long seed, ShuffleMode shuffle) {
        this(useLossMaskingSpans, seed, shuffle, true);
    }
}
