package org.trainbench.engine.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import org.trainbench.engine.tensor.Gemm;
import org.trainbench.engine.tensor.WorkerPool;

/**
 * Causal scaled-dot-product attention with grouped-query heads and per-document masking (the part between the
 * projections). Query head h reads key/value head {@code h / (H / G)}; query position t attends to positions
 * {@code docStart[t] .. t} of its own sequence, so documents packed into one sequence do not see each other.
 *
 * <p>Shapes, for B sequences of T positions, N = B*T rows: q, dq, out, dout (N, H*D); k, v, dk, dv (N, G*D);
 * docStart (N), the position (0..T-1) where the row's document starts; lse (B, H, T), the log-sum-exp of each
 * softmax row, kept from forward so backward recomputes probabilities instead of storing (B, H, T, T).
 */
public final class GroupedQueryAttention {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private GroupedQueryAttention() {
    }

    public static void forward(float[] out, float[] lse, float[] q, float[] k, float[] v, int[] docStart,
                               int b, int t, int heads, int groups, int d) {
        int qw = heads * d;
        int kw = groups * d;
        int headsPerGroup = heads / groups;
        float scale = (float) (1.0 / Math.sqrt(d));
        WorkerPool.shared().run(b * heads, task -> {
            int seq = task / heads;
            int h = task % heads;
            int g = h / headsPerGroup;
            float[] p = new float[t];
            for (int i = 0; i < t; i++) {
                int row = seq * t + i;
                int start = docStart[row];
                int qOff = row * qw + h * d;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = start; j <= i; j++) {
                    float s = Gemm.dot(q, qOff, k, (seq * t + j) * kw + g * d, d) * scale;
                    p[j - start] = s;
                    max = Math.max(max, s);
                }
                float sum = expSubtract(p, i - start + 1, max);
                int oOff = row * qw + h * d;
                java.util.Arrays.fill(out, oOff, oOff + d, 0f);
                for (int j = start; j <= i; j++) {
                    Vectors.axpy(p[j - start], v, (seq * t + j) * kw + g * d, out, oOff, d);
                }
                Vectors.scale(out, oOff, d, 1f / sum);
                lse[(seq * heads + h) * t + i] = max + (float) Math.log(sum);
            }
        });
    }

    /**
     * Overwrites dq, dk, dv. One task per (sequence, key/value head): it owns that head's dk and dv columns and
     * the dq columns of the query heads that read it, and visits (query head, position) in a fixed order.
     */
    public static void backward(float[] dq, float[] dk, float[] dv, float[] dout, float[] out, float[] lse,
                                float[] q, float[] k, float[] v, int[] docStart,
                                int b, int t, int heads, int groups, int d) {
        int qw = heads * d;
        int kw = groups * d;
        int headsPerGroup = heads / groups;
        float scale = (float) (1.0 / Math.sqrt(d));
        WorkerPool.shared().run(b * groups, task -> {
            int seq = task / groups;
            int g = task % groups;
            for (int i = 0; i < t; i++) {
                int kOff = (seq * t + i) * kw + g * d;
                java.util.Arrays.fill(dk, kOff, kOff + d, 0f);
                java.util.Arrays.fill(dv, kOff, kOff + d, 0f);
            }
            float[] p = new float[t];
            for (int h = g * headsPerGroup; h < (g + 1) * headsPerGroup; h++) {
                for (int i = 0; i < t; i++) {
                    int row = seq * t + i;
                    int start = docStart[row];
                    int qOff = row * qw + h * d;
                    float rowLse = lse[(seq * heads + h) * t + i];
                    float di = Gemm.dot(dout, qOff, out, qOff, d);
                    java.util.Arrays.fill(dq, qOff, qOff + d, 0f);
                    for (int j = start; j <= i; j++) {
                        int kOff = (seq * t + j) * kw + g * d;
                        float prob = (float) Math.exp(Gemm.dot(q, qOff, k, kOff, d) * scale - rowLse);
                        float dp = Gemm.dot(dout, qOff, v, kOff, d);
                        float ds = prob * (dp - di) * scale;
                        Vectors.axpy(ds, k, kOff, dq, qOff, d);
                        Vectors.axpy(ds, q, qOff, dk, kOff, d);
                        Vectors.axpy(prob, dout, qOff, dv, kOff, d);
                    }
                }
            }
        });
    }

    /**
     * One query position against a key/value cache (decoding): out (H*D) from q (H*D) and the first {@code length}
     * rows of kCache, vCache (rows of G*D).
     */
    public static void forwardCached(float[] out, float[] q, float[] kCache, float[] vCache, int length,
                                     int heads, int groups, int d) {
        int kw = groups * d;
        int headsPerGroup = heads / groups;
        float scale = (float) (1.0 / Math.sqrt(d));
        WorkerPool.shared().run(heads, h -> {
            int g = h / headsPerGroup;
            float[] p = new float[length];
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < length; j++) {
                p[j] = Gemm.dot(q, h * d, kCache, j * kw + g * d, d) * scale;
                max = Math.max(max, p[j]);
            }
            float sum = expSubtract(p, length, max);
            java.util.Arrays.fill(out, h * d, h * d + d, 0f);
            for (int j = 0; j < length; j++) {
                Vectors.axpy(p[j], vCache, j * kw + g * d, out, h * d, d);
            }
            Vectors.scale(out, h * d, d, 1f / sum);
        });
    }

    /** p[i] = exp(p[i] - max) for i < len; returns their sum (lanes, then the tail, in a fixed order). */
    private static float expSubtract(float[] p, int len, float max) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i <= len - S.length(); i += S.length()) {
            FloatVector e = FloatVector.fromArray(S, p, i).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(p, i);
            acc = acc.add(e);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            p[i] = (float) Math.exp(p[i] - max);
            sum += p[i];
        }
        return sum;
    }
}
