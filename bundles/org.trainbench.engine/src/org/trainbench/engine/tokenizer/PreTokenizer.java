package org.trainbench.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code pre_tokenizer} of a tokenizer.json: splits a normalized segment into pieces that the model encodes
 * separately (and caches), possibly rewriting them (ByteLevel maps each UTF-8 byte to a printable character).
 */
sealed interface PreTokenizer {

    /** Appends the pieces of {@code piece} to {@code out}. */
    void split(Piece piece, List<Piece> out);

    /** GPT-2's pattern, used by ByteLevel when {@code use_regex} is true. */
    String GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    record Sequence(List<PreTokenizer> steps) implements PreTokenizer {
        @Override
        public void split(Piece piece, List<Piece> out) {
            List<Piece> current = new ArrayList<>();
            current.add(piece);
            for (PreTokenizer step : steps) {
                List<Piece> next = new ArrayList<>(current.size() * 2);
                for (Piece p : current) {
                    step.split(p, next);
                }
                current = next;
            }
            out.addAll(current);
        }
    }

    enum Behavior {
        REMOVED, ISOLATED, MERGED_WITH_PREVIOUS, MERGED_WITH_NEXT, CONTIGUOUS;

        static Behavior parse(Object value) {
            return switch (String.valueOf(value)) {
                case "Removed" -> REMOVED;
                case "Isolated" -> ISOLATED;
                case "MergedWithPrevious" -> MERGED_WITH_PREVIOUS;
                case "MergedWithNext" -> MERGED_WITH_NEXT;
                case "Contiguous" -> CONTIGUOUS;
                default -> throw new IllegalArgumentException("unknown split behavior '" + value + "'");
            };
        }
    }

    /** Splits on the matches of a pattern, distributing matches and gaps as the behavior says. */
    record Split(PieceMatcher matcher, Behavior behavior, boolean invert) implements PreTokenizer {
        @Override
        public void split(Piece piece, List<Piece> out) {
            if (piece.isEmpty()) {
                return;
            }
            // (start, end, isMatch) triples covering the piece.
            int[] ranges = matcher.matches(piece);
            List<int[]> parts = new ArrayList<>();
            int position = 0;
            for (int i = 0; i < ranges.length; i += 2) {
                if (ranges[i] > position) {
                    parts.add(new int[] {position, ranges[i], invert ? 1 : 0});
                }
                parts.add(new int[] {ranges[i], ranges[i + 1], invert ? 0 : 1});
                position = ranges[i + 1];
            }
            if (position < piece.length()) {
                parts.add(new int[] {position, piece.length(), invert ? 1 : 0});
            }
            switch (behavior) {
                case ISOLATED -> parts.forEach(p -> out.add(piece.slice(p[0], p[1])));
                case REMOVED -> parts.stream().filter(p -> p[2] == 0).forEach(p -> out.add(piece.slice(p[0], p[1])));
                case MERGED_WITH_PREVIOUS -> {
                    // A match joins the part before it, unless that part was a match too (HF's fold).
                    List<int[]> merged = new ArrayList<>();
                    boolean previousMatch = false;
                    for (int[] p : parts) {
                        if (p[2] == 1 && !previousMatch && !merged.isEmpty()) {
                            merged.getLast()[1] = p[1];
                        } else {
                            merged.add(new int[] {p[0], p[1]});
                        }
                        previousMatch = p[2] == 1;
                    }
                    merged.forEach(p -> out.add(piece.slice(p[0], p[1])));
                }
                case MERGED_WITH_NEXT -> {
                    // A match joins the part after it, unless that part is a match too.
                    List<int[]> merged = new ArrayList<>();
                    boolean nextMatch = false;
                    for (int i = parts.size() - 1; i >= 0; i--) {
                        int[] p = parts.get(i);
                        if (p[2] == 1 && !nextMatch && !merged.isEmpty()) {
                            merged.getLast()[0] = p[0];
                        } else {
                            merged.add(new int[] {p[0], p[1]});
                        }
                        nextMatch = p[2] == 1;
                    }
                    for (int i = merged.size() - 1; i >= 0; i--) {
                        out.add(piece.slice(merged.get(i)[0], merged.get(i)[1]));
                    }
                }
                case CONTIGUOUS -> {
                    int i = 0;
                    while (i < parts.size()) {
                        int j = i + 1;
                        while (j < parts.size() && parts.get(j)[2] == 1 && parts.get(i)[2] == 1) {
                            j++;
                        }
                        out.add(piece.slice(parts.get(i)[0], parts.get(j - 1)[1]));
                        i = j;
                    }
                }
            }
        }
    }

    /** Where a pattern matches inside a piece: {@code [start0, end0, start1, end1, ...]} in unit indices. */
    interface PieceMatcher {
        int[] matches(Piece piece);
    }

    /** A java.util.regex pattern; indices are converted from UTF-16 to code points. */
    record RegexMatcher(Pattern pattern) implements PieceMatcher {
        @Override
        public int[] matches(Piece piece) {
            String text = piece.text();
            int[] toUnit = text.length() == piece.length() ? null : utf16ToUnitIndex(text);
            Matcher m = pattern.matcher(text);
            int[] result = new int[16];
            int n = 0;
            while (m.find()) {
                if (m.end() == m.start()) {
                    continue;
                }
                if (n + 2 > result.length) {
                    result = java.util.Arrays.copyOf(result, result.length * 2);
                }
                result[n++] = toUnit == null ? m.start() : toUnit[m.start()];
                result[n++] = toUnit == null ? m.end() : toUnit[m.end()];
            }
            return java.util.Arrays.copyOf(result, n);
        }
    }

    record LiteralMatcher(int[] literal) implements PieceMatcher {
        @Override
        public int[] matches(Piece piece) {
            List<Integer> found = new ArrayList<>();
            int i = 0;
            outer:
            while (i + literal.length <= piece.length()) {
                for (int k = 0; k < literal.length; k++) {
                    if (piece.unit(i + k) != literal[k]) {
                        i++;
                        continue outer;
                    }
                }
                found.add(i);
                found.add(i + literal.length);
                i += literal.length;
            }
            return found.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** Maps each code point to its UTF-8 bytes as printable characters (GPT-2's byte-level alphabet). */
    record ByteLevel(boolean addPrefixSpace, Split regexSplit) implements PreTokenizer {
        @Override
        public void split(Piece piece, List<Piece> out) {
            if (piece.isEmpty()) {
                return;
            }
            if (addPrefixSpace && piece.unit(0) != ' ') {
                piece = piece.prepend(' ');
            }
            if (regexSplit == null) {
                out.add(toBytes(piece));
                return;
            }
            List<Piece> parts = new ArrayList<>();
            regexSplit.split(piece, parts);
            for (Piece part : parts) {
                out.add(toBytes(part));
            }
        }

        static Piece toBytes(Piece piece) {
            int n = piece.length();
            boolean ascii = true;
            for (int i = 0; i < n; i++) {
                if (piece.unit(i) >= 0x80) {
                    ascii = false;
                    break;
                }
            }
            if (ascii) {
                int[] u = new int[n];
                for (int i = 0; i < n; i++) {
                    u[i] = ByteLevelAlphabet.BYTE_TO_CHAR[piece.unit(i)];
                }
                return new Piece(u, java.util.Arrays.copyOfRange(piece.start, piece.from, piece.to),
                        java.util.Arrays.copyOfRange(piece.end, piece.from, piece.to), 0, n);
            }
            Normalizer.UnitBuilder out = new Normalizer.UnitBuilder(n * 2);
            byte[] buffer = new byte[4];
            for (int i = 0; i < n; i++) {
                int cp = piece.unit(i);
                int s = piece.start[piece.from + i];
                int e = piece.end[piece.from + i];
                int length = Utf8.encode(cp, buffer);
                for (int b = 0; b < length; b++) {
                    out.add(ByteLevelAlphabet.BYTE_TO_CHAR[buffer[b] & 0xFF], s, e);
                }
            }
            return out.build();
        }
    }

    /** SentencePiece's word boundary: spaces become the replacement (▁), optionally prepended and split on. */
    record Metaspace(int replacement, String prependScheme, boolean split) implements PreTokenizer {
        @Override
        public void split(Piece piece, List<Piece> out) {
            if (piece.isEmpty()) {
                return;
            }
            piece = piece.replaceUnit(' ', replacement);
            boolean startsWithReplacement = piece.unit(0) == replacement;
            boolean prepend = switch (prependScheme) {
                case "always" -> !startsWithReplacement;
                case "first" -> !startsWithReplacement && piece.originalStart() == 0;
                default -> false;
            };
            if (prepend) {
                piece = piece.prepend(replacement);
            }
            if (!split) {
                out.add(piece);
                return;
            }
            new Split(new LiteralMatcher(new int[] {replacement}), Behavior.MERGED_WITH_NEXT, false).split(piece, out);
        }
    }

    record Digits(boolean individual) implements PreTokenizer {
        @Override
        public void split(Piece piece, List<Piece> out) {
            int i = 0;
            while (i < piece.length()) {
                int j = i + 1;
                boolean digit = Character.isDigit(piece.unit(i));
                if (!(digit && individual)) {
                    while (j < piece.length() && Character.isDigit(piece.unit(j)) == digit) {
                        j++;
                    }
                }
                out.add(piece.slice(i, j));
                i = j;
            }
        }
    }

    /** Converts a UTF-16 index of {@code text} to the code-point index (array of length text.length() + 1). */
    static int[] utf16ToUnitIndex(String text) {
        int[] index = new int[text.length() + 1];
        int unit = 0;
        for (int i = 0; i < text.length(); i++) {
            index[i] = unit;
            if (!(Character.isHighSurrogate(text.charAt(i)) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1)))) {
                unit++;
            }
        }
        index[text.length()] = unit;
        return index;
    }

    /**
     * Compiles a tokenizer.json regex (Oniguruma syntax in HF tokenizers) for java.util.regex. The patterns of
     * GPT-2, Llama 3 and similar use only syntax both engines share; {@code \s} is Unicode white space in Oniguruma,
     * hence UNICODE_CHARACTER_CLASS.
     */
    static Pattern compileRegex(String regex) {
        return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
    }

    static PreTokenizer parse(Object node, String where) {
        if (node == null) {
            return null;
        }
        Map<?, ?> map = (Map<?, ?>) node;
        String type = String.valueOf(map.get("type"));
        return switch (type) {
            case "Sequence" -> {
                List<PreTokenizer> steps = new ArrayList<>();
                for (Object child : (List<?>) map.get("pretokenizers")) {
                    steps.add(parse(child, where));
                }
                yield new Sequence(List.copyOf(steps));
            }
            case "Split" -> {
                Map<?, ?> pattern = (Map<?, ?>) map.get("pattern");
                PieceMatcher matcher = pattern.containsKey("String")
                        ? new LiteralMatcher(((String) pattern.get("String")).codePoints().toArray())
                        : FastSplitPatterns.matcherFor((String) pattern.get("Regex"));
                yield new Split(matcher, Behavior.parse(map.get("behavior")), Boolean.TRUE.equals(map.get("invert")));
            }
            case "ByteLevel" -> new ByteLevel(Boolean.TRUE.equals(map.get("add_prefix_space")),
                    Boolean.FALSE.equals(map.get("use_regex")) ? null
                            : new Split(FastSplitPatterns.matcherFor(GPT2_PATTERN), Behavior.ISOLATED, false));
            case "Metaspace" -> {
                String replacement = (String) map.get("replacement");
                Object scheme = map.get("prepend_scheme");
                if (scheme == null) {
                    scheme = Boolean.FALSE.equals(map.get("add_prefix_space")) ? "never" : "always";
                }
                yield new Metaspace(replacement.codePointAt(0), String.valueOf(scheme), !Boolean.FALSE.equals(map.get("split")));
            }
            case "Digits" -> new Digits(Boolean.TRUE.equals(map.get("individual_digits")));
            default -> throw new IllegalArgumentException(where + ": pre_tokenizer type '" + type
                    + "' is not supported (supported: Sequence, Split, ByteLevel, Metaspace, Digits)");
        };
    }
}
