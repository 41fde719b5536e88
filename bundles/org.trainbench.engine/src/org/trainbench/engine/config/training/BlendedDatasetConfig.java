package org.trainbench.engine.config.training;

import java.nio.file.Path;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.InputPath;
import org.trainbench.engine.config.schema.NotHonoured;

/**
 * One dataset of a blend, {@code data.datasets.<name>.datasets[i]}: a file or memmap dataset (the key docs are
 * {@link DatasetConfig}'s).
 */
public record BlendedDatasetConfig(
        @Doc(DatasetConfig.TYPE_DOC)
        @Default("file")
        @NotHonoured(value = "Trainbench's engine blends file and memmap datasets; a run would read other data.",
                changesResults = true, accepts = "memmap")
        DatasetType type,
        @Doc(DatasetConfig.PATH_DOC)
        @InputPath
        Path path) {
}
