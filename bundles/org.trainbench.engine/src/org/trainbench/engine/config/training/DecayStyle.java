package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.ConfigChoice;

/** How the learning rate falls from {@code base} to {@code minimum} after the warmup ({@code optimizer.learning_rate.decay_style}). */
public enum DecayStyle implements ConfigChoice {
    CONSTANT("constant", "Stays at the base rate after warmup."),
    LINEAR("linear", "Falls linearly to the minimum over decay_iterations."),
    COSINE("cosine", "Follows a half cosine from base to minimum over decay_iterations.");

    private final String yamlName;
    private final String doc;

    DecayStyle(String yamlName, String doc) {
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
