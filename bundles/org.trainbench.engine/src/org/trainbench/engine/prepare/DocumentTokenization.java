package org.trainbench.engine.prepare;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.trainbench.engine.tokenizer.Encoding;
import org.trainbench.engine.tokenizer.PretrainedTokenizer;
import org.trainbench.engine.tokenizer.chat.ChatTemplate;
import org.trainbench.engine.tokenizer.chat.ChatTemplateException;

/**
 * Turns one input record into the tokens and loss-masking spans of one document, as Fast-LLM's preparator lays them
 * out: BOS, the text's tokens (without the post-processor's specials), EOS; spans are inclusive token positions where
 * the loss is NOT computed.
 * <ul>
 * <li>Text records: the configured field is the text; the optional spans field holds inclusive character spans
 * (code points, as Python counts them) that are mapped to the tokens whose offsets overlap them.</li>
 * <li>Conversations: when the field holds a list of messages ({@code role}/{@code content}, or ShareGPT's
 * {@code from}/{@code value}), it is rendered with the tokenizer's chat template and everything except the assistant
 * spans (content plus its end-of-turn token) is masked.</li>
 * </ul>
 * BOS is not added again when the text already begins with it (a chat template that writes {@code bos_token}), nor EOS
 * when the text already ends with it; Fast-LLM would duplicate them.
 */
final class DocumentTokenization {

    /** A tokenized document, or the reason the record is invalid. */
    record Result(int[] tokens, int[][] spans, String problem) {
        static Result invalid(String problem) {
            return new Result(null, null, problem);
        }
    }

    private final PretrainedTokenizer tokenizer;
    private final String field;
    private final String spansField;
    private final int bos;
    private final int eos;

    DocumentTokenization(PretrainedTokenizer tokenizer, String field, String spansField) {
        this.tokenizer = tokenizer;
        this.field = field;
        this.spansField = spansField;
        this.bos = tokenizer.bosId().orElseThrow(() -> new PreparationException("the tokenizer in "
                + tokenizer.directory() + " has no BOS token (Fast-LLM needs one); set tokenizer.bos_token in the config"));
        this.eos = tokenizer.eosId().orElseThrow(() -> new PreparationException("the tokenizer in "
                + tokenizer.directory() + " has no EOS token: add eos_token to its tokenizer_config.json"));
    }

    Result tokenize(Map<String, Object> fields) {
        if (!fields.containsKey(field)) {
            return Result.invalid("the field '" + field + "' (dataset.field) is missing; the record has the fields "
                    + fields.keySet());
        }
        Object value = fields.get(field);
        if (value instanceof List<?> messages) {
            return conversation(messages);
        }
        if (!(value instanceof String text)) {
            return Result.invalid("the field '" + field + "' holds " + describe(value)
                    + "; expected a text or a list of chat messages");
        }
        int[][] charSpans = new int[0][];
        if (spansField != null) {
            if (!fields.containsKey(spansField)) {
                return Result.invalid("the loss-masking spans field '" + spansField + "' (dataset.loss_masking_spans) is "
                        + "missing; the record has the fields " + fields.keySet());
            }
            Object spans = fields.get(spansField);
            String problem = null;
            try {
                charSpans = characterSpans(spans, text.codePointCount(0, text.length()));
            } catch (IllegalArgumentException e) {
                problem = "'" + spansField + "': " + e.getMessage();
            }
            if (problem != null) {
                return Result.invalid(problem);
            }
        }
        return tokens(text, charSpans);
    }

    private static String describe(Object value) {
        return switch (value) {
            case null -> "null";
            case Map<?, ?> m -> "an object";
            case Number n -> "the number " + n;
            case Boolean b -> "the boolean " + b;
            default -> value.getClass().getSimpleName();
        };
    }

    /** Validates inclusive [begin, end] character spans: integers, inside the text, not reversed, not overlapping. */
    static int[][] characterSpans(Object node, int length) {
        if (node == null) {
            return new int[0][];
        }
        if (!(node instanceof List<?> list)) {
            throw new IllegalArgumentException("expected a list of [begin, end] pairs, found " + describe(node));
        }
        int[][] spans = new int[list.size()][];
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof List<?> pair) || pair.size() != 2 || !(pair.get(0) instanceof Long a)
                    || !(pair.get(1) instanceof Long b)) {
                throw new IllegalArgumentException("span " + i + " is " + org.trainbench.engine.json.Json.write(list.get(i))
                        + "; expected a pair of integers [begin, end] (inclusive character positions)");
            }
            if (a > b) {
                throw new IllegalArgumentException("span " + i + " [" + a + ", " + b + "] is reversed (begin > end)");
            }
            if (a < 0 || b >= length) {
                throw new IllegalArgumentException("span " + i + " [" + a + ", " + b + "] is out of range for a text of "
                        + length + " characters (valid positions 0 to " + (length - 1) + ", end inclusive)");
            }
            spans[i] = new int[] {(int) (long) a, (int) (long) b};
        }
        int[][] sorted = spans.clone();
        Arrays.sort(sorted, (x, y) -> Integer.compare(x[0], y[0]));
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i][0] <= sorted[i - 1][1]) {
                throw new IllegalArgumentException("spans [" + sorted[i - 1][0] + ", " + sorted[i - 1][1] + "] and ["
                        + sorted[i][0] + ", " + sorted[i][1] + "] overlap");
            }
        }
        return sorted;
    }

    private Result conversation(List<?> raw) {
        List<Map<String, Object>> messages = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            if (!(raw.get(i) instanceof Map<?, ?> m)) {
                return Result.invalid("message " + i + " of '" + field + "' is not an object");
            }
            Map<String, Object> message = new LinkedHashMap<>();
            m.forEach((k, v) -> message.put(String.valueOf(k), v));
            if (!message.containsKey("role") && message.containsKey("from")) {
                message.put("role", role(String.valueOf(message.remove("from"))));
                message.put("content", message.remove("value"));
            }
            if (!(message.get("role") instanceof String)) {
                return Result.invalid("message " + i + " of '" + field + "' has no role (expected role/content or "
                        + "from/value keys, found " + m.keySet() + ")");
            }
            messages.add(message);
        }
        ChatTemplate.Rendering rendering;
        try {
            rendering = tokenizer.applyChatTemplate(messages, false);
        } catch (ChatTemplateException e) {
            return Result.invalid("the chat template failed: " + e.getMessage());
        }
        String text = rendering.text();
        int length = text.codePointCount(0, text.length());
        // The loss is computed on assistant spans only: mask their complement.
        List<int[]> masked = new ArrayList<>();
        int position = 0;
        for (int[] span : rendering.assistantSpans()) {
            if (span[0] > position) {
                masked.add(new int[] {position, span[0] - 1});
            }
            position = span[1] + 1;
        }
        if (position < length) {
            masked.add(new int[] {position, length - 1});
        }
        return tokens(text, masked.toArray(new int[0][]));
    }

    /** ShareGPT's "from" names to chat roles. */
    private static String role(String from) {
        return switch (from) {
            case "human", "user" -> "user";
            case "gpt", "assistant", "model", "chatgpt", "bing", "bard" -> "assistant";
            case "system" -> "system";
            default -> from;
        };
    }

    private Result tokens(String text, int[][] charSpans) {
        // Offsets are needed only to map character spans to tokens: without spans, ids alone (a third of the memory).
        Encoding encoding = charSpans.length == 0 ? null : tokenizer.tokenizer().encode(text, false);
        int[] ids = encoding == null ? tokenizer.tokenizer().encodeIds(text, false) : encoding.ids();
        int n = ids.length;
        boolean addBos = n == 0 || ids[0] != bos;
        boolean addEos = n == 0 || ids[n - 1] != eos;
        int shift = addBos ? 1 : 0;
        int total = n + shift + (addEos ? 1 : 0);
        int[] tokens = new int[total];
        if (addBos) {
            tokens[0] = bos;
        }
        System.arraycopy(ids, 0, tokens, shift, n);
        if (addEos) {
            tokens[total - 1] = eos;
        }
        if (encoding == null) {
            return new Result(tokens, new int[0][], null);
        }
        int length = text.codePointCount(0, text.length());
        boolean[] masked = TokenSpans.maskedTokens(encoding.starts(), encoding.ends(), charSpans);
        boolean[] all = new boolean[total];
        System.arraycopy(masked, 0, all, shift, n);
        if (addBos) {
            all[0] = charSpans[0][0] == 0;
        }
        if (addEos) {
            all[total - 1] = charSpans[charSpans.length - 1][1] == length - 1;
        }
        return new Result(tokens, TokenSpans.runs(all), null);
    }
}
