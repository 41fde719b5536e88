package org.trainbench.engine.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code normalizer} of a tokenizer.json: rewrites a segment of text before pre-tokenization, keeping each unit's
 * original range. Prepend and Replace (Llama 2's SentencePiece layout) align exactly as Hugging Face does; the Unicode
 * normal forms and Lowercase align each output unit to the original code points it came from, per code point or per
 * combining sequence (HF aligns composed characters the same way in the cases we have checked).
 */
sealed interface Normalizer {

    Piece normalize(Piece piece);

    record Sequence(List<Normalizer> normalizers) implements Normalizer {
        @Override
        public Piece normalize(Piece piece) {
            for (Normalizer normalizer : normalizers) {
                piece = normalizer.normalize(piece);
            }
            return piece;
        }
    }

    record Prepend(int[] prefix) implements Normalizer {
        @Override
        public Piece normalize(Piece piece) {
            if (piece.isEmpty()) {
                return piece;
            }
            for (int i = prefix.length - 1; i >= 0; i--) {
                piece = piece.prepend(prefix[i]);
            }
            return piece;
        }
    }

    /** Replace of a literal string (pattern {"String": ...}) or a regular expression (pattern {"Regex": ...}). */
    record Replace(Pattern regex, int[] literal, int[] content) implements Normalizer {
        @Override
        public Piece normalize(Piece piece) {
            if (literal != null && literal.length == 1 && content.length == 1) {
                return piece.replaceUnit(literal[0], content[0]);
            }
            String text = piece.text();
            Pattern pattern = regex != null ? regex : Pattern.compile(Pattern.quote(new String(literal, 0, literal.length)));
            Matcher matcher = pattern.matcher(text);
            if (!matcher.find()) {
                return piece;
            }
            int[] cpIndex = PreTokenizer.utf16ToUnitIndex(text);
            UnitBuilder out = new UnitBuilder(piece.length() + 8);
            int unit = 0;
            do {
                int matchStart = cpIndex[matcher.start()];
                int matchEnd = cpIndex[matcher.end()];
                for (; unit < matchStart; unit++) {
                    out.add(piece, unit);
                }
                if (matchEnd > matchStart) {
                    int s = piece.start(matchStart);
                    int e = piece.end(matchEnd - 1);
                    boolean oneToOne = content.length == matchEnd - matchStart;
                    for (int c = 0; c < content.length; c++) {
                        if (oneToOne) {
                            out.add(content[c], piece.start(matchStart + c), piece.end(matchStart + c));
                        } else {
                            out.add(content[c], s, e);
                        }
                    }
                }
                unit = matchEnd;
            } while (matcher.find());
            for (; unit < piece.length(); unit++) {
                out.add(piece, unit);
            }
            return out.build();
        }
    }

    /** NFC, NFD, NFKC or NFKD, applied per combining sequence so that alignment stays per original character. */
    record UnicodeForm(java.text.Normalizer.Form form) implements Normalizer {
        @Override
        public Piece normalize(Piece piece) {
            String text = piece.text();
            if (java.text.Normalizer.isNormalized(text, form)) {
                return piece;
            }
            UnitBuilder out = new UnitBuilder(piece.length() + 8);
            int i = 0;
            while (i < piece.length()) {
                int j = i + 1;
                while (j < piece.length() && isCombining(piece.unit(j))) {
                    j++;
                }
                String normalized = java.text.Normalizer.normalize(new String(piece.units, piece.from + i, j - i), form);
                int s = piece.start(i);
                int e = piece.end(j - 1);
                int[] cps = normalized.codePoints().toArray();
                if (cps.length == j - i) {
                    for (int k = 0; k < cps.length; k++) {
                        out.add(cps[k], piece.start(i + k), piece.end(i + k));
                    }
                } else {
                    for (int cp : cps) {
                        out.add(cp, s, e);
                    }
                }
                i = j;
            }
            return out.build();
        }

        private static boolean isCombining(int cp) {
            int type = Character.getType(cp);
            return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                    || type == Character.ENCLOSING_MARK;
        }
    }

    record Lowercase() implements Normalizer {
        @Override
        public Piece normalize(Piece piece) {
            UnitBuilder out = new UnitBuilder(piece.length());
            for (int i = 0; i < piece.length(); i++) {
                String lower = new String(Character.toChars(piece.unit(i))).toLowerCase(java.util.Locale.ROOT);
                int s = piece.start(i);
                int e = piece.end(i);
                lower.codePoints().forEach(cp -> out.add(cp, s, e));
            }
            return out.build();
        }
    }

    record Strip(boolean left, boolean right) implements Normalizer {
        @Override
        public Piece normalize(Piece piece) {
            int a = 0;
            int b = piece.length();
            while (left && a < b && Character.isWhitespace(piece.unit(a))) {
                a++;
            }
            while (right && b > a && Character.isWhitespace(piece.unit(b - 1))) {
                b--;
            }
            return piece.slice(a, b);
        }
    }

    static Normalizer parse(Object node, String where) {
        if (node == null) {
            return null;
        }
        Map<?, ?> map = (Map<?, ?>) node;
        String type = String.valueOf(map.get("type"));
        return switch (type) {
            case "Sequence" -> {
                List<Normalizer> list = new ArrayList<>();
                for (Object child : (List<?>) map.get("normalizers")) {
                    list.add(parse(child, where));
                }
                yield new Sequence(List.copyOf(list));
            }
            case "Prepend" -> new Prepend(((String) map.get("prepend")).codePoints().toArray());
            case "Replace" -> {
                Map<?, ?> pattern = (Map<?, ?>) map.get("pattern");
                int[] content = ((String) map.get("content")).codePoints().toArray();
                if (pattern.containsKey("String")) {
                    yield new Replace(null, ((String) pattern.get("String")).codePoints().toArray(), content);
                }
                yield new Replace(PreTokenizer.compileRegex((String) pattern.get("Regex")), null, content);
            }
            case "NFC" -> new UnicodeForm(java.text.Normalizer.Form.NFC);
            case "NFD" -> new UnicodeForm(java.text.Normalizer.Form.NFD);
            case "NFKC" -> new UnicodeForm(java.text.Normalizer.Form.NFKC);
            case "NFKD" -> new UnicodeForm(java.text.Normalizer.Form.NFKD);
            case "Lowercase" -> new Lowercase();
            case "Strip" -> new Strip(!Boolean.FALSE.equals(map.get("strip_left")), !Boolean.FALSE.equals(map.get("strip_right")));
            default -> throw new IllegalArgumentException(where + ": normalizer type '" + type
                    + "' is not supported (supported: Sequence, Prepend, Replace, NFC, NFD, NFKC, NFKD, Lowercase, Strip)");
        };
    }

    /** Growable parallel arrays for building a new piece. */
    final class UnitBuilder {
        private int[] units;
        private int[] start;
        private int[] end;
        private int size;

        UnitBuilder(int capacity) {
            units = new int[Math.max(4, capacity)];
            start = new int[units.length];
            end = new int[units.length];
        }

        void add(int unit, int s, int e) {
            if (size == units.length) {
                int capacity = size * 2;
                units = java.util.Arrays.copyOf(units, capacity);
                start = java.util.Arrays.copyOf(start, capacity);
                end = java.util.Arrays.copyOf(end, capacity);
            }
            units[size] = unit;
            start[size] = s;
            end[size] = e;
            size++;
        }

        void add(Piece piece, int index) {
            add(piece.unit(index), piece.start(index), piece.end(index));
        }

        Piece build() {
            return new Piece(units, start, end, 0, size);
        }
    }
}
