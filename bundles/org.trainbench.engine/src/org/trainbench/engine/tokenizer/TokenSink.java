package org.trainbench.engine.tokenizer;

import java.util.Arrays;

/**
 * Growable arrays of ids and code-point offsets filled while encoding one text; without offsets ({@code starts} and
 * {@code ends} null) when only the ids are wanted, which takes a third of the memory.
 */
final class TokenSink {
    int[] ids = new int[64];
    int[] starts;
    int[] ends;
    int size;

    TokenSink() {
        this(true);
    }

    TokenSink(boolean offsets) {
        if (offsets) {
            starts = new int[64];
            ends = new int[64];
        }
    }

    boolean hasOffsets() {
        return starts != null;
    }

    void add(int id, int start, int end) {
        if (size == ids.length) {
            int capacity = size * 2;
            ids = Arrays.copyOf(ids, capacity);
            if (starts != null) {
                starts = Arrays.copyOf(starts, capacity);
                ends = Arrays.copyOf(ends, capacity);
            }
        }
        ids[size] = id;
        if (starts != null) {
            starts[size] = start;
            ends[size] = end;
        }
        size++;
    }

    Encoding toEncoding() {
        return new Encoding(Arrays.copyOf(ids, size), Arrays.copyOf(starts, size), Arrays.copyOf(ends, size));
    }

    int[] toIds() {
        return ids.length == size ? ids : Arrays.copyOf(ids, size);
    }
}
