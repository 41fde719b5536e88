package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.ConfigChoice;

/** Kind of MLP of a decoder block in the 0.3/0.4 form ({@code decoder.block.mlp.type}). */
public enum MlpType implements ConfigChoice {
    MLP("mlp", "A dense MLP (gated or not)."),
    MOE("moe", "A mixture of expert MLPs with a router.");

    private final String yamlName;
    private final String doc;

    MlpType(String yamlName, String doc) {
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
