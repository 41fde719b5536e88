package org.trainbench.engine.config.training;

import org.trainbench.engine.config.schema.ConfigChoice;

/** Kind of block sequence in the 0.3/0.4 form ({@code model.base_model.decoder.type}). */
public enum DecoderType implements ConfigChoice {
    FIXED("fixed", "One block repeated num_blocks times."),
    PATTERN("pattern", "Named blocks cycled through in the order of pattern.");

    private final String yamlName;
    private final String doc;

    DecoderType(String yamlName, String doc) {
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
