package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.ConfigChoice;

/** Normalization layer of the transformer blocks ({@code model.base_model.transformer.normalization.type}). */
public enum NormalizationType implements ConfigChoice {
    LAYER_NORM("layer_norm", "LayerNorm: subtract the mean, divide by the standard deviation, scale and shift."),
    RMS_NORM("rms_norm", "RMSNorm (Llama): divide by the root mean square, scale.");

    private final String yamlName;
    private final String doc;

    NormalizationType(String yamlName, String doc) {
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
