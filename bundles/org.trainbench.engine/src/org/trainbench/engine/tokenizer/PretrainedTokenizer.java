package org.trainbench.engine.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

import org.trainbench.engine.files.TextFiles;
import org.trainbench.engine.json.Json;
import org.trainbench.engine.tokenizer.chat.ChatTemplate;
import org.trainbench.engine.tokenizer.chat.ChatTemplateException;

/**
 * A tokenizer directory as transformers saves it ({@code save_pretrained}): tokenizer.json plus the special tokens and
 * chat template of tokenizer_config.json (and the end-of-sequence ids of generation_config.json when present).
 * Also accepts a bare tokenizer.json; then BOS/EOS are found among the added tokens by their usual names.
 */
public final class PretrainedTokenizer {
    private static final List<String> BOS_NAMES = List.of("<|begin_of_text|>", "<s>", "<bos>", "<|startoftext|>", "<|endoftext|>");
    private static final List<String> EOS_NAMES = List.of("<|end_of_text|>", "</s>", "<eos>", "<|endoftext|>");
    private static final List<String> END_OF_TURN_NAMES = List.of("<|eot_id|>", "<|eom_id|>", "<|im_end|>", "<|end|>",
            "<end_of_turn>", "</s>", "<|endoftext|>", "<|end_of_text|>");

    private final Tokenizer tokenizer;
    private final String bosToken;
    private final String eosToken;
    private final ChatTemplate chatTemplate;
    private final List<String> endOfTurnTokens;
    private final Path directory;

    private PretrainedTokenizer(Path directory, Tokenizer tokenizer, String bosToken, String eosToken,
            ChatTemplate chatTemplate, List<String> endOfTurnTokens) {
        this.directory = directory;
        this.tokenizer = tokenizer;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.chatTemplate = chatTemplate;
        this.endOfTurnTokens = List.copyOf(endOfTurnTokens);
    }

    /** Loads a directory with tokenizer.json (and optionally tokenizer_config.json), or a tokenizer.json file. */
    public static PretrainedTokenizer load(Path path) throws IOException {
        return load(path, null);
    }

    /** As {@link #load(Path)}, with {@code bosOverride} replacing the BOS token (Fast-LLM's tokenizer.bos_token). */
    public static PretrainedTokenizer load(Path path, String bosOverride) throws IOException {
        Tokenizer tokenizer = Tokenizer.load(path);
        Path directory = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        Map<?, ?> config = readJson(directory.resolve("tokenizer_config.json"));
        String bos = tokenContent(config.get("bos_token"));
        String eos = tokenContent(config.get("eos_token"));
        if (bos == null) {
            bos = firstAdded(tokenizer, BOS_NAMES);
        }
        if (eos == null) {
            eos = firstAdded(tokenizer, EOS_NAMES);
        }
        if (bosOverride != null) {
            bos = bosOverride;
        }
        ChatTemplate template = null;
        Object templateNode = config.get("chat_template");
        if (templateNode instanceof List<?> named) {
            for (Object entry : named) {
                if (entry instanceof Map<?, ?> m && "default".equals(m.get("name"))) {
                    templateNode = m.get("template");
                }
            }
        }
        if (templateNode == null && Files.isRegularFile(directory.resolve("chat_template.jinja"))) {
            templateNode = TextFiles.readUtf8(directory.resolve("chat_template.jinja"));
        }
        if (templateNode instanceof String source) {
            try {
                template = ChatTemplate.parse(source);
            } catch (ChatTemplateException e) {
                throw new TokenizerFormatException(directory.resolve("tokenizer_config.json"),
                        "its chat_template cannot be used: " + e.getMessage());
            }
        }
        Set<String> endOfTurn = new LinkedHashSet<>();
        if (eos != null) {
            endOfTurn.add(eos);
        }
        Map<?, ?> generation = readJson(directory.resolve("generation_config.json"));
        Object eosIds = generation.get("eos_token_id");
        for (Object id : eosIds instanceof List<?> list ? list : eosIds == null ? List.of() : List.of(eosIds)) {
            String token = tokenizer.token(((Number) id).intValue());
            if (token != null) {
                endOfTurn.add(token);
            }
        }
        for (String name : END_OF_TURN_NAMES) {
            if (tokenizer.addedTokens().stream().anyMatch(t -> t.special() && t.content().equals(name))) {
                endOfTurn.add(name);
            }
        }
        return new PretrainedTokenizer(directory, tokenizer, bos, eos, template, new ArrayList<>(endOfTurn));
    }

    private static Map<?, ?> readJson(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            return Json.parse(TextFiles.readUtf8(file)) instanceof Map<?, ?> m ? m : Map.of();
        } catch (IllegalArgumentException e) {
            throw new TokenizerFormatException(file, "not valid JSON: " + e.getMessage());
        }
    }

    private static String tokenContent(Object node) {
        if (node instanceof String s) {
            return s;
        }
        if (node instanceof Map<?, ?> m && m.get("content") instanceof String s) {
            return s;
        }
        return null;
    }

    private static String firstAdded(Tokenizer tokenizer, List<String> names) {
        for (String name : names) {
            for (AddedToken token : tokenizer.addedTokens()) {
                if (token.content().equals(name)) {
                    return name;
                }
            }
        }
        return null;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public Path directory() {
        return directory;
    }

    public Optional<String> bosToken() {
        return Optional.ofNullable(bosToken);
    }

    public Optional<String> eosToken() {
        return Optional.ofNullable(eosToken);
    }

    public OptionalInt bosId() {
        return bosToken == null ? OptionalInt.empty() : tokenizer.tokenId(bosToken);
    }

    public OptionalInt eosId() {
        return eosToken == null ? OptionalInt.empty() : tokenizer.tokenId(eosToken);
    }

    public Optional<ChatTemplate> chatTemplate() {
        return Optional.ofNullable(chatTemplate);
    }

    /** Tokens that close an assistant turn; assistant spans extend over one written right after the content. */
    public List<String> endOfTurnTokens() {
        return endOfTurnTokens;
    }

    /**
     * Renders a conversation with the chat template, as transformers' {@code apply_chat_template(tokenize=False)}.
     *
     * @throws ChatTemplateException when there is no chat template or it fails on this conversation
     */
    public ChatTemplate.Rendering applyChatTemplate(List<Map<String, Object>> messages, boolean addGenerationPrompt) {
        if (chatTemplate == null) {
            throw new ChatTemplateException("the tokenizer in " + directory + " has no chat_template in its "
                    + "tokenizer_config.json: add one (for example from the instruct model's tokenizer) to use conversations");
        }
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("bos_token", bosToken == null ? "" : bosToken);
        variables.put("eos_token", eosToken == null ? "" : eosToken);
        variables.put("add_generation_prompt", addGenerationPrompt);
        return chatTemplate.render(messages, variables, endOfTurnTokens);
    }
}
