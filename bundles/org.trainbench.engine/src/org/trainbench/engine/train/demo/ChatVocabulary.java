package org.trainbench.engine.train.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.trainbench.engine.json.Json;

/**
 * The demo's tokenizer: one token per character plus three chat markers, so the demo needs no tokenizer file to
 * train. Id 0 is unused padding; 1-3 are the markers; then space, '+', digits and lowercase letters.
 * {@link #tokenizerJson()} writes the same vocabulary as a Hugging Face tokenizer.json (a BPE model without merges,
 * the markers as special added tokens), so {@code trainbench generate} on a demo run can take a text prompt.
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

    /**
     * This vocabulary as a Hugging Face tokenizer.json tree: a BPE model whose vocabulary is the characters and which
     * has no merges, so each character is one token with the id {@link #encode} gives; {@code <pad>}, {@code <user>},
     * {@code <assistant>} and {@code <end>} are special added tokens. No normalizer, pre-tokenizer or post-processor:
     * text goes in as written, and no BOS is added (the demo has none).
     */
    public static Map<String, Object> tokenizerJson() {
        Map<String, Object> vocab = new LinkedHashMap<>();
        List<Object> added = new ArrayList<>();
        String[] markers = {"<pad>", "<user>", "<assistant>", "<end>"};
        for (int id = 0; id < markers.length; id++) {
            vocab.put(markers[id], id);
            Map<String, Object> token = new LinkedHashMap<>();
            token.put("id", id);
            token.put("content", markers[id]);
            token.put("single_word", false);
            token.put("lstrip", false);
            token.put("rstrip", false);
            token.put("normalized", false);
            token.put("special", true);
            added.add(token);
        }
        for (int i = 0; i < CHARACTERS.length(); i++) {
            vocab.put(String.valueOf(CHARACTERS.charAt(i)), FIRST_CHARACTER + i);
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", null);
        model.put("continuing_subword_prefix", null);
        model.put("end_of_word_suffix", null);
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        model.put("vocab", vocab);
        model.put("merges", List.of());
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "1.0");
        root.put("truncation", null);
        root.put("padding", null);
        root.put("added_tokens", added);
        root.put("normalizer", null);
        root.put("pre_tokenizer", null);
        root.put("post_processor", null);
        root.put("decoder", null);
        root.put("model", model);
        return root;
    }

    /**
     * Writes {@code tokenizer.json} ({@link #tokenizerJson()}), its {@code tokenizer_config.json} (the class
     * transformers loads it with, {@code <end>} as eos and {@code <pad>} as padding) and a {@code generation_config.json}
     * whose {@code eos_token_id} is {@link #END} into a run directory, so that {@code trainbench generate DIR --prompt
     * TEXT} encodes text prompts and stops at the end of the answer, and an export of the run carries them along.
     */
    public static void writeTokenizerFiles(Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve("tokenizer.json"), Json.write(tokenizerJson()) + "\n", StandardCharsets.UTF_8);
        Map<String, Object> tokenizerConfig = new LinkedHashMap<>();
        tokenizerConfig.put("tokenizer_class", "PreTrainedTokenizerFast");
        tokenizerConfig.put("eos_token", "<end>");
        tokenizerConfig.put("pad_token", "<pad>");
        tokenizerConfig.put("clean_up_tokenization_spaces", false);
        Files.writeString(directory.resolve("tokenizer_config.json"), Json.write(tokenizerConfig) + "\n", StandardCharsets.UTF_8);
        Files.writeString(directory.resolve("generation_config.json"), Json.write(Map.of("eos_token_id", END)) + "\n",
                StandardCharsets.UTF_8);
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
