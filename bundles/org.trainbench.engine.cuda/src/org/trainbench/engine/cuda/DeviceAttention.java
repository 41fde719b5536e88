package org.trainbench.engine.cuda;

/**
 * Causal grouped-query attention with per-document masking through cuBLAS: the scores of one sequence are
 * materialized, for the G key/value heads at once (one strided-batched GEMM per query head of a group), turned into
 * probabilities by a kernel, and multiplied with V by another batched GEMM. Same meaning and shapes as
 * {@code GroupedQueryAttention} and {@link LlamaKernels#attentionForward}; faster than those warp-per-row kernels on
 * long sequences because the products run as GEMMs, at the price of a workspace of 2 * G * T * T floats (1 GiB for
 * T = 4096, G = 8) and of computing the masked upper triangle too.
 *
 * <p>Shapes: q, out, dq, dout (B*T, H*D); k, v, dk, dv (B*T, G*D); docStart (B*T ints); lse (B, H, T).
 */
public final class DeviceAttention implements AutoCloseable {
    private final CudaContext context;
    private final Cublas cublas;
    private final LlamaKernels kernels;
    private final int t;
    private final int heads;
    private final int groups;
    private final int d;
    private final DeviceBuffer scores;
    private final DeviceBuffer scoreGradients;
    private final DeviceBuffer delta;
    private final int maxBatch;

    /** A workspace for sequences of {@code t} positions, up to {@code maxBatch} of them per call. */
    public DeviceAttention(Cublas cublas, LlamaKernels kernels, int maxBatch, int t, int heads, int groups, int d) {
        LlamaKernels.checkHeads(heads, groups, d);
        this.context = kernels.context();
        this.cublas = cublas;
        this.kernels = kernels;
        this.maxBatch = maxBatch;
        this.t = t;
        this.heads = heads;
        this.groups = groups;
        this.d = d;
        // A failed allocation (out of memory) frees the ones before it: the scores alone are G x T^2 floats.
        DeviceBuffer s = context.allocateFloats((long) groups * t * t);
        DeviceBuffer g = null;
        try {
            g = context.allocateFloats((long) groups * t * t);
            delta = context.allocateFloats((long) maxBatch * heads * t);
        } catch (RuntimeException e) {
            if (g != null) {
                g.close();
            }
            s.close();
            throw e;
        }
        scores = s;
        scoreGradients = g;
    }

    private void checkBatch(int b) {
        if (b < 1 || b > maxBatch) {
            throw new IllegalArgumentException("attention: batch " + b + " outside this workspace's 1.." + maxBatch);
        }
    }

    private float scale() {
        return (float) (1.0 / Math.sqrt(d));
    }

    /** Row i of the (B*T, width) matrix at {@code base}, head column {@code column}: its device address. */
    private static long at(DeviceBuffer base, long row, int width, long column) {
        return base.address() + 4L * (row * width + column);
    }

    /** out and lse from q, k, v, as {@code GroupedQueryAttention.forward}. */
    public void forward(DeviceBuffer out, DeviceBuffer lse, DeviceBuffer q, DeviceBuffer k, DeviceBuffer v, DeviceBuffer docStart,
            int b) {
        checkBatch(b);
        int qw = heads * d;
        int kw = groups * d;
        int perGroup = heads / groups;
        long tt = (long) t * t;
        for (int seq = 0; seq < b; seq++) {
            long row0 = (long) seq * t;
            for (int r = 0; r < perGroup; r++) {
                // S_g = Q_h K_g^T for h = g * perGroup + r, all g at once
                cublas.multiplyBatched(t, t, d, at(q, row0, qw, (long) r * d), qw, (long) perGroup * d, false,
                        at(k, row0, kw, 0), kw, d, true, scores.address(), t, tt, groups, false);
                kernels.attentionScoresSoftmax(scores.address(), lse, docStart, seq, t, heads, groups, r, scale());
                cublas.multiplyBatched(t, d, t, scores.address(), t, tt, false, at(v, row0, kw, 0), kw, d, false,
                        at(out, row0, qw, (long) r * d), qw, (long) perGroup * d, groups, false);
            }
        }
    }

    /** Overwrites dq, dk, dv, as {@code GroupedQueryAttention.backward}. */
    public void backward(DeviceBuffer dq, DeviceBuffer dk, DeviceBuffer dv, DeviceBuffer dout, DeviceBuffer out, DeviceBuffer lse,
            DeviceBuffer q, DeviceBuffer k, DeviceBuffer v, DeviceBuffer docStart, int b) {
        checkBatch(b);
        int qw = heads * d;
        int kw = groups * d;
        int perGroup = heads / groups;
        long tt = (long) t * t;
        kernels.attentionDelta(delta, dout, out, b, t, heads, d);
        for (int seq = 0; seq < b; seq++) {
            long row0 = (long) seq * t;
            for (int r = 0; r < perGroup; r++) {
                long qAt = at(q, row0, qw, (long) r * d);
                long doAt = at(dout, row0, qw, (long) r * d);
                long kAt = at(k, row0, kw, 0);
                long vAt = at(v, row0, kw, 0);
                cublas.multiplyBatched(t, t, d, qAt, qw, (long) perGroup * d, false, kAt, kw, d, true, scores.address(), t, tt,
                        groups, false);
                kernels.attentionScoresProbabilities(scores.address(), lse, docStart, seq, t, heads, groups, r, scale());
                // dP = dO_h V_g^T, then dS = P (dP - delta) scale
                cublas.multiplyBatched(t, t, d, doAt, qw, (long) perGroup * d, false, vAt, kw, d, true, scoreGradients.address(),
                        t, tt, groups, false);
                kernels.attentionScoresGradient(scoreGradients.address(), scores.address(), delta, seq, t, heads, groups, r, scale());
                // dQ_h = dS K_g; dK_g (+)= dS^T Q_h; dV_g (+)= P^T dO_h (the group's query heads add up)
                cublas.multiplyBatched(t, d, t, scoreGradients.address(), t, tt, false, kAt, kw, d, false,
                        at(dq, row0, qw, (long) r * d), qw, (long) perGroup * d, groups, false);
                cublas.multiplyBatched(t, d, t, scoreGradients.address(), t, tt, true, qAt, qw, (long) perGroup * d, false,
                        at(dk, row0, kw, 0), kw, d, groups, r > 0);
                cublas.multiplyBatched(t, d, t, scores.address(), t, tt, true, doAt, qw, (long) perGroup * d, false,
                        at(dv, row0, kw, 0), kw, d, groups, r > 0);
            }
        }
    }

    @Override
    public void close() {
        scores.close();
        scoreGradients.close();
        delta.close();
    }
}
