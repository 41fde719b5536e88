package org.trainbench.engine.tokenizer;

import java.util.Arrays;
import java.util.List;

/**
 * A BPE model's merges by rank as tokenizer.json holds them, resolved to token ids against the vocabulary. A merge is
 * a {@code "left right"} string (one space between the tokens) or a list of the two tokens. A string without escapes
 * is kept as its range in the file's text, so Llama 3's 280,147 merges cost no string each (about 17 MB less to
 * allocate, and to collect, during a load).
 */
final class MergeList {
    private final String text;
    private int[] starts;
    private int[] ends;
    /** A merge read as a value (a string with an escape, or a list), by rank; null where the range holds it. */
    private Object[] values;
    private int size;

    /** @param text the file's text that {@link #addRange} ranges point into */
    MergeList(String text, int expected) {
        this.text = text;
        starts = new int[Math.max(16, expected)];
        ends = new int[starts.length];
        values = new Object[starts.length];
    }

    int size() {
        return size;
    }

    void addRange(int start, int end) {
        grow();
        starts[size] = start;
        ends[size] = end;
        size++;
    }

    void addValue(Object merge) {
        grow();
        values[size] = merge;
        size++;
    }

    private void grow() {
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            ends = Arrays.copyOf(ends, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
    }

    /** Writes {left, right, merged} ids of the merges {@code [from, to)} into {@code resolved}, -1 for an unknown token. */
    void resolve(Vocabulary vocab, int from, int to, int[] resolved) {
        for (int rank = from; rank < to; rank++) {
            Object value = values[rank];
            String s;
            int start;
            int end;
            if (value == null) {
                s = text;
                start = starts[rank];
                end = ends[rank];
            } else if (value instanceof String string) {
                s = string;
                start = 0;
                end = string.length();
            } else {
                List<?> pair = (List<?>) value;
                resolved[3 * rank] = vocab.get((String) pair.get(0));
                resolved[3 * rank + 1] = vocab.get((String) pair.get(1));
                resolved[3 * rank + 2] = vocab.get((String) pair.get(0) + pair.get(1));
                continue;
            }
            int space = s.indexOf(' ', start + 1, end);
            if (space < 0) {
                throw new IllegalArgumentException("merge \"" + s.substring(start, end) + "\" is not two tokens separated by a space");
            }
            resolved[3 * rank] = vocab.get(s, start, space);
            resolved[3 * rank + 1] = vocab.get(s, space + 1, end);
            resolved[3 * rank + 2] = vocab.getJoined(s, start, space, space + 1, end);
        }
    }

    /** The two tokens of a merge, for messages. */
    String[] tokens(int rank) {
        Object value = values[rank];
        if (value instanceof List<?> pair) {
            return new String[] {(String) pair.get(0), (String) pair.get(1)};
        }
        String merge = value == null ? text.substring(starts[rank], ends[rank]) : (String) value;
        return merge.split(" ", 2);
    }
}
