package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.NotHonoured;
import org.trainbench.engine.config.schema.Range;

/** {@code training.export}: model weights written periodically in an external format. */
public record ExportConfig(
        @Doc("Format of the exported model.")
        @Default("llama")
        @NotHonoured(value = "Trainbench's engine reads and writes Hugging Face Llama checkpoints only; another format would be read or written as Llama.",
                changesResults = true)
        CheckpointFormat format,
        @Doc("Number of training iterations between two exports; unset (null) disables exports.")
        @Range(min = 1)
        Integer interval,
        @Doc("Iteration of the first export, then every interval iterations.")
        @Default("0") @Range(min = 0)
        int offset,
        @Doc("Number of most recent exports kept; older ones are deleted. Unset keeps all.")
        @Range(min = 1)
        Integer keep) {
}
