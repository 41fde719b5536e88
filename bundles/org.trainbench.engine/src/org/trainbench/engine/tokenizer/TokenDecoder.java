package org.trainbench.engine.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The {@code decoder} of a tokenizer.json applied to token strings: ByteLevel, Metaspace, or a Sequence of steps. */
final class TokenDecoder {
    private TokenDecoder() {
    }

    static String decode(Map<String, Object> decoder, List<String> tokens, List<String> addedContents) {
        if (decoder == null) {
            return String.join("", tokens);
        }
        return String.join("", chain(decoder, tokens, addedContents));
    }

    private static List<String> chain(Map<?, ?> decoder, List<String> tokens, List<String> added) {
        String type = String.valueOf(decoder.get("type"));
        switch (type) {
            case "Sequence": {
                List<String> current = tokens;
                for (Object step : (List<?>) decoder.get("decoders")) {
                    current = chain((Map<?, ?>) step, current, added);
                }
                return current;
            }
            case "ByteLevel": {
                // Added tokens are plain text; everything else is in the byte alphabet.
                List<String> out = new ArrayList<>();
                StringBuilder run = new StringBuilder();
                for (String token : tokens) {
                    if (added.contains(token)) {
                        if (!run.isEmpty()) {
                            out.add(Tokenizer.byteLevelToText(run.toString()));
                            run.setLength(0);
                        }
                        out.add(token);
                    } else {
                        run.append(token);
                    }
                }
                if (!run.isEmpty()) {
                    out.add(Tokenizer.byteLevelToText(run.toString()));
                }
                return out;
            }
            case "Replace": {
                Map<?, ?> pattern = (Map<?, ?>) decoder.get("pattern");
                String from = (String) pattern.get("String");
                String to = (String) decoder.get("content");
                return tokens.stream().map(t -> from == null ? t : t.replace(from, to)).toList();
            }
            case "ByteFallback": {
                List<String> out = new ArrayList<>();
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                int pending = 0;
                for (String token : tokens) {
                    if (token.length() == 6 && token.startsWith("<0x") && token.endsWith(">")) {
                        try {
                            bytes.write(Integer.parseInt(token.substring(3, 5), 16));
                            pending++;
                            continue;
                        } catch (NumberFormatException ignored) {
                            // not a byte token
                        }
                    }
                    flushBytes(bytes, pending, out);
                    pending = 0;
                    out.add(token);
                }
                flushBytes(bytes, pending, out);
                return out;
            }
            case "Fuse":
                return List.of(String.join("", tokens));
            case "Strip": {
                String content = (String) decoder.get("content");
                int start = ((Number) decoder.get("start")).intValue();
                int stop = ((Number) decoder.get("stop")).intValue();
                return tokens.stream().map(t -> {
                    int a = 0;
                    while (a < start && t.startsWith(content, a)) {
                        a += content.length();
                    }
                    int b = t.length();
                    for (int k = 0; k < stop && b - content.length() >= a && t.startsWith(content, b - content.length()); k++) {
                        b -= content.length();
                    }
                    return t.substring(a, b);
                }).toList();
            }
            case "Metaspace": {
                String replacement = (String) decoder.get("replacement");
                boolean prepend = !"never".equals(decoder.get("prepend_scheme"))
                        && !Boolean.FALSE.equals(decoder.get("add_prefix_space"));
                List<String> out = new ArrayList<>();
                for (int i = 0; i < tokens.size(); i++) {
                    String t = tokens.get(i).replace(replacement, " ");
                    if (i == 0 && prepend && t.startsWith(" ")) {
                        t = t.substring(1);
                    }
                    out.add(t);
                }
                return out;
            }
            default:
                throw new UnsupportedOperationException("decoder type '" + type + "' is not supported");
        }
    }

    private static void flushBytes(ByteArrayOutputStream bytes, int pending, List<String> out) {
        if (pending == 0) {
            return;
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        bytes.reset();
        // HF emits one U+FFFD per invalid byte; the JDK decoder replaces malformed sequences similarly.
        out.add(text);
    }
}
