package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.ConfigChoice;

/** Attention kernel Fast-LLM uses ({@code decoder.block.mixer.implementation}); all compute the same attention. */
public enum AttentionImplementation implements ConfigChoice {
    AUTO("auto", "flash when the numeric type allows it, backup otherwise."),
    FLASH("flash", "The flash-attention kernel."),
    BACKUP("backup", "Plain PyTorch attention.");

    private final String yamlName;
    private final String doc;

    AttentionImplementation(String yamlName, String doc) {
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
