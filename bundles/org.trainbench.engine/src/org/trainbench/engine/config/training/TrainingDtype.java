package org.trainbench.engine.config.training;

import java.util.List;

import org.trainbench.engine.config.schema.ConfigChoice;

/** Data type of the forward and backward passes ({@code model.distributed.training_dtype}). */
public enum TrainingDtype implements ConfigChoice {
    FLOAT32("float32", "fp32", "32-bit floats throughout."),
    BFLOAT16("bfloat16", "bf16", "bfloat16 compute with fp32 master weights (mixed precision)."),
    FLOAT16("float16", "fp16", "float16 compute with fp32 master weights and loss scaling.");

    private final String yamlName;
    private final String alias;
    private final String doc;

    TrainingDtype(String yamlName, String alias, String doc) {
        this.yamlName = yamlName;
        this.alias = alias;
        this.doc = doc;
    }

    @Override
    public String yamlName() {
        return yamlName;
    }

    @Override
    public List<String> aliases() {
        return List.of(alias);
    }

    @Override
    public String doc() {
        return doc;
    }
}
