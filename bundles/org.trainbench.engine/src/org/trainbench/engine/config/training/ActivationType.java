package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.ConfigChoice;

/** Activation of the MLP's intermediate state ({@code model.base_model.transformer.activation_type}). */
public enum ActivationType implements ConfigChoice {
    SILU("silu", "SiLU (swish), as in Llama's gated MLP."),
    GELU("gelu", "GeLU (tanh approximation)."),
    RELU("relu", "ReLU."),
    SQUARED_RELU("squared_relu", "Squared ReLU."),
    IDENTITY("identity", "No activation.");

    private final String yamlName;
    private final String doc;

    ActivationType(String yamlName, String doc) {
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
