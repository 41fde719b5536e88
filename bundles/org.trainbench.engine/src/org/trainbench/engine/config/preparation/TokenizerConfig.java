package org.trainbench.engine.config.preparation;

import java.nio.file.Path;

import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.InputPath;
import org.trainbench.engine.config.schema.Required;

/** {@code tokenizer} of a preparation config. */
public record TokenizerConfig(
        @Doc("Directory holding the Hugging Face tokenizer (tokenizer.json), e.g. the model's directory.")
        @Required @InputPath
        Path path) {
}
