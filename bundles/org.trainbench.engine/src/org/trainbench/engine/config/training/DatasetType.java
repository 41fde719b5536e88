package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.ConfigChoice;

/** Kind of dataset in {@code data.datasets.<name>.type}. */
public enum DatasetType implements ConfigChoice {
    FILE("file", "A dataset config file written by `trainbench prepare` (fast_llm_config_<split>.yaml); it may hold memmaps, slices and blends."),
    MEMMAP("memmap", "A memory-mapped token dataset: path is its prefix (without .bin/.idx).");

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
