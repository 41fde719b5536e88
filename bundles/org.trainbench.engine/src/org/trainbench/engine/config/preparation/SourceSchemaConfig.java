package org.trainbench.engine.config.preparation;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;

/** {@code dataset.source_schema} (Fast-LLM 0.3 and 0.4): the columns a dataset is read from. */
public record SourceSchemaConfig(
        @Doc("Kind of source: document (a text column) or conversation (a column of chat messages).")
        @Default("document")
        SourceSchemaType type,
        @Doc("document: column holding the text of each document.")
        @Default("text")
        String text,
        @Doc("document: column holding the character spans [begin, end] (inclusive) whose tokens are excluded from the loss.")
        String lossMaskingSpans,
        @Doc("conversation: column holding the list of messages, each with role and content.")
        @Default("messages")
        String messages) {
}
