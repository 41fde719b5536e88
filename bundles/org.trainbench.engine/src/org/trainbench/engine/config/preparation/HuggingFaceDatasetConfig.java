package org.trainbench.engine.config.preparation;

import static org.trainbench.engine.config.schema.FastLlmVersion.V0_2;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_3;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_4;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.InputPath;
import org.trainbench.engine.config.schema.OptionalSection;
import org.trainbench.engine.config.schema.NotHonoured;
import org.trainbench.engine.config.schema.Required;
import org.trainbench.engine.config.schema.Versions;

/** {@code dataset} of a preparation config. */
public record HuggingFaceDatasetConfig(
        @Doc("A dataset saved with datasets' save_to_disk (a local directory), or a Hugging Face Hub dataset name (org/name).")
        @Required @InputPath(hubNameAllowed = true)
        String path,
        @Doc("Configuration (subset) of the dataset, when it has several.")
        String configName,
        @Doc("Split of the dataset to read.")
        @Default("train")
        String split,
        @Doc("Whether to run the dataset's own loading code when it has some.")
        @Default("false")
        boolean trustRemoteCode,
        @Doc("Column holding the text of each document.")
        @Default("text") @Versions(V0_2)
        String field,
        @Doc("Column holding the character spans [begin, end] (inclusive) whose tokens are excluded from the loss, e.g. the system and user turns of a chat. Training reads them with data.sampling.use_loss_masking_spans.")
        @Versions(V0_2)
        String lossMaskingSpans,
        @Doc("Chat datasets: render a column of messages with the tokenizer's chat template, and mask the loss outside the assistant's turns. Replaces field and loss_masking_spans.")
        @OptionalSection
        ChatFormatConfig chat,
        @Doc("Which columns hold what (Fast-LLM 0.3 and 0.4; the seeds' form writes field and loss_masking_spans): document text and loss-masking spans, or conversation messages.")
        @OptionalSection @Versions({V0_3, V0_4})
        SourceSchemaConfig sourceSchema,
        @Doc("Whether to load the dataset with datasets' load_from_disk (a directory written by save_to_disk).")
        @Default("false")
        @NotHonoured("Trainbench reads a local directory, or a Hub name, the same way either way.")
        boolean loadFromDisk) {
}
