package org.trainbench.engine.cuda;

/**
 * The LM head {@code logits = x W^T} with softmax cross-entropy and its backward on the GPU: cuBLAS for the three
 * products, the {@code cross_entropy} kernel between them. Same meaning as the CPU's
 * {@code LanguageModelHead.crossEntropy}; unlike it, all N rows' logits exist at once (N * V floats of
 * {@code logits}), and rows that are not counted go through the products as zero gradient rows.
 *
 * <p>Shapes: x, dx (N, C); weight, dweight (V, C); targets (N ints, negative = not counted); loss (N); logits (N, V).
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
        logits.require(4L * n * vocab, "LM head logits (" + n + " x " + vocab + ")");
        cublas.multiply(n, vocab, c, x, c, false, weight, c, true, logits, vocab, false);
        boolean backward = dx != null;
        kernels.crossEntropy(logits, loss, targets, n, vocab, gradScale, backward);
        if (backward) {
            cublas.multiply(n, c, vocab, logits, vocab, false, weight, c, false, dx, c, false);
            cublas.multiply(vocab, c, n, logits, vocab, true, x, c, false, dweight, c, true);
        }
        double total = 0;
        for (float rowLoss : kernels.context().downloadFloats(loss, n)) {
            total += rowLoss;
        }
        return total;
    }
}
