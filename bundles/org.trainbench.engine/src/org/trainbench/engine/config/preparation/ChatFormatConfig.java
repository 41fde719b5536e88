package org.trainbench.engine.config.preparation;

import java.util.Map;

import org.trainbench.engine.config.schema.Default;
import org.trainbench.engine.config.schema.Doc;
import org.trainbench.engine.config.schema.Required;

/** {@code dataset.chat}: where a chat dataset keeps its messages and how its roles are named. */
public record ChatFormatConfig(
        @Doc("Column holding the list of messages of each conversation, e.g. conversations or messages.")
        @Required
        String messages,
        @Doc("Key of a message that holds its role, e.g. role or from.")
        @Default("role")
        String roleKey,
        @Doc("Key of a message that holds its text, e.g. content or value.")
        @Default("content")
        String contentKey,
        @Doc("Renames of the dataset's roles to the chat template's (system, user, assistant), e.g. {human: user, gpt: assistant}.")
        Map<String, String> roles) {

    public ChatFormatConfig {
        roles = roles == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(roles));
    }

    /** The chat-template role of a dataset role. */
    public String templateRole(String datasetRole) {
        return roles.getOrDefault(datasetRole, datasetRole);
    }
}
