package org.trainbench.engine.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.model.RotaryEmbedding;

/**
 * The project's CUDA kernels for a Llama training step beside GEMM, compiled by NVRTC from {@value #SOURCE} (held in
 * this bundle) when an instance is made. Each method mirrors one CPU method of the engine, with its shapes and
 * semantics (what is overwritten and what accumulates), on device buffers; launches are asynchronous on the default
 * stream.
 *
 * <p>Shapes as in the engine: N rows (tokens), C hidden width, F MLP width, V vocabulary, H heads of width D.
 */
public final class LlamaKernels implements AutoCloseable {
    /** The kernels' CUDA C source, a resource beside this class. */
    public static final String SOURCE = "llama_kernels.cu";
    /** Every kernel the source must define; {@link #LlamaKernels} looks each up, so a missing one fails at load. */
    public static final List<String> KERNELS = List.of("rmsnorm_forward", "rmsnorm_backward_input",
            "rmsnorm_backward_weight_partial", "column_sums_accumulate", "silu_forward", "silu_backward", "rotary_table",
            "rotary_rotate", "cross_entropy", "sum_of_squares", "adamw_update", "fill_uniform_f32", "fill_uniform_bf16",
            "convert_f32_to_bf16");

    private static final int BLOCK = 256;
    /** Rows summed by one block of the RMSNorm weight-gradient kernel before the in-order reduce. */
    private static final int NORM_ROWS_PER_CHUNK = 64;
    /** Blocks of the sum-of-squares kernel (and so partial sums the host adds). */
    static final int SUM_BLOCKS = 1024;

    private final CudaContext context;
    private final KernelModule module;
    private final String nvrtcVersion;
    private final double compileMillis;
    private final KernelModule.Kernel rmsnormForward, rmsnormBackwardInput, rmsnormWeightPartial, columnSums, siluForward,
            siluBackward, rotaryTable, rotaryRotate, crossEntropy, sumOfSquares, adamwUpdate, fillUniformF32,
            fillUniformBf16, convertToBf16;
    private DeviceBuffer scratch;

    /** Compiles the kernels for the context's GPU with NVRTC and loads them. */
    public LlamaKernels(CudaContext context) {
        this.context = context;
        Nvrtc nvrtc = Nvrtc.load();
        nvrtcVersion = nvrtc.version();
        long start = System.nanoTime();
        byte[] ptx = nvrtc.compileToPtx(source(), SOURCE,
                List.of("--gpu-architecture=" + context.virtualArchitecture(), "--std=c++17"));
        compileMillis = (System.nanoTime() - start) / 1e6;
        module = context.loadModule(ptx, SOURCE);
        rmsnormForward = module.kernel("rmsnorm_forward");
        rmsnormBackwardInput = module.kernel("rmsnorm_backward_input");
        rmsnormWeightPartial = module.kernel("rmsnorm_backward_weight_partial");
        columnSums = module.kernel("column_sums_accumulate");
        siluForward = module.kernel("silu_forward");
        siluBackward = module.kernel("silu_backward");
        rotaryTable = module.kernel("rotary_table");
        rotaryRotate = module.kernel("rotary_rotate");
        crossEntropy = module.kernel("cross_entropy");
        sumOfSquares = module.kernel("sum_of_squares");
        adamwUpdate = module.kernel("adamw_update");
        fillUniformF32 = module.kernel("fill_uniform_f32");
        fillUniformBf16 = module.kernel("fill_uniform_bf16");
        convertToBf16 = module.kernel("convert_f32_to_bf16");
    }

    /** The CUDA C source of the kernels, read from this bundle. */
    public static String source() {
        try (InputStream in = LlamaKernels.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SOURCE + " is missing beside " + LlamaKernels.class.getName()
                        + ": the bundle was built without its kernel source (check build.properties)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + SOURCE, e);
        }
    }

    public CudaContext context() {
        return context;
    }

    public String nvrtcVersion() {
        return nvrtcVersion;
    }

    /** NVRTC's time to compile the source to PTX, in ms. */
    public double compileMillis() {
        return compileMillis;
    }

    private int elementwiseGrid(long work) {
        long blocks = Math.max(1, (work + BLOCK - 1) / BLOCK);
        return (int) Math.min(blocks, 32L * context.multiprocessors());
    }

    private DeviceBuffer scratch(long bytes) {
        if (scratch == null || scratch.bytes() < bytes) {
            if (scratch != null) {
                scratch.close();
            }
            scratch = context.allocate(Math.max(bytes, 1 << 20));
        }
        return scratch;
    }

    // ---------------------------------------------------------------------------------------------- RMSNorm

    /** out (N, C) = (x * rstd) * weight; rstd (N) kept for backward. As {@code RmsNorm.forward}. */
    public void rmsNormForward(DeviceBuffer out, DeviceBuffer rstd, DeviceBuffer x, DeviceBuffer weight, int n, int c, float eps) {
        rmsnormForward.launch(n, 1, BLOCK, out, rstd, x, weight, n, c, eps);
    }

    /** dx (N, C) += ..., dweight (C) += ...: both accumulate, as {@code RmsNorm.backward}; dweight is deterministic. */
    public void rmsNormBackward(DeviceBuffer dx, DeviceBuffer dweight, DeviceBuffer dout, DeviceBuffer x, DeviceBuffer weight,
            DeviceBuffer rstd, int n, int c) {
        rmsnormBackwardInput.launch(n, 1, BLOCK, dx, dout, x, weight, rstd, n, c);
        int chunks = (n + NORM_ROWS_PER_CHUNK - 1) / NORM_ROWS_PER_CHUNK;
        DeviceBuffer partial = scratch(4L * chunks * c);
        int columnBlocks = (c + BLOCK - 1) / BLOCK;
        rmsnormWeightPartial.launch(columnBlocks, chunks, BLOCK, partial, dout, x, rstd, n, c, NORM_ROWS_PER_CHUNK);
        columnSums.launch(columnBlocks, 1, BLOCK, dweight, partial, chunks, c);
    }

    // ---------------------------------------------------------------------------------------------- SiLU

    /** h = silu(gate) * up over {@code len} elements; {@code up == null}: h = silu(gate). As {@code Silu.forward}. */
    public void siluForward(DeviceBuffer h, DeviceBuffer gate, DeviceBuffer up, long len) {
        siluForward.launch(elementwiseGrid(len / 4 + 1), 1, BLOCK, h, gate, up, len);
    }

    /** dgate, dup overwritten; {@code up == null}: ungated, dup unused. As {@code Silu.backward}. */
    public void siluBackward(DeviceBuffer dgate, DeviceBuffer dup, DeviceBuffer dh, DeviceBuffer gate, DeviceBuffer up, long len) {
        siluBackward.launch(elementwiseGrid(len / 4 + 1), 1, BLOCK, dgate, up == null ? null : dup, dh, gate, up, len);
    }

    // ---------------------------------------------------------------------------------------------- rotary

    /** cos and sin of every position below {@code positions} and every frequency, on the device. */
    public final class RotaryTable implements AutoCloseable {
        private final int headDim;
        private final int positions;
        private final DeviceBuffer cos;
        private final DeviceBuffer sin;

        private RotaryTable(LlamaArchitecture.Rotary rotary, int headDim, int positions) {
            if (headDim % 2 != 0) {
                throw new IllegalArgumentException("rotary embedding: head width " + headDim + " must be even");
            }
            this.headDim = headDim;
            this.positions = positions;
            int half = headDim / 2;
            float[] inverseFrequencies = RotaryEmbedding.inverseFrequencies(rotary, headDim);
            try (DeviceBuffer inv = context.upload(inverseFrequencies)) {
                cos = context.allocateFloats((long) positions * half);
                sin = context.allocateFloats((long) positions * half);
                long work = (long) positions * half;
                rotaryTable.launch((int) ((work + BLOCK - 1) / BLOCK), 1, BLOCK, cos, sin, inv, positions, half);
                context.synchronize();
            }
        }

        public int headDim() {
            return headDim;
        }

        public int positions() {
            return positions;
        }

        @Override
        public void close() {
            cos.close();
            sin.close();
        }
    }

    /** The table for positions 0 .. positions-1, with the engine's inv_freq (default or llama3 scaling). */
    public RotaryTable rotaryTable(LlamaArchitecture.Rotary rotary, int headDim, int positions) {
        return new RotaryTable(rotary, headDim, positions);
    }

    /** Rotates x (N, heads * D) in place; positions (N ints) must be below the table's size. As {@code RotaryEmbedding.forward}. */
    public void rotaryForward(DeviceBuffer x, DeviceBuffer positions, RotaryTable table, int n, int heads) {
        rotate(x, positions, table, n, heads, 1f);
    }

    /** The backward: rotation by -angle, in place on dx. As {@code RotaryEmbedding.backward}. */
    public void rotaryBackward(DeviceBuffer dx, DeviceBuffer positions, RotaryTable table, int n, int heads) {
        rotate(dx, positions, table, n, heads, -1f);
    }

    private void rotate(DeviceBuffer x, DeviceBuffer positions, RotaryTable table, int n, int heads, float direction) {
        long work = (long) n * heads * (table.headDim / 2);
        rotaryRotate.launch((int) ((work + BLOCK - 1) / BLOCK), 1, BLOCK, x, positions, table.cos, table.sin, n, heads,
                table.headDim, direction);
    }

    // ---------------------------------------------------------------------------------------------- cross-entropy

    /**
     * Softmax cross-entropy over logits (rows, V): loss (rows) = lse - logit[target]; rows whose target is negative
     * are not counted (loss 0). With {@code backward}, logits are replaced by {@code gradScale * (softmax - onehot)}
     * (zero rows where not counted), as {@code LanguageModelHead.crossEntropy} computes them.
     */
    public void crossEntropy(DeviceBuffer logits, DeviceBuffer loss, DeviceBuffer targets, int rows, int vocab, float gradScale,
            boolean backward) {
        crossEntropy.launch(rows, 1, vocab >= 8192 ? 1024 : BLOCK, logits, loss, targets, rows, vocab, gradScale, backward ? 1 : 0);
    }

    // ---------------------------------------------------------------------------------------------- AdamW

    /** The sum of squares of {@code len} floats, block partials in double on the device, added here in order. */
    public double sumOfSquares(DeviceBuffer x, long len) {
        DeviceBuffer partial = scratch(8L * SUM_BLOCKS);
        int blocks = (int) Math.min(SUM_BLOCKS, Math.max(1, (len + BLOCK - 1) / BLOCK));
        sumOfSquares.launch(blocks, 1, BLOCK, partial, x, len);
        double sum = 0;
        for (double p : context.downloadDoubles(partial, blocks)) {
            sum += p;
        }
        return sum;
    }

    /** One AdamW step of one tensor, the arguments as {@code AdamW.updateTensor} takes them. */
    public void adamWUpdate(DeviceBuffer p, DeviceBuffer g, DeviceBuffer m, DeviceBuffer v, long len, float clip, float decayFactor,
            float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float stepSize, float biasCorrection2Sqrt, float eps) {
        adamwUpdate.launch(elementwiseGrid(len), 1, BLOCK, p, g, m, v, len, clip, decayFactor, beta1, oneMinusBeta1, beta2,
                oneMinusBeta2, stepSize, biasCorrection2Sqrt, eps);
    }

    // ---------------------------------------------------------------------------------------------- data

    /** Fills {@code len} floats with uniform values in [-scale, scale), a hash of (index, seed). */
    public void fillUniform(DeviceBuffer x, long len, int seed, float scale) {
        x.require(4 * len, "fillUniform");
        fillUniformF32.launch(elementwiseGrid(len), 1, BLOCK, x, len, seed, scale);
    }

    /** Fills {@code len} bf16 values with uniform values in [-scale, scale). */
    public void fillUniformBf16(DeviceBuffer x, long len, int seed, float scale) {
        x.require(2 * len, "fillUniformBf16");
        fillUniformBf16.launch(elementwiseGrid(len), 1, BLOCK, x, len, seed, scale);
    }

    /** bf16 (round to nearest even) copy of {@code len} floats. */
    public void convertToBf16(DeviceBuffer target, DeviceBuffer source, long len) {
        target.require(2 * len, "convertToBf16");
        convertToBf16.launch(elementwiseGrid(len), 1, BLOCK, target, source, len);
    }

    @Override
    public void close() {
        if (scratch != null) {
            scratch.close();
        }
        module.close();
    }
}
