package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.ConfigChoice;

/** Order in which documents are sampled, epoch after epoch ({@code data.sampling.shuffle}). */
public enum ShuffleMode implements ConfigChoice {
    EPOCH("epoch", "A new permutation of the documents in every epoch."),
    FULL("full", "One permutation across all epochs."),
    SKIP_FIRST_EPOCH("skip_first_epoch", "The first epoch in dataset order, later epochs shuffled."),
    DISABLED("disabled", "Always in dataset order.");

    private final String yamlName;
    private final String doc;

    ShuffleMode(String yamlName, String doc) {
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
