package org.trainbench.engine.tokenizer;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.trainbench.engine.json.Json;

/**
 * A tokenizer.json of Llama 3's size and shape, from a fixed seed, for load-time tests and benchmarks where the real
 * one cannot be downloaded: byte-level BPE with 128,000 model tokens (256 bytes, then English-like, accented, Cyrillic
 * and CJK words with and without a leading space, digits, whitespace and code runs), 280,147 merges as
 * {@code "left right"} strings (every split of a token into two tokens, ranked by the token, as a tiktoken conversion
 * writes them), 256 added special tokens at ids 128,000-128,255, Llama 3's pre-tokenizer, post-processor and
 * decoder, written as {@code save_pretrained} does (two-space indentation, non-ASCII as is). About 9 MB.
 * <pre>
 * java -cp ENGINE_JAR:TESTS_CLASSES org.trainbench.engine.tokenizer.LargeTokenizerFixture OUT_DIR
 * </pre>
 */
public final class LargeTokenizerFixture {
    static final int MODEL_TOKENS = 128_000;
    static final int MERGES = 280_147;
    static final int ADDED_TOKENS = 256;
    private static final long SEED = 20261207L;

    private static final String[] ONSETS = {"", "b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t",
        "v", "w", "z", "st", "tr", "pl", "ch", "sh", "th", "br", "gr", "sp", "qu", "str"};
    private static final String[] VOWELS = {"a", "e", "i", "o", "u", "ea", "ou", "io", "ai", "y"};
    private static final String[] CODAS = {"", "", "n", "s", "t", "r", "l", "nd", "ng", "st", "ck", "m", "x", "rt"};
    private static final String ACCENTED = "éèêàâçôûîïëüöäßñå";
    private static final String CYRILLIC = "абвгдежзийклмнопрстуфхцчшщыьэюя";
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private LargeTokenizerFixture() {
    }

    public static void main(String[] args) throws IOException {
        Path file = write(Path.of(args[0]));
        System.out.println(file + " (" + Files.size(file) + " bytes)");
    }

    /** Writes tokenizer.json into {@code directory} (created if needed) and returns its path. */
    public static Path write(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve("tokenizer.json");
        Random random = new Random(SEED);
        LinkedHashSet<String> tokens = new LinkedHashSet<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(Character.toString(ByteLevelAlphabet.BYTE_TO_CHAR[b]));
        }
        for (int d = 0; d < 1000 && tokens.size() < MODEL_TOKENS; d++) {
            addWithPrefixes(tokens, byteLevel(Integer.toString(d)));
        }
        for (String run : List.of("  ", "   ", "    ", "\n\n", "\n", "\t", "\t\t", " \n", "\n\n\n", "        ")) {
            addWithPrefixes(tokens, byteLevel(run));
        }
        while (tokens.size() < MODEL_TOKENS) {
            String word = word(random);
            addWithPrefixes(tokens, byteLevel(word));
        }
        // Ids by length, then by first appearance: both halves of every split have a smaller id than the token.
        List<String> ordered = new ArrayList<>(tokens);
        ordered.sort((a, b) -> Integer.compare(a.length(), b.length()));
        Map<String, Integer> ids = HashMap.newHashMap(ordered.size());
        for (String token : ordered) {
            ids.put(token, ids.size());
        }
        List<String> required = new ArrayList<>();
        List<String[]> extra = new ArrayList<>();
        List<int[]> order = new ArrayList<>(); // {token id, split, index in required (>=0) or extra (<0)}
        for (String token : ordered) {
            for (int k = 1; k < token.length(); k++) {
                String left = token.substring(0, k);
                String right = token.substring(k);
                if (ids.containsKey(left) && ids.containsKey(right)) {
                    if (k == token.length() - 1) {
                        order.add(new int[] {ids.get(token), k, required.size()});
                        required.add(left + " " + right);
                    } else {
                        order.add(new int[] {ids.get(token), k, -1 - extra.size()});
                        extra.add(new String[] {left, right});
                    }
                }
            }
        }
        double keep = (double) (MERGES - required.size()) / extra.size();
        if (keep > 1) {
            throw new IllegalStateException("only " + (required.size() + extra.size()) + " merges possible");
        }
        List<String> merges = new ArrayList<>(MERGES);
        Random pick = new Random(SEED + 1);
        int extraLeft = MERGES - required.size();
        for (int[] entry : order) {
            if (entry[2] >= 0) {
                merges.add(required.get(entry[2]));
            } else if (extraLeft > 0 && pick.nextDouble() < keep) {
                String[] pair = extra.get(-1 - entry[2]);
                merges.add(pair[0] + " " + pair[1]);
                extraLeft--;
            }
        }
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": [\n");
            for (int i = 0; i < ADDED_TOKENS; i++) {
                out.write("    {\n      \"id\": " + (MODEL_TOKENS + i) + ",\n      \"content\": " + quote(specialToken(i))
                        + ",\n      \"single_word\": false,\n      \"lstrip\": false,\n      \"rstrip\": false,\n"
                        + "      \"normalized\": false,\n      \"special\": true\n    }" + (i + 1 < ADDED_TOKENS ? ",\n" : "\n"));
            }
            out.write("  ],\n  \"normalizer\": null,\n");
            out.write("  \"pre_tokenizer\": " + PRE_TOKENIZER + ",\n");
            out.write("  \"post_processor\": " + POST_PROCESSOR + ",\n");
            out.write("  \"decoder\": {\n    \"type\": \"ByteLevel\",\n    \"add_prefix_space\": true,\n"
                    + "    \"trim_offsets\": true,\n    \"use_regex\": true\n  },\n");
            out.write("  \"model\": {\n    \"type\": \"BPE\",\n    \"dropout\": null,\n    \"unk_token\": null,\n"
                    + "    \"continuing_subword_prefix\": null,\n    \"end_of_word_suffix\": null,\n"
                    + "    \"fuse_unk\": false,\n    \"byte_fallback\": false,\n    \"ignore_merges\": true,\n"
                    + "    \"vocab\": {\n");
            for (int i = 0; i < ordered.size(); i++) {
                out.write("      " + quote(ordered.get(i)) + ": " + i + (i + 1 < ordered.size() ? ",\n" : "\n"));
            }
            out.write("    },\n    \"merges\": [\n");
            for (int i = 0; i < merges.size(); i++) {
                out.write("      " + quote(merges.get(i)) + (i + 1 < merges.size() ? ",\n" : "\n"));
            }
            out.write("    ]\n  }\n}\n");
        }
        return file;
    }

    /** Llama 3's names: begin/end of text, header and turn markers, the rest reserved. */
    static String specialToken(int i) {
        return switch (i) {
            case 0 -> "<|begin_of_text|>";
            case 1 -> "<|end_of_text|>";
            case 6 -> "<|start_header_id|>";
            case 7 -> "<|end_header_id|>";
            case 8 -> "<|eom_id|>";
            case 9 -> "<|eot_id|>";
            case 10 -> "<|python_tag|>";
            default -> "<|reserved_special_token_" + (i < 6 ? i - 2 : i - 7) + "|>";
        };
    }

    /** Text made of the fixture's kinds of words, for comparing ids before and after a change. */
    static String corpus(int words, long seed) {
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < words; i++) {
            double kind = random.nextDouble();
            if (kind < 0.05) {
                text.append(random.nextInt(100_000));
            } else if (kind < 0.08) {
                text.append(PUNCTUATION.charAt(random.nextInt(PUNCTUATION.length())));
            } else if (kind < 0.10) {
                text.append(random.nextBoolean() ? "\n" : "\n\n    ");
            } else if (kind < 0.11) {
                text.append(specialToken(random.nextInt(12)));
            } else if (kind < 0.12) {
                text.append("😀 ").append((char) ('a' + random.nextInt(26))).append("'s ");
            } else {
                String word = word(random);
                text.append(random.nextInt(5) == 0 ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
            }
            text.append(random.nextInt(4) == 0 ? "" : " ");
        }
        return text.toString();
    }

    private static String word(Random random) {
        double kind = random.nextDouble();
        StringBuilder word = new StringBuilder();
        if (kind < 0.70) {
            int syllables = 1 + random.nextInt(4);
            for (int s = 0; s < syllables; s++) {
                word.append(ONSETS[random.nextInt(ONSETS.length)]).append(VOWELS[random.nextInt(VOWELS.length)])
                        .append(CODAS[random.nextInt(CODAS.length)]);
            }
            if (random.nextInt(8) == 0) {
                word.setCharAt(random.nextInt(word.length()), ACCENTED.charAt(random.nextInt(ACCENTED.length())));
            }
        } else if (kind < 0.85) {
            int length = 2 + random.nextInt(8);
            for (int c = 0; c < length; c++) {
                word.append(CYRILLIC.charAt(random.nextInt(CYRILLIC.length())));
            }
        } else if (kind < 0.93) {
            int length = 1 + random.nextInt(3);
            for (int c = 0; c < length; c++) {
                word.append((char) (0x4E00 + random.nextInt(3000)));
            }
        } else {
            int length = 1 + random.nextInt(4);
            for (int c = 0; c < length; c++) {
                word.append(PUNCTUATION.charAt(random.nextInt(PUNCTUATION.length())));
            }
            word.append(random.nextBoolean() ? "\n" : "");
        }
        return (random.nextInt(10) < 6 ? " " : "") + word;
    }

    private static void addWithPrefixes(LinkedHashSet<String> tokens, String token) {
        for (int end = 2; end <= token.length() && tokens.size() < MODEL_TOKENS; end++) {
            tokens.add(token.substring(0, end));
        }
    }

    /** The byte-level form of a text: each UTF-8 byte as its printable character ("Ġ" for a space). */
    static String byteLevel(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            out.append((char) ByteLevelAlphabet.BYTE_TO_CHAR[b & 0xFF]);
        }
        return out.toString();
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder();
        Json.quote(out, s);
        return out.toString();
    }

    private static final String PRE_TOKENIZER = """
            {
                "type": "Sequence",
                "pretokenizers": [
                  {
                    "type": "Split",
                    "pattern": {
                      "Regex": "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\\\r\\\\n\\\\p{L}\\\\p{N}]?\\\\p{L}+|\\\\p{N}{1,3}| ?[^\\\\s\\\\p{L}\\\\p{N}]+[\\\\r\\\\n]*|\\\\s*[\\\\r\\\\n]+|\\\\s+(?!\\\\S)|\\\\s+"
                    },
                    "behavior": "Isolated",
                    "invert": false
                  },
                  {
                    "type": "ByteLevel",
                    "add_prefix_space": false,
                    "trim_offsets": true,
                    "use_regex": false
                  }
                ]
              }""";

    private static final String POST_PROCESSOR = """
            {
                "type": "Sequence",
                "processors": [
                  {
                    "type": "ByteLevel",
                    "add_prefix_space": true,
                    "trim_offsets": false,
                    "use_regex": true
                  },
                  {
                    "type": "TemplateProcessing",
                    "single": [
                      {"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}},
                      {"Sequence": {"id": "A", "type_id": 0}}
                    ],
                    "pair": [
                      {"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 1}},
                      {"Sequence": {"id": "A", "type_id": 0}},
                      {"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 1}},
                      {"Sequence": {"id": "B", "type_id": 1}}
                    ],
                    "special_tokens": {
                      "<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [128000], "tokens": ["<|begin_of_text|>"]}
                    }
                  }
                ]
              }""";
}
