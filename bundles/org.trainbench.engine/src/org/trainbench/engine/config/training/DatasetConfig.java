package org.trainbench.engine.config.training;

import java.nio.file.Path;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.InputPath;
import org.trainbench.engine.config.schema.Required;

/** One named dataset, {@code data.datasets.<name>}. */
public record DatasetConfig(
        @Doc("Kind of dataset.")
        @Default("file")
        DatasetType type,
        @Doc("For type file: the dataset config file written by `trainbench prepare` (fast_llm_config_<split>.yaml); for type memmap: the prefix of the .bin/.idx files. Relative paths are relative to the config file's directory.")
        @Required @InputPath
        Path path) {
}
