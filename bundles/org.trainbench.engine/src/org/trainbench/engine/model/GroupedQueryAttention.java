package org.trainbench.engine.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import org.trainbench.engine.tensor.Gemm;
import org.trainbench.engine.tensor.VectorMath;
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

    /** Query rows per block: a multiple of the GEMM's 12-row tile, small enough that causal waste stays low. */
    private static final int QUERY_BLOCK = 48;
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {new float[0], new float[0]});

    private static float[][] scratch(int size) {
        float[][] s = SCRATCH.get();
        if (s[0].length < size) {
            s = new float[][] {new float[size], new float[size]};
            SCRATCH.set(s);
        }
        return s;
    }

    /**
     * One task per (sequence, query head); per block of query rows i0..i1, the keys kLo..i1 that any row of the
     * block may see: S = Q K^T (GEMM), masked softmax row by row into P, then O = P V (GEMM).
     */
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
            float[] p = scratch(QUERY_BLOCK * t)[0];
            for (int i0 = 0; i0 < t; i0 += QUERY_BLOCK) {
                int i1 = Math.min(t, i0 + QUERY_BLOCK);
                int rows = i1 - i0;
                int kLo = docStart[seq * t + i0];
                int kn = i1 - kLo;
                Gemm.multiply(rows, kn, d, q, (seq * t + i0) * qw + h * d, qw, false,
                        k, (seq * t + kLo) * kw + g * d, kw, true, p, 0, kn, false);
                for (int r = 0; r < rows; r++) {
                    int i = i0 + r;
                    int from = docStart[seq * t + i] - kLo;
                    int to = i - kLo + 1;
                    int off = r * kn;
                    java.util.Arrays.fill(p, off, off + from, 0f);
                    java.util.Arrays.fill(p, off + to, off + kn, 0f);
                    Vectors.scale(p, off + from, to - from, scale);
                    float max = max(p, off + from, to - from);
                    float sum = expSubtract(p, off + from, to - from, max);
                    Vectors.scale(p, off + from, to - from, 1f / sum);
                    lse[(seq * heads + h) * t + i] = max + (float) StrictMath.log(sum);
                }
                Gemm.multiply(rows, d, kn, p, 0, kn, false, v, (seq * t + kLo) * kw + g * d, kw, false,
                        out, (seq * t + i0) * qw + h * d, qw, false);
            }
        });
    }

    /**
     * Overwrites dq, dk, dv. One task per (sequence, key/value head): it owns that head's dk and dv columns and
     * the dq columns of the query heads that read it, and visits (query head, query block) in a fixed order.
     * Per block, with P recomputed from lse: dP = dO V^T, dS = P (dP - rowsum(dO * O)) * scale, dQ = dS K,
     * dK += dS^T Q, dV += P^T dO.
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
            float[][] buffers = scratch(QUERY_BLOCK * t);
            float[] p = buffers[0];
            float[] ds = buffers[1];
            for (int h = g * headsPerGroup; h < (g + 1) * headsPerGroup; h++) {
                for (int i0 = 0; i0 < t; i0 += QUERY_BLOCK) {
                    int i1 = Math.min(t, i0 + QUERY_BLOCK);
                    int rows = i1 - i0;
                    int kLo = docStart[seq * t + i0];
                    int kn = i1 - kLo;
                    int qAt = (seq * t + i0) * qw + h * d;
                    int kAt = (seq * t + kLo) * kw + g * d;
                    Gemm.multiply(rows, kn, d, q, qAt, qw, false, k, kAt, kw, true, p, 0, kn, false);
                    Gemm.multiply(rows, kn, d, dout, qAt, qw, false, v, kAt, kw, true, ds, 0, kn, false);
                    for (int r = 0; r < rows; r++) {
                        int i = i0 + r;
                        int from = docStart[seq * t + i] - kLo;
                        int to = i - kLo + 1;
                        int off = r * kn;
                        float rowLse = lse[(seq * heads + h) * t + i];
                        float di = Gemm.dot(dout, qAt + r * qw, out, qAt + r * qw, d);
                        java.util.Arrays.fill(p, off, off + from, 0f);
                        java.util.Arrays.fill(p, off + to, off + kn, 0f);
                        java.util.Arrays.fill(ds, off, off + from, 0f);
                        java.util.Arrays.fill(ds, off + to, off + kn, 0f);
                        probabilityGradient(p, ds, off + from, to - from, scale, rowLse, di);
                    }
                    Gemm.multiply(rows, d, kn, ds, 0, kn, false, k, kAt, kw, false, dq, qAt, qw, false);
                    Gemm.multiply(kn, d, rows, ds, 0, kn, true, q, qAt, qw, false, dk, kAt, kw, true);
                    Gemm.multiply(kn, d, rows, p, 0, kn, true, dout, qAt, qw, false, dv, kAt, kw, true);
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
            float sum = expSubtract(p, 0, length, max);
            java.util.Arrays.fill(out, h * d, h * d + d, 0f);
            for (int j = 0; j < length; j++) {
                Vectors.axpy(p[j], vCache, j * kw + g * d, out, h * d, d);
            }
            Vectors.scale(out, h * d, d, 1f / sum);
        });
    }

    /** p = exp(p * scale - lse) (the softmax, recomputed); ds = p * (ds - di) * scale, over [off, off + len). */
    private static void probabilityGradient(float[] p, float[] ds, int off, int len, float scale, float lse, float di) {
        int i = 0;
        for (; i <= len - S.length(); i += S.length()) {
            FloatVector prob = VectorMath.exp(FloatVector.fromArray(S, p, off + i).mul(scale).sub(lse));
            prob.intoArray(p, off + i);
            prob.mul(FloatVector.fromArray(S, ds, off + i).sub(di)).mul(scale).intoArray(ds, off + i);
        }
        for (; i < len; i++) {
            float prob = VectorMath.exp(p[off + i] * scale - lse);
            p[off + i] = prob;
            ds[off + i] = prob * (ds[off + i] - di) * scale;
        }
    }

    private static float max(float[] p, int off, int len) {
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i <= len - S.length(); i += S.length()) {
            m = m.max(FloatVector.fromArray(S, p, off + i));
        }
        float r = m.reduceLanes(VectorOperators.MAX);
        for (; i < len; i++) {
            r = Math.max(r, p[off + i]);
        }
        return r;
    }

    /** p[off+i] = exp(p[off+i] - max) for i < len; returns their sum (lanes, then the tail, in a fixed order). */
    private static float expSubtract(float[] p, int off, int len, float max) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i <= len - S.length(); i += S.length()) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, p, off + i).sub(max));
            e.intoArray(p, off + i);
            acc = acc.add(e);
        }
        float sum = VectorMath.sum(acc);
        for (; i < len; i++) {
            p[off + i] = VectorMath.exp(p[off + i] - max);
            sum += p[off + i];
        }
        return sum;
    }
}
