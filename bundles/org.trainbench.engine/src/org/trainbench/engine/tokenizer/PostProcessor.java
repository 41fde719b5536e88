package org.trainbench.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The {@code post_processor}: adds template special tokens (BOS) and, for ByteLevel, optionally trims offsets. */
sealed interface PostProcessor {

    /** Rewrites the single-sequence encoding; {@code addSpecialTokens} false skips template tokens. */
    void process(TokenSink tokens, boolean addSpecialTokens, Tokenizer tokenizer);

    record Sequence(List<PostProcessor> processors) implements PostProcessor {
        @Override
        public void process(TokenSink tokens, boolean addSpecialTokens, Tokenizer tokenizer) {
            for (PostProcessor processor : processors) {
                processor.process(tokens, addSpecialTokens, tokenizer);
            }
        }
    }

    /** {@code single}: a list of special-token ids (each may stand for several ids) around the sequence "$A". */
    record Template(List<int[]> before, List<int[]> after) implements PostProcessor {
        @Override
        public void process(TokenSink tokens, boolean addSpecialTokens, Tokenizer tokenizer) {
            if (!addSpecialTokens) {
                return;
            }
            TokenSink out = new TokenSink(tokens.hasOffsets());
            for (int[] ids : before) {
                for (int id : ids) {
                    out.add(id, 0, 0);
                }
            }
            for (int i = 0; i < tokens.size; i++) {
                out.add(tokens.ids[i], tokens.hasOffsets() ? tokens.starts[i] : 0, tokens.hasOffsets() ? tokens.ends[i] : 0);
            }
            for (int[] ids : after) {
                for (int id : ids) {
                    out.add(id, 0, 0);
                }
            }
            tokens.ids = out.ids;
            tokens.starts = out.starts;
            tokens.ends = out.ends;
            tokens.size = out.size;
        }
    }

    /** ByteLevel with {@code trim_offsets}: offsets exclude leading and trailing spaces of a token, as HF trims them. */
    record ByteLevelOffsets(boolean trimOffsets, boolean addPrefixSpace) implements PostProcessor {
        @Override
        public void process(TokenSink tokens, boolean addSpecialTokens, Tokenizer tokenizer) {
            if (!trimOffsets || !tokens.hasOffsets()) {
                return;
            }
            for (int i = 0; i < tokens.size; i++) {
                String token = tokenizer.token(tokens.ids[i]);
                if (token == null || tokenizer.isAddedToken(tokens.ids[i])) {
                    continue;
                }
                int leading = 0;
                while (leading < token.length() && isSpace(token.charAt(leading))) {
                    leading++;
                }
                int trailing = 0;
                while (trailing < token.length() - leading && isSpace(token.charAt(token.length() - 1 - trailing))) {
                    trailing++;
                }
                if (leading > 0) {
                    boolean first = i == 0 || tokens.starts[i] == 0;
                    if (first && addPrefixSpace && leading == 1) {
                        leading = 0;
                    }
                    tokens.starts[i] = Math.min(tokens.starts[i] + leading, tokens.ends[i]);
                }
                if (trailing > 0 && tokens.ends[i] >= trailing) {
                    tokens.ends[i] = Math.max(tokens.ends[i] - trailing, tokens.starts[i]);
                }
            }
        }

        private static boolean isSpace(char c) {
            return c == ByteLevelAlphabet.BYTE_TO_CHAR[' '] || Character.isWhitespace(c);
        }
    }

    static PostProcessor parse(Object node, String where) {
        if (node == null) {
            return null;
        }
        Map<?, ?> map = (Map<?, ?>) node;
        String type = String.valueOf(map.get("type"));
        return switch (type) {
            case "Sequence" -> {
                List<PostProcessor> list = new ArrayList<>();
                for (Object child : (List<?>) map.get("processors")) {
                    list.add(parse(child, where));
                }
                yield new Sequence(List.copyOf(list));
            }
            case "ByteLevel" -> new ByteLevelOffsets(Boolean.TRUE.equals(map.get("trim_offsets")),
                    Boolean.TRUE.equals(map.get("add_prefix_space")));
            case "TemplateProcessing" -> {
                Map<?, ?> specials = (Map<?, ?>) map.get("special_tokens");
                List<int[]> before = new ArrayList<>();
                List<int[]> after = new ArrayList<>();
                boolean seenSequence = false;
                for (Object item : (List<?>) map.get("single")) {
                    Map<?, ?> entry = (Map<?, ?>) item;
                    if (entry.containsKey("Sequence")) {
                        seenSequence = true;
                        continue;
                    }
                    String name = (String) ((Map<?, ?>) entry.get("SpecialToken")).get("id");
                    Map<?, ?> special = (Map<?, ?>) specials.get(name);
                    if (special == null) {
                        throw new IllegalArgumentException(where + ": post_processor uses special token '" + name
                                + "' that its special_tokens do not define");
                    }
                    int[] tokenIds = ((List<?>) special.get("ids")).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
                    (seenSequence ? after : before).add(tokenIds);
                }
                yield new Template(List.copyOf(before), List.copyOf(after));
            }
            default -> throw new IllegalArgumentException(where + ": post_processor type '" + type
                    + "' is not supported (supported: TemplateProcessing, ByteLevel, Sequence)");
        };
    }
}
