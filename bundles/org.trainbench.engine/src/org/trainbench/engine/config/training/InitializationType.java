package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.ConfigChoice;

/** How Fast-LLM 0.3/0.4 initialize one weight ({@code ...initialization.type}). */
public enum InitializationType implements ConfigChoice {
    DEFAULT("default", "The layer's own default initialization."),
    FILL("fill", "Every value set to value."),
    NORMAL("normal", "Normal with mean and std, optionally clipped to [min, max]."),
    UNIFORM("uniform", "Uniform in mean +- scale.");

    private final String yamlName;
    private final String doc;

    InitializationType(String yamlName, String doc) {
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
