package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.ConfigChoice;

/** External model format for loading ({@code pretrained.format}) and exporting ({@code training.export.format}). */
public enum CheckpointFormat implements ConfigChoice {
    LLAMA("llama", "A Hugging Face Llama directory: config.json and safetensors weights.");

    private final String yamlName;
    private final String doc;

    CheckpointFormat(String yamlName, String doc) {
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
