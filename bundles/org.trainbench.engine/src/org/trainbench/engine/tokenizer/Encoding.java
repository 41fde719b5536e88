package org.trainbench.engine.tokenizer;

import java.util.Arrays;

/**
 * Token ids with their offsets in the input text, in Unicode code points (as Hugging Face's Python API reports them,
 * not Java's UTF-16 units): token {@code i} covers code points {@code [starts[i], ends[i])}. Special tokens added by
 * the post-processor have offsets {@code (0, 0)}.
 */
public record Encoding(int[] ids, int[] starts, int[] ends) {

    public Encoding {
        if (ids.length != starts.length || ids.length != ends.length) {
            throw new IllegalArgumentException("ids, starts and ends differ in length");
        }
    }

    public int size() {
        return ids.length;
    }

    /** {@code {"ids": [...], "offsets": [[s, e], ...]}}, the output of {@code trainbench tokenize}. */
    public String toJson() {
        StringBuilder out = new StringBuilder("{\"ids\": ").append(Arrays.toString(ids)).append(", \"offsets\": [");
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) {
                out.append(", ");
            }
            out.append('[').append(starts[i]).append(", ").append(ends[i]).append(']');
        }
        return out.append("]}").toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Encoding e && Arrays.equals(ids, e.ids) && Arrays.equals(starts, e.starts)
                && Arrays.equals(ends, e.ends);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids) * 31 + Arrays.hashCode(starts);
    }

    @Override
    public String toString() {
        return toJson();
    }
}
