package org.trainbench.engine.tokenizer;

/**
 * A run of text between normalization, pre-tokenization and the model: its units (code points of the current form,
 * e.g. byte-level characters after ByteLevel) and, for each unit, the original code-point range it came from.
 * Tokens get their offsets from these ranges: start of the first unit, end of the last, as Hugging Face aligns them.
 * The arrays may be shared between pieces; a piece is the view {@code [from, to)}.
 */
final class Piece {
    final int[] units;
    final int[] start;
    final int[] end;
    final int from;
    final int to;

    Piece(int[] units, int[] start, int[] end, int from, int to) {
        this.units = units;
        this.start = start;
        this.end = end;
        this.from = from;
        this.to = to;
    }

    /** Units {@code [a, b)} of this piece (indices relative to the piece). */
    Piece slice(int a, int b) {
        return new Piece(units, start, end, from + a, from + b);
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

    /** The original offset where this piece begins (0 for a piece at the very start of the input). */
    int originalStart() {
        return start[from];
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
        s[0] = start[from];
        e[0] = end[from];
        System.arraycopy(units, from, u, 1, n);
        System.arraycopy(start, from, s, 1, n);
        System.arraycopy(end, from, e, 1, n);
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
        return new Piece(u, start, end, 0, u.length).rebase(from);
    }

    /** This piece's units with alignment arrays copied so that indices start at 0. */
    private Piece rebase(int oldFrom) {
        int n = units.length;
        int[] s = java.util.Arrays.copyOfRange(start, oldFrom, oldFrom + n);
        int[] e = java.util.Arrays.copyOfRange(end, oldFrom, oldFrom + n);
        return new Piece(units, s, e, 0, n);
    }
}
