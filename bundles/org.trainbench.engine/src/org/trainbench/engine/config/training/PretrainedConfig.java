package org.trainbench.engine.config.training;

import java.nio.file.Path;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.NotHonoured;
import org.trainbench.engine.config.schema.InputPath;

/** {@code pretrained}: the model a run starts from. */
public record PretrainedConfig(
        @Doc("Format of the pretrained model.")
        @Default("llama")
        @NotHonoured(value = "Trainbench's engine reads and writes Hugging Face Llama checkpoints only; another format would be read or written as Llama.",
                changesResults = true)
        CheckpointFormat format,
        @Doc("Directory of the pretrained model (for llama: with config.json and *.safetensors). Required: the checker reports a pretrained section without it.")
        @InputPath
        Path path,
        @Doc("Whether to load the weights. When off, only the architecture (config.json) is read and the weights are initialized randomly.")
        @Default("true")
        boolean modelWeights) {
}
