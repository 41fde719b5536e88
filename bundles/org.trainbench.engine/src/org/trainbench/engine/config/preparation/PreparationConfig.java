package org.trainbench.engine.config.preparation;

import static org.trainbench.engine.config.schema.FastLlmVersion.V0_2;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_3;
import static org.trainbench.engine.config.schema.FastLlmVersion.V0_4;

import java.nio.file.Path;
import java.util.Map;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.Range;
import org.trainbench.engine.config.schema.NotHonoured;
import org.trainbench.engine.config.schema.Required;
import org.trainbench.engine.config.schema.Versions;

/**
 * A data-preparation config (Fast-LLM's {@code fast-llm prepare gpt_memmap}): tokenizes a Hugging Face dataset into
 * memmap files and writes the dataset config files that a training config names in {@code data.datasets}.
 */
@Doc("A data-preparation config: which dataset to tokenize with which tokenizer, into which directory, split how.")
public record PreparationConfig(
        @Doc("Directory where the tokenized dataset (memmap files) and its dataset config files (fast_llm_config.yaml, fast_llm_config_<split>.yaml) are written.")
        @Required
        Path outputPath,
        @Doc("Number of processes that load the dataset.")
        @Default("1") @Range(min = 1) @Versions({V0_2, V0_3})
        int loadingWorkers,
        @Doc("Number of processes that tokenize.")
        @Default("1") @Range(min = 1) @Versions({V0_2, V0_3})
        int tokenizeWorkers,
        @Doc("Number of processes that write the memmap files.")
        @Default("1") @Range(min = 1) @Versions({V0_2, V0_3})
        int savingWorkers,
        @Doc("The Hugging Face dataset to tokenize.")
        @Required
        HuggingFaceDatasetConfig dataset,
        @Doc("The tokenizer.")
        @Required
        TokenizerConfig tokenizer,
        @Doc("Splits of the output by name, with their relative sizes (e.g. training: 0.998, validation: 0.002); each gets its fast_llm_config_<name>.yaml. Unset: one dataset, no split.")
        @Range(min = 0, minExclusive = true)
        Map<String, Double> splits,
        @Doc("Seed of the shuffle of the documents before they are split. Unset: documents are split in dataset order, as Fast-LLM does.")
        Long seed,
        @Doc("Number of parallel workers (Fast-LLM 0.3 and 0.4; the seeds' form writes loading_workers, tokenize_workers and saving_workers). Trainbench tokenizes with this many threads.")
        @Default("1") @Range(min = 1) @Versions({V0_3, V0_4})
        int numWorkers,
        @Doc("Target number of documents per output shard.")
        @Default("1000000") @Range(min = 1)
        @NotHonoured("Trainbench writes one memmap file pair per split; the tokens are the same.")
        int documentsPerShard) {

    public PreparationConfig {
        splits = splits == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(splits));
    }
}
