package org.trainbench.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code pre_tokenizer} of a tokenizer.json: splits a normalized segment into pieces that the model encodes
 * separately (and caches), possibly rewriting them (ByteLevel maps each UTF-8 byte to a printable character).
 * <p>
 * Pieces are handed on one at a time, in order, as they are made: a segment of any length is never held as a list
 * of its pieces (on a 10 MB record, that list took about 30 times the text's size).
 */
sealed interface PreTokenizer {

    /** Hands the pieces of {@code piece} to {@code out}, in order. */
    void split(Piece piece, Consumer<Piece> out);

    /** GPT-2's pattern, used by ByteLevel when {@code use_regex} is true. */
    String GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    /** Each step splits the pieces of the step before; depth first, which gives the same order as step by step. */
    record Sequence(List<PreTokenizer> steps) implements PreTokenizer {
        @Override
        public void split(Piece piece, Consumer<Piece> out) {
            splitFrom(0, piece, out);
        }

        private void splitFrom(int step, Piece piece, Consumer<Piece> out) {
            if (step == steps.size()) {
                out.accept(piece);
                return;
            }
            steps.get(step).split(piece, p -> splitFrom(step + 1, p, out));
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
        public void split(Piece piece, Consumer<Piece> out) {
            if (piece.isEmpty()) {
                return;
            }
            // Isolated and Removed hand each part on as it is found; the merging behaviors look at neighbors, so
            // they first collect the parts as flat (start, end, isMatch) triples.
            switch (behavior) {
                case ISOLATED -> parts(piece, (start, end, match) -> out.accept(piece.slice(start, end)));
                case REMOVED -> parts(piece, (start, end, match) -> {
                    if (!match) {
                        out.accept(piece.slice(start, end));
                    }
                });
                default -> merge(piece, out);
            }
        }

        /** The matches and the gaps between them, in order, as {@code isMatch} says (inverted with {@code invert}). */
        private void parts(Piece piece, PartConsumer consumer) {
            int[] position = {0};
            matcher.matches(piece, (start, end) -> {
                if (start > position[0]) {
                    consumer.accept(position[0], start, invert);
                }
                consumer.accept(start, end, !invert);
                position[0] = end;
            });
            if (position[0] < piece.length()) {
                consumer.accept(position[0], piece.length(), invert);
            }
        }

        private void merge(Piece piece, Consumer<Piece> out) {
            Parts parts = new Parts(48);
            parts(piece, parts::add);
            switch (behavior) {
                case MERGED_WITH_PREVIOUS -> {
                    // A match joins the part before it, unless that part was a match too (HF's fold).
                    int begin = -1;
                    int finish = -1;
                    boolean previousMatch = false;
                    for (int p = 0; p < parts.size; p++) {
                        if (parts.isMatch(p) && !previousMatch && begin >= 0) {
                            finish = parts.end(p);
                        } else {
                            if (begin >= 0) {
                                out.accept(piece.slice(begin, finish));
                            }
                            begin = parts.start(p);
                            finish = parts.end(p);
                        }
                        previousMatch = parts.isMatch(p);
                    }
                    if (begin >= 0) {
                        out.accept(piece.slice(begin, finish));
                    }
                }
                case MERGED_WITH_NEXT -> {
                    // A match joins the part after it, unless that part is a match too: decided from the back, so
                    // the merged parts are found back to front and handed on front to back.
                    Parts merged = new Parts(parts.size * 3);
                    boolean nextMatch = false;
                    for (int p = parts.size - 1; p >= 0; p--) {
                        if (parts.isMatch(p) && !nextMatch && merged.size > 0) {
                            merged.setStart(merged.size - 1, parts.start(p));
                        } else {
                            merged.add(parts.start(p), parts.end(p), false);
                        }
                        nextMatch = parts.isMatch(p);
                    }
                    for (int p = merged.size - 1; p >= 0; p--) {
                        out.accept(piece.slice(merged.start(p), merged.end(p)));
                    }
                }
                case CONTIGUOUS -> {
                    int i = 0;
                    while (i < parts.size) {
                        int j = i + 1;
                        while (j < parts.size && parts.isMatch(j) && parts.isMatch(i)) {
                            j++;
                        }
                        out.accept(piece.slice(parts.start(i), parts.end(j - 1)));
                        i = j;
                    }
                }
                default -> throw new IllegalStateException(behavior + " is handed on part by part");
            }
        }
    }

    @FunctionalInterface
    interface PartConsumer {
        void accept(int start, int end, boolean match);
    }

    /** Growable flat (start, end, isMatch) triples: a segment's parts without an object per part. */
    final class Parts {
        private int[] triples;
        int size;

        Parts(int capacity) {
            triples = new int[Math.max(3, capacity)];
        }

        void add(int start, int end, boolean match) {
            if (3 * size + 3 > triples.length) {
                triples = java.util.Arrays.copyOf(triples, triples.length * 2);
            }
            triples[3 * size] = start;
            triples[3 * size + 1] = end;
            triples[3 * size + 2] = match ? 1 : 0;
            size++;
        }

        int start(int p) {
            return triples[3 * p];
        }

        int end(int p) {
            return triples[3 * p + 1];
        }

        boolean isMatch(int p) {
            return triples[3 * p + 2] == 1;
        }

        void setStart(int p, int start) {
            triples[3 * p] = start;
        }
    }

    /** Where a pattern matches inside a piece: each non-empty match, in order, as unit indices {@code [start, end)}. */
    interface PieceMatcher {
        void matches(Piece piece, MatchConsumer out);
    }

    @FunctionalInterface
    interface MatchConsumer {
        void accept(int start, int end);
    }

    /** A java.util.regex pattern; indices are converted from UTF-16 to code points. */
    record RegexMatcher(Pattern pattern) implements PieceMatcher {
        @Override
        public void matches(Piece piece, MatchConsumer out) {
            String text = piece.text();
            int[] toUnit = text.length() == piece.length() ? null : utf16ToUnitIndex(text);
            Matcher m = pattern.matcher(text);
            while (m.find()) {
                if (m.end() == m.start()) {
                    continue;
                }
                out.accept(toUnit == null ? m.start() : toUnit[m.start()], toUnit == null ? m.end() : toUnit[m.end()]);
            }
        }
    }

    record LiteralMatcher(int[] literal) implements PieceMatcher {
        @Override
        public void matches(Piece piece, MatchConsumer out) {
            int i = 0;
            outer:
            while (i + literal.length <= piece.length()) {
                for (int k = 0; k < literal.length; k++) {
                    if (piece.unit(i + k) != literal[k]) {
                        i++;
                        continue outer;
                    }
                }
                out.accept(i, i + literal.length);
                i += literal.length;
            }
        }
    }

    /** Maps each code point to its UTF-8 bytes as printable characters (GPT-2's byte-level alphabet). */
    record ByteLevel(boolean addPrefixSpace, Split regexSplit) implements PreTokenizer {
        @Override
        public void split(Piece piece, Consumer<Piece> out) {
            if (piece.isEmpty()) {
                return;
            }
            if (addPrefixSpace && piece.unit(0) != ' ') {
                piece = piece.prepend(' ');
            }
            if (regexSplit == null) {
                out.accept(toBytes(piece));
                return;
            }
            regexSplit.split(piece, part -> out.accept(toBytes(part)));
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
                int[] s = new int[n];
                int[] e = new int[n];
                for (int i = 0; i < n; i++) {
                    u[i] = ByteLevelAlphabet.BYTE_TO_CHAR[piece.unit(i)];
                    s[i] = piece.start(i);
                    e[i] = piece.end(i);
                }
                return new Piece(u, s, e, 0, n);
            }
            Normalizer.UnitBuilder out = new Normalizer.UnitBuilder(n * 2);
            byte[] buffer = new byte[4];
            for (int i = 0; i < n; i++) {
                int cp = piece.unit(i);
                int s = piece.start(i);
                int e = piece.end(i);
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
        public void split(Piece piece, Consumer<Piece> out) {
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
                out.accept(piece);
                return;
            }
            new Split(new LiteralMatcher(new int[] {replacement}), Behavior.MERGED_WITH_NEXT, false).split(piece, out);
        }
    }

    record Digits(boolean individual) implements PreTokenizer {
        @Override
        public void split(Piece piece, Consumer<Piece> out) {
            int i = 0;
            while (i < piece.length()) {
                int j = i + 1;
                boolean digit = Character.isDigit(piece.unit(i));
                if (!(digit && individual)) {
                    while (j < piece.length() && Character.isDigit(piece.unit(j)) == digit) {
                        j++;
                    }
                }
                out.accept(piece.slice(i, j));
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
