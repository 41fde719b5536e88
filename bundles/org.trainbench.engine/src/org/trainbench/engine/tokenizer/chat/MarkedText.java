package org.trainbench.engine.tokenizer.chat;

import java.util.BitSet;

/**
 * A string produced while rendering a chat template, with the UTF-16 positions that came from an assistant message's
 * content marked. Concatenation, slicing and trimming carry the marks along, so the assistant spans of the rendering
 * follow from what the template did with the content, not from searching for delimiters afterwards.
 */
final class MarkedText {
    final String text;
    final BitSet marks;

    MarkedText(String text, BitSet marks) {
        this.text = text;
        this.marks = marks;
    }

    static MarkedText allMarked(String text) {
        BitSet marks = new BitSet(text.length());
        marks.set(0, text.length());
        return new MarkedText(text, marks);
    }

    static MarkedText concat(Object a, Object b) {
        String left = Values.pyStr(a);
        String right = Values.pyStr(b);
        BitSet marks = new BitSet();
        if (a instanceof MarkedText m) {
            marks.or(m.marks);
        }
        if (b instanceof MarkedText m) {
            for (int i = m.marks.nextSetBit(0); i >= 0; i = m.marks.nextSetBit(i + 1)) {
                marks.set(left.length() + i);
            }
        }
        return new MarkedText(left + right, marks);
    }

    MarkedText substring(int from, int to) {
        return new MarkedText(text.substring(from, to), marks.get(from, to));
    }

    MarkedText strip(boolean left, boolean right, String chars) {
        int a = 0;
        int b = text.length();
        while (left && a < b && (chars == null ? Character.isWhitespace(text.charAt(a)) : chars.indexOf(text.charAt(a)) >= 0)) {
            a++;
        }
        while (right && b > a && (chars == null ? Character.isWhitespace(text.charAt(b - 1)) : chars.indexOf(text.charAt(b - 1)) >= 0)) {
            b--;
        }
        return substring(a, b);
    }

    @Override
    public String toString() {
        return text;
    }
}
