package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.ConfigChoice;

/**
 * Which of the MLP's intermediate activations the backward pass recomputes instead of keeping from the forward pass
 * ({@code model.base_model.transformer.mlp_recompute_level}, Fast-LLM's name and values): memory against time. Each
 * level keeps less than the one before it; the results are the same at every level.
 */
public enum MlpRecomputeLevel implements ConfigChoice {
    NONE("none", "Keep every MLP activation from the forward pass (fastest, most memory)."),
    ACTIVATION("activation", "Recompute the gated activation act(gate) * up from the kept gate and up projections (an element-wise kernel per layer)."),
    ACTIVATION_AND_INPUT("activation_and_input", "Also recompute the MLP's input, the normalized residual, from the residual (one more element-wise kernel per layer)."),
    FULL("full", "Also recompute the gate and up projections (one more matrix multiply per layer: about 11% more step time for Llama shapes).");

    private final String yamlName;
    private final String doc;

    MlpRecomputeLevel(String yamlName, String doc) {
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

    /** Whether the gated activation (the down projection's input) is recomputed in backward. */
    public boolean recomputesActivation() {
        return this != NONE;
    }

    /** Whether the MLP's normalized input is recomputed in backward. */
    public boolean recomputesInput() {
        return this == ACTIVATION_AND_INPUT || this == FULL;
    }

    /** Whether the gate and up projections are recomputed in backward. */
    public boolean recomputesProjections() {
        return this == FULL;
    }
}
