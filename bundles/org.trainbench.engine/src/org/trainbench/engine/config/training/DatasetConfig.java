package org.trainbench.engine.config.training;

import java.nio.file.Path;
import java.util.List;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.InputPath;
import org.trainbench.engine.config.schema.NotHonoured;
import org.trainbench.engine.config.schema.Range;

/** One named dataset, {@code data.datasets.<name>}. */
public record DatasetConfig(
        @Doc(TYPE_DOC)
        @Default("file")
        @NotHonoured(value = "Trainbench's engine reads file, memmap, blended and random datasets; a run would read other data.",
                changesResults = true, accepts = {"memmap", "blended", "random"})
        DatasetType type,
        @Doc(PATH_DOC)
        @InputPath
        Path path,
        @Doc("blended: the datasets to sample from (each with type file or memmap and its path).")
        List<BlendedDatasetConfig> datasets,
        @Doc("blended: the relative weight of each dataset, in the order of datasets (normalized to sum to 1).")
        @Range(min = 0)
        List<Double> weights) {

    static final String TYPE_DOC = "Kind of dataset.";
    static final String PATH_DOC = "For type file: the dataset config file written by `trainbench prepare` (fast_llm_config_<split>.yaml); for type memmap: the prefix of the .bin/.idx files. Relative paths are relative to the config file's directory.";

    public DatasetConfig {
        datasets = datasets == null ? null : List.copyOf(datasets);
        weights = weights == null ? null : List.copyOf(weights);
    }

    /** A file or memmap dataset. */
    public DatasetConfig(DatasetType type, Path path) {
        this(type, path, null, null);
    }
}
