package org.trainbench.engine.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import org.trainbench.engine.tensor.VectorMath;
import org.trainbench.engine.tensor.WorkerPool;

/**
 * RMSNorm over the last dimension: {@code out = (x * rstd) * weight}, {@code rstd = 1 / sqrt(mean(x^2) + eps)}.
 *
 * <p>Shapes: x, out, dx, dout (N, C); weight, dweight (C); rstd (N), kept from forward for backward.
 * Operation order follows Hugging Face's LlamaRMSNorm in fp32 (normalize, then scale by the weight).
 */
public final class RmsNorm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int ROWS_PER_TASK = 32;

    private RmsNorm() {
    }

    public static void forward(float[] out, float[] rstd, float[] x, float[] weight, int n, int c, float eps) {
        WorkerPool.shared().run((n + ROWS_PER_TASK - 1) / ROWS_PER_TASK, task -> {
            int end = Math.min(n, (task + 1) * ROWS_PER_TASK);
            for (int row = task * ROWS_PER_TASK; row < end; row++) {
                int off = row * c;
                float meanSquare = sumOfSquares(x, off, c) / c;
                float r = (float) (1.0 / Math.sqrt(meanSquare + eps));
                rstd[row] = r;
                int i = 0;
                for (; i <= c - S.length(); i += S.length()) {
                    FloatVector.fromArray(S, x, off + i).mul(r).mul(FloatVector.fromArray(S, weight, i)).intoArray(out, off + i);
                }
                for (; i < c; i++) {
                    out[off + i] = (x[off + i] * r) * weight[i];
                }
            }
        });
    }

    /**
     * dx += rstd * (dout * w) - x * rstd^3 / C * sum(dout * w * x); dweight += sum over rows of dout * x * rstd.
     * Both accumulate. dweight sums rows in order within fixed column slices, so it is deterministic.
     */
    public static void backward(float[] dx, float[] dweight, float[] dout, float[] x, float[] weight, float[] rstd, int n, int c) {
        WorkerPool pool = WorkerPool.shared();
        pool.run((n + ROWS_PER_TASK - 1) / ROWS_PER_TASK, task -> {
            int end = Math.min(n, (task + 1) * ROWS_PER_TASK);
            for (int row = task * ROWS_PER_TASK; row < end; row++) {
                int off = row * c;
                float r = rstd[row];
                FloatVector acc = FloatVector.zero(S);
                int i = 0;
                for (; i <= c - S.length(); i += S.length()) {
                    FloatVector g = FloatVector.fromArray(S, dout, off + i).mul(FloatVector.fromArray(S, weight, i));
                    acc = g.fma(FloatVector.fromArray(S, x, off + i), acc);
                }
                float dot = VectorMath.sum(acc);
                for (; i < c; i++) {
                    dot += dout[off + i] * weight[i] * x[off + i];
                }
                float k = dot * r * r * r / c;
                i = 0;
                for (; i <= c - S.length(); i += S.length()) {
                    FloatVector g = FloatVector.fromArray(S, dout, off + i).mul(FloatVector.fromArray(S, weight, i));
                    FloatVector d = g.mul(r).sub(FloatVector.fromArray(S, x, off + i).mul(k));
                    FloatVector.fromArray(S, dx, off + i).add(d).intoArray(dx, off + i);
                }
                for (; i < c; i++) {
                    dx[off + i] += dout[off + i] * weight[i] * r - x[off + i] * k;
                }
            }
        });
        int slice = Math.max(S.length(), 64);
        pool.run((c + slice - 1) / slice, task -> {
            int c0 = task * slice;
            int width = Math.min(slice, c - c0);
            float[] sum = new float[width];
            for (int row = 0; row < n; row++) {
                int off = row * c + c0;
                float r = rstd[row];
                for (int i = 0; i < width; i++) {
                    sum[i] += dout[off + i] * x[off + i] * r;
                }
            }
            for (int i = 0; i < width; i++) {
                dweight[c0 + i] += sum[i];
            }
        });
    }

    static float sumOfSquares(float[] x, int off, int len) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (; i <= len - S.length(); i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            acc = v.fma(v, acc);
        }
        float s = VectorMath.sum(acc);
        for (; i < len; i++) {
            s += x[off + i] * x[off + i];
        }
        return s;
    }
}
