package org.trainbench.engine.config.preparation;

import org.trainbench.engine.config.schema.ConfigChoice;

/** Kind of {@code dataset.source_schema}. */
public enum SourceSchemaType implements ConfigChoice {
    DOCUMENT("document", "One document per row, from a text column."),
    CONVERSATION("conversation", "One conversation per row, rendered with the tokenizer's chat template; the loss is on the assistant's turns.");

    private final String yamlName;
    private final String doc;

    SourceSchemaType(String yamlName, String doc) {
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
