package org.trainbench.engine.cuda;

/**
 * The LM head {@code logits = x W^T} with softmax cross-entropy and its backward on the GPU: cuBLAS for the three
 * products, the {@code cross_entropy} kernel between them. Same meaning as the CPU's
 * {@code LanguageModelHead.crossEntropy}. Rows go through in chunks as large as the {@code logits} buffer holds, so
 * the (N, V) logits never need to exist at once; rows that are not counted go through the products as zero
 * gradient rows.
 *
 * <p>Shapes: x, dx (N, C); weight, dweight (V, C); targets (N ints, negative = not counted, >= V gives a NaN loss
 * row); loss (N); logits at least (1, V). Undersized buffers are refused before anything runs.
 */
public final class DeviceLanguageModelHead {
    private DeviceLanguageModelHead() {
    }

    /**
     * Returns the sum over counted rows of {@code -log softmax(x W^T)[target]}, summed in row order in double. With
     * {@code dx != null}: overwrites dx with d(gradScale * sum)/dx and adds d(gradScale * sum)/dW into dweight.
     */
    public static double crossEntropy(Cublas cublas, LlamaKernels kernels, DeviceBuffer x, DeviceBuffer weight,
            DeviceBuffer targets, int n, int c, int vocab, DeviceBuffer dx, DeviceBuffer dweight, float gradScale,
            DeviceBuffer logits, DeviceBuffer loss) {
        long rowBytes = 4L * vocab;
        int chunk = (int) Math.min(n, logits.bytes() / rowBytes);
        if (chunk < 1) {
            throw new IllegalArgumentException("LM head: the logits buffer of " + logits.bytes() + " bytes holds no row of "
                    + vocab + " logits");
        }
        x.require(4L * n * c, "LM head input (" + n + " x " + c + ")");
        weight.require(4L * vocab * c, "LM head weight (" + vocab + " x " + c + ")");
        targets.require(4L * n, "LM head targets (" + n + ")");
        loss.require(4L * n, "LM head per-row loss (" + n + ")");
        if (dx != null) {
            dx.require(4L * n * c, "LM head input gradient (" + n + " x " + c + ")");
            dweight.require(4L * vocab * c, "LM head weight gradient (" + vocab + " x " + c + ")");
        }
        boolean backward = dx != null;
        Cublas.DataType f32 = Cublas.DataType.FLOAT32;
        for (int row = 0; row < n; row += chunk) {
            int rows = Math.min(chunk, n - row);
            long xAt = x.at(4L * row * c);
            cublas.multiply(rows, vocab, c, xAt, c, false, weight.address(), c, true, logits.address(), vocab, false, f32, f32,
                    Cublas.Compute.FP32);
            kernels.crossEntropy(logits.address(), loss.at(4L * row), targets.at(4L * row), rows, vocab, gradScale, backward);
            if (backward) {
                cublas.multiply(rows, c, vocab, logits.address(), vocab, false, weight.address(), c, false, dx.at(4L * row * c), c,
                        false, f32, f32, Cublas.Compute.FP32);
                cublas.multiply(vocab, c, rows, logits.address(), vocab, true, xAt, c, false, dweight.address(), c, true, f32, f32,
                        Cublas.Compute.FP32);
            }
        }
        double total = 0;
        for (float rowLoss : kernels.context().downloadFloats(loss, n)) {
            total += rowLoss;
        }
        return total;
    }
}
