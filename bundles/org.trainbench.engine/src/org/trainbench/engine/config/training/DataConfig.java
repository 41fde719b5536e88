package org.trainbench.engine.config.training;

import static org.trainbench.engine.config.schema.FastLlmVersion.V0_2;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_3;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_4;

import java.util.List;
import java.util.Map;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.InputPath;
import org.trainbench.engine.config.schema.Legacy;
import org.trainbench.engine.config.schema.NotHonoured;
import org.trainbench.engine.config.schema.Range;
import org.trainbench.engine.config.schema.Versions;

/**
 * {@code data}: the datasets by name ({@code training} is trained on, evaluators and the test phase read others) and
 * how they are sampled. The legacy form ({@code format}, {@code path}, {@code split}) is kept as written: it has no
 * exact current equivalent without re-running data preparation.
 */
public record DataConfig(
        @Doc("Datasets by name: `training` is trained on, `test` is used by test_iters, and evaluators name theirs with dataset_name.")
        Map<String, DatasetConfig> datasets,
        @Doc("Whether documents may be cut to fill sequences. When off, a document that does not fit in the rest of a sequence starts the next one (the rest is padding), and documents longer than sequence_length are skipped.")
        @Default("true") @Versions({V0_2, V0_4})
        boolean truncateDocuments,
        @Doc("How samples are drawn from the datasets.")
        @Versions({V0_2, V0_3})
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
        List<Double> split,
        @Doc("Tokens per micro-batch: documents are packed into micro-batches of this many tokens, each attending only within its documents (Fast-LLM 0.4; earlier forms write batch.sequence_length and batch.micro_batch_size).")
        @Default("2048") @Range(min = 1) @Versions(V0_4)
        int microBatchSize,
        @Doc("Longest document kept whole; longer ones are truncated or dropped depending on truncate_documents.")
        @Range(min = 1) @Versions(V0_4)
        @NotHonoured(value = "Trainbench's engine bounds documents by the micro-batch length only.", changesResults = true)
        Integer maximumDocumentLength,
        @Doc("Seed of the random sampling of documents.")
        @Default("784569") @Versions(V0_4)
        long seed,
        @Doc("Order in which documents are visited, epoch after epoch.")
        @Default("epoch") @Versions(V0_4)
        ShuffleMode shuffle,
        @Doc("Whether documents are sampled on the GPU (which draws other samples than the CPU).")
        @Default("true") @Versions(V0_4)
        @NotHonoured(value = "Trainbench samples on the CPU.", accepts = "false")
        boolean gpu,
        @Doc("Warn when one sample takes longer than this to load, in milliseconds.")
        @Default("1000.0") @Range(min = 0, minExclusive = true)
        @NotHonoured("Trainbench does not time sample loading.")
        double dataSampleWarnTimeMs) {

    /** The seeds' form of a data section (what the engine reads). */
    public DataConfig(Map<String, DatasetConfig> datasets, boolean truncateDocuments, SamplingConfig sampling,
            LegacyDatasetFormat format, String path, List<Double> split) {
        this(datasets, truncateDocuments, sampling, format, path, split, 2048, null, 784569, ShuffleMode.EPOCH, true, 1000.0);
    }

    public DataConfig {
        datasets = datasets == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(datasets));
        split = split == null ? null : List.copyOf(split);
    }
}
