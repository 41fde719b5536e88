package org.trainbench.engine.cuda;

import java.util.List;

/**
 * The element-wise and row kernels of a bf16 mixed-precision training step (fp32 master weights and residual stream,
 * bf16 activations feeding cuBLAS bf16 GEMMs with fp32 accumulation, fp32 norm/softmax/loss reductions and fp32
 * gradient accumulation), compiled by NVRTC from {@value #SOURCE} (held in this bundle; PTX through the
 * {@link KernelCache}) when an instance is made.
 *
 * <p>Each method mirrors one CPU method of the engine ({@code RmsNorm}, {@code RotaryEmbedding}, {@code Silu},
 * {@code LanguageModelHead}) computed in fp32 on the values its bf16 inputs hold; only what is stored as bf16 is
 * rounded, once, to nearest even. Launches are asynchronous on the default stream. Every method takes device
 * addresses ({@code long}), so that a caller can pass a column range or a row block inside a larger buffer; the
 * {@link DeviceBuffer} overloads check sizes first. bf16 values are 2 bytes, fp32 and int 4.
 *
 * <p>Shapes as in the engine: N rows (tokens), C hidden width, F MLP width, V vocabulary, H heads of width D. Where
 * every address and row start is 16-byte aligned (and the width a multiple of 8), the kernels move 8 bf16 or 4 floats
 * per access; otherwise they take one element at a time, with the same results.
 */
public final class MixedPrecisionKernels implements AutoCloseable {
    /** The kernels' CUDA C source, a resource beside this class. */
    public static final String SOURCE = "mixed_precision.cu";
    /** Every kernel the source must define; the constructor looks each up, so a missing one fails at load. */
    public static final List<String> KERNELS = List.of("rmsnorm_forward_bf16", "rmsnorm_backward_fused_bf16",
            "rmsnorm_backward_input_bf16", "rmsnorm_backward_weight_partial_bf16", "rmsnorm_weight_sums",
            "rotary_rotate_bf16", "rotary_rotate_bf16_x8", "swiglu_forward_bf16", "swiglu_backward_bf16", "cross_entropy_bf16",
            "cast_f32_to_bf16", "cast_bf16_to_f32");

    private static final int BLOCK = 256;
    /** Groups of 8 columns per thread in the fused RMSNorm backward (NORM_GROUPS in the source). */
    private static final int NORM_GROUPS = 2;
    /** Its __launch_bounds__ (NORM_FUSED_MAX_BLOCK in the source): wider rows take the two-kernel path. */
    private static final int NORM_FUSED_MAX_BLOCK = 512;
    /** Rows per block of the fused RMSNorm backward: enough blocks to fill the GPU, few partial rows to add. */
    private static final int NORM_FUSED_ROWS = 16;
    /** Rows summed by one block of the two-kernel weight gradient before the in-order reduce. */
    private static final int NORM_ROWS_PER_CHUNK = 64;

    private final CudaContext context;
    private final KernelModule module;
    private final double compileMillis;
    private final KernelModule.Kernel rmsnormForward, rmsnormBackwardFused, rmsnormBackwardInput, rmsnormWeightPartial,
            rmsnormWeightSums, rotary, rotaryX8, swigluForward, swigluBackward, crossEntropy, toBf16, toFloat;
    private final ScratchBuffer scratch;

    /** Compiles the kernels for the context's GPU (or takes their PTX from the {@link KernelCache}) and loads them. */
    public MixedPrecisionKernels(CudaContext context) {
        this.context = context;
        this.scratch = new ScratchBuffer(context);
        long start = System.nanoTime();
        byte[] ptx = Nvrtc.load().compileCached(source(), SOURCE,
                List.of("--gpu-architecture=" + context.virtualArchitecture(), "--std=c++17"));
        compileMillis = (System.nanoTime() - start) / 1e6;
        module = context.loadModule(ptx, SOURCE);
        try {
            rmsnormForward = module.kernel("rmsnorm_forward_bf16");
            rmsnormBackwardFused = module.kernel("rmsnorm_backward_fused_bf16");
            rmsnormBackwardInput = module.kernel("rmsnorm_backward_input_bf16");
            rmsnormWeightPartial = module.kernel("rmsnorm_backward_weight_partial_bf16");
            rmsnormWeightSums = module.kernel("rmsnorm_weight_sums");
            rotary = module.kernel("rotary_rotate_bf16");
            rotaryX8 = module.kernel("rotary_rotate_bf16_x8");
            swigluForward = module.kernel("swiglu_forward_bf16");
            swigluBackward = module.kernel("swiglu_backward_bf16");
            crossEntropy = module.kernel("cross_entropy_bf16");
            toBf16 = module.kernel("cast_f32_to_bf16");
            toFloat = module.kernel("cast_bf16_to_f32");
        } catch (RuntimeException e) {
            module.close();
            throw e;
        }
    }

    /** The CUDA C source of the kernels, read from this bundle. */
    public static String source() {
        return KernelSource.read(SOURCE);
    }

    public CudaContext context() {
        return context;
    }

    /** The time to get the PTX, in ms: NVRTC's compile, or a read of the {@link KernelCache} entry. */
    public double compileMillis() {
        return compileMillis;
    }

    /** Whether every address is a multiple of 16 bytes (0, a null pointer, counts as aligned). */
    static boolean aligned16(long... addresses) {
        for (long a : addresses) {
            if ((a & 15) != 0) {
                return false;
            }
        }
        return true;
    }

    private static int flag(boolean b) {
        return b ? 1 : 0;
    }

    private int grid(long work) {
        return context.gridStrideBlocks(work, BLOCK);
    }

    private DeviceBuffer scratch(long bytes) {
        return scratch.get(bytes);
    }

    // ---------------------------------------------------------------------------------------------- RMSNorm

    /**
     * out (N, C) bf16 = bf16((x * rstd) * weight), rstd (N) fp32 = 1 / sqrt(mean(x^2) + eps), kept for backward; x
     * (N, C) and weight (C) fp32. As {@code RmsNorm.forward}, with the same rstd arithmetic as
     * {@link LlamaKernels#rmsNormForward}; only out is rounded.
     */
    public void rmsNormForward(long out, long rstd, long x, long weight, int n, int c, float eps) {
        if (n == 0) {
            return;
        }
        boolean vec = c % 8 == 0 && aligned16(out, x, weight);
        rmsnormForward.launch(n, 1, BLOCK, out, rstd, x, weight, n, c, eps, flag(vec));
    }

    /** As {@link #rmsNormForward(long, long, long, long, int, int, float)} on whole buffers. */
    public void rmsNormForward(DeviceBuffer out, DeviceBuffer rstd, DeviceBuffer x, DeviceBuffer weight, int n, int c, float eps) {
        long elements = (long) n * c;
        out.require(2 * elements, "RMSNorm bf16 output (" + n + " x " + c + ")");
        rstd.require(4L * n, "RMSNorm rstd (" + n + ")");
        x.require(4 * elements, "RMSNorm input (" + n + " x " + c + ")");
        weight.require(4L * c, "RMSNorm weight (" + c + ")");
        rmsNormForward(out.address(), rstd.address(), x.address(), weight.address(), n, c, eps);
    }

    /**
     * The block size of the fused RMSNorm backward for rows of width c (the smallest of 64, 128, 256, 512 threads
     * holding the row in registers), or 0 when the row does not fit (C not a multiple of 8, or wider than 8192).
     */
    static int fusedNormBlock(int c) {
        if (c % 8 != 0) {
            return 0;
        }
        for (int block = 64; block <= NORM_FUSED_MAX_BLOCK; block *= 2) {
            if (c / 8 <= NORM_GROUPS * block) {
                return block;
            }
        }
        return 0;
    }

    /**
     * dx (N, C) fp32 += rstd * (dout * w) - x * rstd^3 / C * sum(dout * w * x); dweight (C) fp32 += the sum over rows
     * of dout * x * rstd. Both accumulate, as {@code RmsNorm.backward}; dweight is deterministic (fixed row chunks,
     * then the chunks added in order, no atomics). dout (N, C) bf16; x (N, C), weight (C), rstd (N) fp32.
     */
    public void rmsNormBackward(long dx, long dweight, long dout, long x, long weight, long rstd, int n, int c) {
        if (n == 0) {
            return;
        }
        int columnBlocks = (c + BLOCK - 1) / BLOCK;
        int block = fusedNormBlock(c);
        if (block > 0 && aligned16(dx, dout, x, weight)) {
            int chunks = (n + NORM_FUSED_ROWS - 1) / NORM_FUSED_ROWS;
            DeviceBuffer partial = scratch(4L * chunks * c);
            rmsnormBackwardFused.launch(chunks, 1, block, dx, partial, dout, x, weight, rstd, n, c, NORM_FUSED_ROWS);
            rmsnormWeightSums.launch(columnBlocks, 1, BLOCK, dweight, partial, chunks, c);
            return;
        }
        rmsnormBackwardInput.launch(n, 1, BLOCK, dx, dout, x, weight, rstd, n, c);
        int chunks = (n + NORM_ROWS_PER_CHUNK - 1) / NORM_ROWS_PER_CHUNK;
        DeviceBuffer partial = scratch(4L * chunks * c);
        rmsnormWeightPartial.launch(columnBlocks, chunks, BLOCK, partial, dout, x, rstd, n, c, NORM_ROWS_PER_CHUNK);
        rmsnormWeightSums.launch(columnBlocks, 1, BLOCK, dweight, partial, chunks, c);
    }

    /** As {@link #rmsNormBackward(long, long, long, long, long, long, int, int)} on whole buffers. */
    public void rmsNormBackward(DeviceBuffer dx, DeviceBuffer dweight, DeviceBuffer dout, DeviceBuffer x, DeviceBuffer weight,
            DeviceBuffer rstd, int n, int c) {
        long elements = (long) n * c;
        dx.require(4 * elements, "RMSNorm dx (" + n + " x " + c + ")");
        dweight.require(4L * c, "RMSNorm dweight (" + c + ")");
        dout.require(2 * elements, "RMSNorm bf16 dout (" + n + " x " + c + ")");
        x.require(4 * elements, "RMSNorm input (" + n + " x " + c + ")");
        weight.require(4L * c, "RMSNorm weight (" + c + ")");
        rstd.require(4L * n, "RMSNorm rstd (" + n + ")");
        rmsNormBackward(dx.address(), dweight.address(), dout.address(), x.address(), weight.address(), rstd.address(), n, c);
    }

    // ---------------------------------------------------------------------------------------------- rotary

    /**
     * Rotates, in place, {@code heads} bf16 heads of width D = {@code headDim} in each of N rows of {@code rowStride}
     * bf16 elements: head h of row r starts at {@code x + 2 * (r * rowStride + h * D)} bytes, so x is the address of
     * the first column of q (or of k) inside a fused qkv buffer (N, rowStride). positions (N ints) index the table;
     * one outside it gives a NaN head. As {@code RotaryEmbedding.forward} (rotation by +angle) or, with
     * {@code backward}, {@code RotaryEmbedding.backward} (by -angle, on the gradient), in fp32 with the CPU's operation
     * order, rounded to bf16 once.
     */
    public void rotary(long x, int rowStride, long positions, LlamaKernels.RotaryTable table, int n, int heads, int headDim,
            boolean backward) {
        if (headDim != table.headDim()) {
            throw new IllegalArgumentException("rotary embedding: head width " + headDim + " but the table was made for "
                    + table.headDim());
        }
        if (rowStride < heads * headDim) {
            throw new IllegalArgumentException("rotary embedding: a row of " + rowStride + " elements cannot hold " + heads
                    + " heads of " + headDim);
        }
        if (n == 0 || heads == 0) {
            return;
        }
        int half = headDim / 2;
        float direction = backward ? -1f : 1f;
        long cos = table.cos().address();
        long sin = table.sin().address();
        if (half % 8 == 0 && rowStride % 8 == 0 && aligned16(x)) {
            long work = (long) n * heads * (half / 8);
            rotaryX8.launch(blocks(work), 1, BLOCK, x, positions, cos, sin, n, heads, headDim, rowStride, table.positions(),
                    direction);
        } else {
            long work = (long) n * heads * half;
            rotary.launch(blocks(work), 1, BLOCK, x, positions, cos, sin, n, heads, headDim, rowStride, table.positions(),
                    direction);
        }
    }

    /** One thread per work item. */
    private static int blocks(long work) {
        long blocks = (work + BLOCK - 1) / BLOCK;
        if (blocks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(work + " work items exceed one launch's grid");
        }
        return (int) Math.max(1, blocks);
    }

    // ---------------------------------------------------------------------------------------------- SwiGLU

    /**
     * h (N, F) bf16 = bf16(silu(gate) * up), gate and up the column halves of gu (N, 2F) bf16 (gate in [0, F), up in
     * [F, 2F)). As {@code Silu.forward} gated, in fp32.
     */
    public void swigluForward(long h, long gu, int n, int f) {
        if ((long) n * f == 0) {
            return;
        }
        boolean vec = f % 8 == 0 && aligned16(h, gu);
        swigluForward.launch(grid((long) n * f / (vec ? 8 : 1)), 1, BLOCK, h, gu, n, f, flag(vec));
    }

    /** As {@link #swigluForward(long, long, int, int)} on whole buffers. */
    public void swigluForward(DeviceBuffer h, DeviceBuffer gu, int n, int f) {
        h.require(2L * n * f, "SwiGLU bf16 output (" + n + " x " + f + ")");
        gu.require(4L * n * f, "SwiGLU bf16 gate|up (" + n + " x " + 2 * f + ")");
        swigluForward(h.address(), gu.address(), n, f);
    }

    /**
     * dgu (N, 2F) bf16, overwritten: dgate = dh * up * silu'(gate) in columns [0, F), dup = dh * silu(gate) in [F, 2F);
     * dh (N, F) and gu (N, 2F) bf16. As {@code Silu.backward} gated, in fp32.
     */
    public void swigluBackward(long dgu, long dh, long gu, int n, int f) {
        if ((long) n * f == 0) {
            return;
        }
        boolean vec = f % 8 == 0 && aligned16(dgu, dh, gu);
        swigluBackward.launch(grid((long) n * f / (vec ? 8 : 1)), 1, BLOCK, dgu, dh, gu, n, f, flag(vec));
    }

    /** As {@link #swigluBackward(long, long, long, int, int)} on whole buffers. */
    public void swigluBackward(DeviceBuffer dgu, DeviceBuffer dh, DeviceBuffer gu, int n, int f) {
        dgu.require(4L * n * f, "SwiGLU bf16 gradient of gate|up (" + n + " x " + 2 * f + ")");
        dh.require(2L * n * f, "SwiGLU bf16 dh (" + n + " x " + f + ")");
        gu.require(4L * n * f, "SwiGLU bf16 gate|up (" + n + " x " + 2 * f + ")");
        swigluBackward(dgu.address(), dh.address(), gu.address(), n, f);
    }

    // ---------------------------------------------------------------------------------------------- cross-entropy

    /**
     * Softmax cross-entropy over logits (rows, V) fp32, which are only read: loss (rows) fp32 = lse - logit[target],
     * the softmax in fp32 with max subtraction. Unless {@code dlogits} is 0 (evaluation), dlogits (rows, V) bf16 =
     * bf16(gradScale * (softmax - onehot(target))). targets (rows ints): a negative one is not counted (loss 0, a zero
     * gradient row); one >= V gives a NaN loss and gradient row. As {@code LanguageModelHead.crossEntropy} per row.
     */
    public void crossEntropy(long logits, long dlogits, long loss, long targets, int rows, int vocab, float gradScale) {
        if (rows == 0) {
            return;
        }
        boolean vec = vocab % 8 == 0 && aligned16(logits, dlogits);
        crossEntropy.launch(rows, 1, vocab >= 8192 ? 1024 : BLOCK, logits, dlogits, loss, targets, rows, vocab, gradScale,
                flag(vec));
    }

    /** As {@link #crossEntropy(long, long, long, long, int, int, float)} on whole buffers; {@code dlogits} may be null. */
    public void crossEntropy(DeviceBuffer logits, DeviceBuffer dlogits, DeviceBuffer loss, DeviceBuffer targets, int rows,
            int vocab, float gradScale) {
        long elements = (long) rows * vocab;
        logits.require(4 * elements, "cross-entropy logits (" + rows + " x " + vocab + ")");
        if (dlogits != null) {
            dlogits.require(2 * elements, "cross-entropy bf16 dlogits (" + rows + " x " + vocab + ")");
        }
        loss.require(4L * rows, "cross-entropy loss (" + rows + ")");
        targets.require(4L * rows, "cross-entropy targets (" + rows + ")");
        crossEntropy(logits.address(), dlogits == null ? 0L : dlogits.address(), loss.address(), targets.address(), rows,
                vocab, gradScale);
    }

    // ---------------------------------------------------------------------------------------------- casts

    /** dst (len) bf16 = round-to-nearest-even(src (len) fp32); NaN stays NaN. */
    public void toBf16(long dst, long src, long len) {
        if (len == 0) {
            return;
        }
        boolean vec = aligned16(dst, src);
        toBf16.launch(grid(vec ? len / 8 + 1 : len), 1, BLOCK, dst, src, len, flag(vec));
    }

    /** As {@link #toBf16(long, long, long)} on whole buffers. */
    public void toBf16(DeviceBuffer dst, DeviceBuffer src, long len) {
        dst.require(2 * len, "bf16 cast target (" + len + ")");
        src.require(4 * len, "bf16 cast source (" + len + ")");
        toBf16(dst.address(), src.address(), len);
    }

    /** dst (len) fp32 = src (len) bf16, exactly. */
    public void toFloat(long dst, long src, long len) {
        if (len == 0) {
            return;
        }
        boolean vec = aligned16(dst, src);
        toFloat.launch(grid(vec ? len / 8 + 1 : len), 1, BLOCK, dst, src, len, flag(vec));
    }

    /** As {@link #toFloat(long, long, long)} on whole buffers. */
    public void toFloat(DeviceBuffer dst, DeviceBuffer src, long len) {
        dst.require(4 * len, "fp32 cast target (" + len + ")");
        src.require(2 * len, "fp32 cast source (" + len + ")");
        toFloat(dst.address(), src.address(), len);
    }

    @Override
    public void close() {
        scratch.close();
        module.close();
    }
}
