package org.trainbench.engine.tokenizer.chat;

/** A chat template that cannot be parsed, or that failed or raised an exception while rendering a conversation. */
public final class ChatTemplateException extends RuntimeException {
    public ChatTemplateException(String message) {
        super(message);
    }
}
