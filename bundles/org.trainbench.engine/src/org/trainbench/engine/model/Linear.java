package org.trainbench.engine.model;

import org.trainbench.engine.tensor.Gemm;
import org.trainbench.engine.tensor.WorkerPool;

/**
 * Linear layer {@code out = x W^T + b}, the weight stored (out, in) as in PyTorch and Hugging Face.
 *
 * <p>Shapes: x, dx (N, I); weight, dweight (O, I); bias, dbias (O) or null; out, dout (N, O).
 */
public final class Linear {
    private Linear() {
    }

    /** out = x W^T + b; with {@code accumulate}, out += x W^T + b (a residual connection for free). */
    public static void forward(float[] out, float[] x, float[] weight, float[] bias, int n, int in, int outWidth, boolean accumulate) {
        Gemm.multiply(n, outWidth, in, x, 0, in, false, weight, 0, in, true, out, 0, outWidth, accumulate);
        if (bias != null) {
            addBias(out, bias, n, outWidth);
        }
    }

    /**
     * dx (+)= dout W; dweight += dout^T x; dbias += column sums of dout. {@code dx} may be null when the input
     * needs no gradient; {@code accumulateDx} adds to dx instead of overwriting it (q, k and v share one input).
     */
    public static void backward(float[] dx, float[] dweight, float[] dbias, float[] dout, float[] x, float[] weight,
                                int n, int in, int outWidth, boolean accumulateDx) {
        if (dx != null) {
            Gemm.multiply(n, in, outWidth, dout, 0, outWidth, false, weight, 0, in, false, dx, 0, in, accumulateDx);
        }
        Gemm.multiply(outWidth, in, n, dout, 0, outWidth, true, x, 0, in, false, dweight, 0, in, true);
        if (dbias != null) {
            columnSums(dbias, dout, n, outWidth);
        }
    }

    static void addBias(float[] out, float[] bias, int n, int width) {
        WorkerPool.shared().run((n + 63) / 64, task -> {
            int end = Math.min(n, (task + 1) * 64);
            for (int row = task * 64; row < end; row++) {
                Vectors.add(out, row * width, bias, 0, width);
            }
        });
    }

    /** sums[j] += sum over rows of m[row, j], rows in order, within fixed column slices. */
    static void columnSums(float[] sums, float[] m, int n, int width) {
        int slice = 256;
        WorkerPool.shared().run((width + slice - 1) / slice, task -> {
            int c0 = task * slice;
            int w = Math.min(slice, width - c0);
            float[] acc = new float[w];
            for (int row = 0; row < n; row++) {
                Vectors.add(acc, 0, m, row * width + c0, w);
            }
            Vectors.add(sums, c0, acc, 0, w);
        });
    }
}
