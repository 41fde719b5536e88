package org.trainbench.engine.config.training;

import java.util.List;
import java.util.Map;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.InputPath;
import org.trainbench.engine.config.schema.Legacy;

/**
 * {@code data}: the datasets by name ({@code training} is trained on, evaluators and the test phase read others) and
 * how they are sampled. The legacy form ({@code format}, {@code path}, {@code split}) is kept as written: it has no
 * exact current equivalent without re-running data preparation.
 */
public record DataConfig(
        @Doc("Datasets by name: `training` is trained on, `test` is used by test_iters, and evaluators name theirs with dataset_name.")
        Map<String, DatasetConfig> datasets,
        @Doc("Whether documents may be cut to fill sequences. When off, a document that does not fit in the rest of a sequence starts the next one (the rest is padding), and documents longer than sequence_length are skipped.")
        @Default("true")
        boolean truncateDocuments,
        @Doc("How samples are drawn from the datasets.")
        SamplingConfig sampling,
        @Doc("Legacy dataset definition: how path is read.")
        @Legacy(replacedBy = "datasets", note = "prepare the dataset with splits and name the split files in data.datasets")
        LegacyDatasetFormat format,
        @Doc("Legacy dataset definition: the dataset file or prefix.")
        @InputPath
        @Legacy(replacedBy = "datasets", note = "prepare the dataset with splits and name the split files in data.datasets")
        String path,
        @Doc("Legacy dataset definition: relative sizes of the training, validation and test parts of the dataset.")
        @Legacy(replacedBy = "datasets", note = "prepare the dataset with splits and name the split files in data.datasets")
        List<Double> split) {

    public DataConfig {
        datasets = datasets == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(datasets));
        split = split == null ? null : List.copyOf(split);
    }
}
