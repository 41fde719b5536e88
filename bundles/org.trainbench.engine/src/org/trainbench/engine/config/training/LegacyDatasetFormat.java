package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.ConfigChoice;

/** How the legacy {@code data.path} is read ({@code data.format}). */
public enum LegacyDatasetFormat implements ConfigChoice {
    LIST("list", "data.path lists memmap prefixes (with weights)."),
    FILE("file", "data.path is a JSON file listing the dataset prefixes and weights."),
    RANDOM("random", "Random tokens, for testing; data.path is empty.");

    private final String yamlName;
    private final String doc;

    LegacyDatasetFormat(String yamlName, String doc) {
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
