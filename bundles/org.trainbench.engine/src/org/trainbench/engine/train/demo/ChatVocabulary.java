package org.trainbench.engine.train.demo;

/**
 * The demo's tokenizer: one token per character plus three chat markers, so the demo needs no tokenizer file.
 * Id 0 is unused padding; 1-3 are the markers; then space, '+', digits and lowercase letters.
 */
public final class ChatVocabulary {
    public static final int PADDING = 0;
    /** Starts a user turn (shown as "User: "). */
    public static final int USER = 1;
    /** Starts an assistant turn (shown as "Assistant: "). */
    public static final int ASSISTANT = 2;
    /** Ends an assistant turn (like Llama 3's eot). */
    public static final int END = 3;
    private static final String CHARACTERS = " +0123456789abcdefghijklmnopqrstuvwxyz";
    private static final int FIRST_CHARACTER = 4;
    /** Vocabulary size, rounded up to a multiple of 8 for the model's matrices. */
    public static final int SIZE = 48;

    private ChatVocabulary() {
    }

    /** The tokens of a text made of the vocabulary's characters. */
    public static int[] encode(String text) {
        int[] tokens = new int[text.length()];
        for (int i = 0; i < text.length(); i++) {
            int index = CHARACTERS.indexOf(text.charAt(i));
            if (index < 0) {
                throw new IllegalArgumentException("character '" + text.charAt(i) + "' is not in the demo vocabulary \"" + CHARACTERS + "\"");
            }
            tokens[i] = FIRST_CHARACTER + index;
        }
        return tokens;
    }

    /** Readable text of tokens; markers are written as {@code <user>}, {@code <assistant>}, {@code <end>}. */
    public static String decode(int[] tokens) {
        StringBuilder text = new StringBuilder();
        for (int token : tokens) {
            text.append(switch (token) {
                case PADDING -> "<pad>";
                case USER -> "<user>";
                case ASSISTANT -> "<assistant>";
                case END -> "<end>";
                default -> token - FIRST_CHARACTER < CHARACTERS.length() ? String.valueOf(CHARACTERS.charAt(token - FIRST_CHARACTER))
                        : "<" + token + ">";
            });
        }
        return text.toString();
    }
}
