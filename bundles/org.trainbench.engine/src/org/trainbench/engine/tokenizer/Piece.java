package org.trainbench.engine.tokenizer;

/**
 * A run of text between normalization, pre-tokenization and the model: its units (code points of the current form,
 * e.g. byte-level characters after ByteLevel) and, for each unit, the original code-point range it came from.
 * Tokens get their offsets from these ranges: start of the first unit, end of the last, as Hugging Face aligns them.
 * The arrays may be shared between pieces; a piece is the view {@code [from, to)}.
 * <p>
 * The input text itself is an identity piece: unit {@code k} of its array came from code point {@code k}, so it
 * carries no range arrays (they would take twice the memory of the text's code points); pieces are made with
 * explicit ranges only where a normalizer or pre-tokenizer rewrites units.
 */
final class Piece {
    final int[] units;
    /** Null for an identity alignment: unit at array index {@code k} came from {@code [shift + k, shift + k + 1)}. */
    private final int[] start;
    private final int[] end;
    private final int shift;
    final int from;
    final int to;

    Piece(int[] units, int[] start, int[] end, int from, int to) {
        this(units, start, end, 0, from, to);
    }

    private Piece(int[] units, int[] start, int[] end, int shift, int from, int to) {
        this.units = units;
        this.start = start;
        this.end = end;
        this.shift = shift;
        this.from = from;
        this.to = to;
    }

    /** Units {@code [from, to)} of {@code codePoints}, each aligned to its own position in that array. */
    static Piece identity(int[] codePoints, int from, int to) {
        return new Piece(codePoints, null, null, 0, from, to);
    }

    /** Units {@code [a, b)} of this piece (indices relative to the piece). */
    Piece slice(int a, int b) {
        return new Piece(units, start, end, shift, from + a, from + b);
    }

    int length() {
        return to - from;
    }

    boolean isEmpty() {
        return to == from;
    }

    int unit(int i) {
        return units[from + i];
    }

    /** The original offset where unit {@code i} (relative to the piece) begins. */
    int start(int i) {
        return start == null ? shift + from + i : start[from + i];
    }

    /** The original offset where unit {@code i} (relative to the piece) ends. */
    int end(int i) {
        return end == null ? shift + from + i + 1 : end[from + i];
    }

    /** The original offset where this piece begins (0 for a piece at the very start of the input). */
    int originalStart() {
        return start(0);
    }

    String text() {
        return new String(units, from, to - from);
    }

    /** A new piece with {@code unit} inserted in front, aligned to the first unit (as HF's prepend does). */
    Piece prepend(int unit) {
        int n = length();
        int[] u = new int[n + 1];
        int[] s = new int[n + 1];
        int[] e = new int[n + 1];
        u[0] = unit;
        s[0] = start(0);
        e[0] = end(0);
        System.arraycopy(units, from, u, 1, n);
        for (int i = 0; i < n; i++) {
            s[i + 1] = start(i);
            e[i + 1] = end(i);
        }
        return new Piece(u, s, e, 0, n + 1);
    }

    /** A copy where every unit equal to {@code target} is replaced by {@code replacement}, alignment kept. */
    Piece replaceUnit(int target, int replacement) {
        int index = -1;
        for (int i = from; i < to; i++) {
            if (units[i] == target) {
                index = i;
                break;
            }
        }
        if (index < 0) {
            return this;
        }
        int[] u = java.util.Arrays.copyOfRange(units, from, to);
        for (int i = index - from; i < u.length; i++) {
            if (u[i] == target) {
                u[i] = replacement;
            }
        }
        if (start == null) {
            return new Piece(u, null, null, shift + from, 0, u.length);
        }
        return new Piece(u, java.util.Arrays.copyOfRange(start, from, to), java.util.Arrays.copyOfRange(end, from, to), 0,
                u.length);
    }
}
