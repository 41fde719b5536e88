package org.trainbench.engine.tokenizer;

import java.util.Arrays;

/** Growable arrays of ids and code-point offsets filled while encoding one text. */
final class TokenSink {
    int[] ids = new int[64];
    int[] starts = new int[64];
    int[] ends = new int[64];
    int size;

    void add(int id, int start, int end) {
        if (size == ids.length) {
            int capacity = size * 2;
            ids = Arrays.copyOf(ids, capacity);
            starts = Arrays.copyOf(starts, capacity);
            ends = Arrays.copyOf(ends, capacity);
        }
        ids[size] = id;
        starts[size] = start;
        ends[size] = end;
        size++;
    }

    Encoding toEncoding() {
        return new Encoding(Arrays.copyOf(ids, size), Arrays.copyOf(starts, size), Arrays.copyOf(ends, size));
    }
}
