package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.ConfigChoice;

/** Kind of evaluator in {@code training.evaluators.<name>.evaluator.type}. */
public enum EvaluatorType implements ConfigChoice {
    LOSS("loss", "Average language-model loss over a validation dataset.");

    private final String yamlName;
    private final String doc;

    EvaluatorType(String yamlName, String doc) {
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
