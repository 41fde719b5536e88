package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.ConfigChoice;

/** Kind of dataset in {@code data.datasets.<name>.type}. */
public enum DatasetType implements ConfigChoice {
    FILE("file", "A dataset config file written by `trainbench prepare` (fast_llm_config_<split>.yaml); it may hold memmaps, slices and blends."),
    MEMMAP("memmap", "A memory-mapped token dataset: path is its prefix (without .bin/.idx)."),
    BLENDED("blended", "Samples from datasets in proportion to weights."),
    RANDOM("random", "Random tokens below the vocabulary size, for throughput tests (Trainbench: 65,536 documents of one sequence each, drawn from their index)."),
    SAMPLED("sampled", "Fast-LLM 0.3: a dataset with its own sampling settings."),
    CONCATENATED("concatenated", "Indexed datasets one after the other."),
    SLICE("slice", "A fraction [begin, end) of an indexed dataset."),
    FIM("fim", "Fill-in-the-middle rearrangement of a dataset's documents."),
    LEGACY_MEMMAP("legacy_memmap", "A memmap dataset in the format of Fast-LLM before 0.4.");

    private final String yamlName;
    private final String doc;

    DatasetType(String yamlName, String doc) {
        this.yamlName = yamlName;
        this.doc = doc;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    @Override
    public String doc() {
        return doc;
    }
}
