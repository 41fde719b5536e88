package org.trainbench.engine.model;

import org.trainbench.engine.tensor.WorkerPool;

/**
 * Token embedding lookup: {@code out[n] = weight[tokens[n]]}.
 *
 * <p>Shapes: tokens (N); weight, dweight (V, C); out, dout (N, C).
 */
public final class TokenEmbedding {
    private TokenEmbedding() {
    }

    public static void forward(float[] out, int[] tokens, float[] weight, int n, int c, int vocab) {
        for (int row = 0; row < n; row++) {
            int t = tokens[row];
            if (t < 0 || t >= vocab) {
                throw new IllegalArgumentException("token id " + t + " at position " + row + " is outside the vocabulary 0.." + (vocab - 1));
            }
            System.arraycopy(weight, t * c, out, row * c, c);
        }
    }

    /**
     * dweight[tokens[n]] += dout[n]. A token may repeat, so rows are added in order n = 0..N-1 inside fixed
     * column slices: deterministic without atomics.
     */
    public static void backward(float[] dweight, float[] dout, int[] tokens, int n, int c) {
        int slice = 128;
        WorkerPool.shared().run((c + slice - 1) / slice, task -> {
            int c0 = task * slice;
            int w = Math.min(slice, c - c0);
            for (int row = 0; row < n; row++) {
                Vectors.add(dweight, tokens[row] * c + c0, dout, row * c + c0, w);
            }
        });
    }
}
