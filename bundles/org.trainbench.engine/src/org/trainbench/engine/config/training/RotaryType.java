package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.ConfigChoice;

/** Rotary position embedding variant ({@code model.base_model.transformer.rotary.type}). */
public enum RotaryType implements ConfigChoice {
    NONE("none", "No rotary embedding."),
    DEFAULT("default", "Standard rotary embedding: frequencies theta^(-2i/d)."),
    LLAMA3("llama3", "Llama 3.1's rotary embedding: default frequencies, the low ones rescaled beyond original_context_length.");

    private final String yamlName;
    private final String doc;

    RotaryType(String yamlName, String doc) {
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
