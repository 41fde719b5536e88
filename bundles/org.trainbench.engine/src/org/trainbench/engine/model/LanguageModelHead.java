package org.trainbench.engine.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import org.trainbench.engine.tensor.Gemm;
import org.trainbench.engine.tensor.VectorMath;
import org.trainbench.engine.tensor.WorkerPool;

/**
 * The LM head {@code logits = x W^T} fused with softmax cross-entropy, computed only for the rows whose target
 * counts, a chunk of rows at a time, so the (N, V) logits never exist at once.
 *
 * <p>Shapes: x, dx (N, C), the final-normed hidden states; weight, dweight (V, C); targets (N); counted (N).
 */
public final class LanguageModelHead {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Logits of one chunk stay under this many floats (16 MiB). */
    private static final int CHUNK_FLOATS = 1 << 22;

    private LanguageModelHead() {
    }

    /** logits (N, V) = x W^T. */
    public static void logits(float[] logits, float[] x, float[] weight, int n, int c, int vocab) {
        Gemm.multiply(n, vocab, c, x, 0, c, false, weight, 0, c, true, logits, 0, vocab, false);
    }

    /**
     * Returns the sum over counted rows of {@code -log softmax(x W^T)[target]}, summed in row order in double.
     * With {@code dx != null}: overwrites dx with d(gradScale * sum)/dx (zero rows where not counted) and adds
     * d(gradScale * sum)/dW into dweight.
     */
    public static double crossEntropy(float[] x, float[] weight, int[] targets, boolean[] counted, int n, int c, int vocab,
                                      float[] dx, float[] dweight, float gradScale) {
        int chunk = Math.max(12, Math.min(512, CHUNK_FLOATS / vocab));
        int[] rows = new int[chunk];
        float[] xs = new float[chunk * c];
        float[] logits = new float[chunk * vocab];
        float[] rowLoss = new float[chunk];
        float[] dxs = dx != null ? new float[chunk * c] : null;
        if (dx != null) {
            java.util.Arrays.fill(dx, 0, n * c, 0f);
        }
        double total = 0;
        int next = 0;
        while (next < n) {
            int m = 0;
            while (next < n && m < chunk) {
                if (counted[next]) {
                    int tg = targets[next];
                    if (tg < 0 || tg >= vocab) {
                        throw new IllegalArgumentException("target token id " + tg + " at row " + next
                                + " is outside the vocabulary 0.." + (vocab - 1));
                    }
                    rows[m] = next;
                    System.arraycopy(x, next * c, xs, m * c, c);
                    m++;
                }
                next++;
            }
            if (m == 0) {
                break;
            }
            int rowsInChunk = m;
            Gemm.multiply(rowsInChunk, vocab, c, xs, 0, c, false, weight, 0, c, true, logits, 0, vocab, false);
            boolean backward = dx != null;
            WorkerPool.shared().run(rowsInChunk, r -> {
                int off = r * vocab;
                int target = targets[rows[r]];
                float max = max(logits, off, vocab);
                float sum = expSum(logits, off, vocab, max);
                float lse = max + (float) StrictMath.log(sum);
                rowLoss[r] = lse - logits[off + target];
                if (backward) {
                    softmaxTimes(logits, off, vocab, lse, gradScale);
                    logits[off + target] -= gradScale;
                }
            });
            for (int r = 0; r < rowsInChunk; r++) {
                total += rowLoss[r];
            }
            if (backward) {
                Gemm.multiply(rowsInChunk, c, vocab, logits, 0, vocab, false, weight, 0, c, false, dxs, 0, c, false);
                Gemm.multiply(vocab, c, rowsInChunk, logits, 0, vocab, true, xs, 0, c, false, dweight, 0, c, true);
                for (int r = 0; r < rowsInChunk; r++) {
                    System.arraycopy(dxs, r * c, dx, rows[r] * c, c);
                }
            }
        }
        return total;
    }

    private static float max(float[] a, int off, int len) {
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i <= len - S.length(); i += S.length()) {
            m = m.max(FloatVector.fromArray(S, a, off + i));
        }
        float r = m.reduceLanes(VectorOperators.MAX);
        for (; i < len; i++) {
            r = Math.max(r, a[off + i]);
        }
        return r;
    }

    private static float expSum(float[] a, int off, int len, float max) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i <= len - S.length(); i += S.length()) {
            acc = acc.add(VectorMath.exp(FloatVector.fromArray(S, a, off + i).sub(max)));
        }
        float s = VectorMath.sum(acc);
        for (; i < len; i++) {
            s += VectorMath.exp(a[off + i] - max);
        }
        return s;
    }

    /** a = exp(a - lse) * scale, in place. */
    private static void softmaxTimes(float[] a, int off, int len, float lse, float scale) {
        int i = 0;
        for (; i <= len - S.length(); i += S.length()) {
            VectorMath.exp(FloatVector.fromArray(S, a, off + i).sub(lse)).mul(scale).intoArray(a, off + i);
        }
        for (; i < len; i++) {
            a[off + i] = VectorMath.exp(a[off + i] - lse) * scale;
        }
    }
}
