package org.trainbench.engine.cuda;

import java.util.List;

import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.train.optim.AdamW;
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
    public static final List<String> KERNELS = List.of("embedding_forward", "embedding_backward", "rmsnorm_forward", "rmsnorm_backward_input", "rmsnorm_forward_cached",
            "rmsnorm_backward_fused",
            "rmsnorm_backward_weight_partial", "column_sums_accumulate", "silu_forward", "silu_backward", "rotary_table",
            "rotary_rotate", "cross_entropy", "attention_forward", "attention_backward_query",
            "attention_backward_key_value", "attention_scores_softmax", "attention_scores_probabilities",
            "attention_scores_gradient", "attention_delta", "sum_of_squares", "adamw_update", "fill_normal_f32", "fill_uniform_f32", "fill_uniform_bf16",
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
    private final KernelModule.Kernel embeddingForward, embeddingBackward, rmsnormForward, rmsnormBackwardInput, rmsnormForwardCached, rmsnormBackwardFused, rmsnormWeightPartial, columnSums, siluForward,
            siluBackward, rotaryTable, rotaryRotate, crossEntropy, attentionForward, attentionBackwardQuery,
            attentionBackwardKeyValue, scoresSoftmax, scoresProbabilities, scoresGradient, attentionDelta, sumOfSquares, adamwUpdate, fillNormalF32, fillUniformF32,
            fillUniformBf16, convertToBf16;
    private final ScratchBuffer scratch;
    private DeviceBuffer embeddingGrouping;

    /** Compiles the kernels for the context's GPU with NVRTC (or takes the PTX from the {@link KernelCache}) and loads them. */
    public LlamaKernels(CudaContext context) {
        this.context = context;
        this.scratch = new ScratchBuffer(context);
        Nvrtc nvrtc = Nvrtc.load();
        nvrtcVersion = nvrtc.version();
        long start = System.nanoTime();
        byte[] ptx = nvrtc.compileCached(source(), SOURCE,
                List.of("--gpu-architecture=" + context.virtualArchitecture(), "--std=c++17"));
        compileMillis = (System.nanoTime() - start) / 1e6;
        module = context.loadModule(ptx, SOURCE);
        embeddingForward = module.kernel("embedding_forward");
        embeddingBackward = module.kernel("embedding_backward");
        rmsnormForward = module.kernel("rmsnorm_forward");
        rmsnormBackwardInput = module.kernel("rmsnorm_backward_input");
        rmsnormForwardCached = module.kernel("rmsnorm_forward_cached");
        rmsnormBackwardFused = module.kernel("rmsnorm_backward_fused");
        rmsnormWeightPartial = module.kernel("rmsnorm_backward_weight_partial");
        columnSums = module.kernel("column_sums_accumulate");
        siluForward = module.kernel("silu_forward");
        siluBackward = module.kernel("silu_backward");
        rotaryTable = module.kernel("rotary_table");
        rotaryRotate = module.kernel("rotary_rotate");
        crossEntropy = module.kernel("cross_entropy");
        attentionForward = module.kernel("attention_forward");
        attentionBackwardQuery = module.kernel("attention_backward_query");
        attentionBackwardKeyValue = module.kernel("attention_backward_key_value");
        scoresSoftmax = module.kernel("attention_scores_softmax");
        scoresProbabilities = module.kernel("attention_scores_probabilities");
        scoresGradient = module.kernel("attention_scores_gradient");
        attentionDelta = module.kernel("attention_delta");
        sumOfSquares = module.kernel("sum_of_squares");
        adamwUpdate = module.kernel("adamw_update");
        fillNormalF32 = module.kernel("fill_normal_f32");
        fillUniformF32 = module.kernel("fill_uniform_f32");
        fillUniformBf16 = module.kernel("fill_uniform_bf16");
        convertToBf16 = module.kernel("convert_f32_to_bf16");
    }

    /** The CUDA C source of the kernels, read from this bundle. */
    public static String source() {
        return KernelSource.read(SOURCE);
    }

    public CudaContext context() {
        return context;
    }

    public String nvrtcVersion() {
        return nvrtcVersion;
    }

    /** The time to get the PTX, in ms: NVRTC's compile, or a read of the {@link KernelCache} entry. */
    public double compileMillis() {
        return compileMillis;
    }

    private int elementwiseGrid(long work) {
        return context.gridStrideBlocks(work, BLOCK);
    }

    private DeviceBuffer scratch(long bytes) {
        return scratch.get(bytes);
    }

    // ---------------------------------------------------------------------------------------------- embedding

    /**
     * out (N, C) = weight (V, C) rows of {@code tokens} (N ints on the device), as {@code TokenEmbedding.forward};
     * an id outside the vocabulary gives a NaN row (the CPU throws; the data loader has checked ids before).
     */
    public void embeddingForward(DeviceBuffer out, DeviceBuffer tokens, DeviceBuffer weight, int n, int c, int vocab) {
        embeddingForward.launch(n, 1, BLOCK, out, tokens, weight, n, c, vocab);
    }

    /**
     * dweight[tokens[r]] += dout[r] for r = 0..N-1 in order, as {@code TokenEmbedding.backward} (bit for bit: the same
     * additions in the same order). The token ids are on the host (the batch's), grouped here by a counting sort.
     */
    public void embeddingBackward(DeviceBuffer dweight, DeviceBuffer dout, int[] tokens, int n, int c, int vocab) {
        int[] counts = new int[vocab];
        for (int r = 0; r < n; r++) {
            int t = tokens[r];
            if (t < 0 || t >= vocab) {
                throw new IllegalArgumentException("token id " + t + " at position " + r + " is outside the vocabulary 0.." + (vocab - 1));
            }
            counts[t]++;
        }
        int segments = 0;
        for (int count : counts) {
            segments += count > 0 ? 1 : 0;
        }
        int[] segmentStart = new int[segments + 1];
        int[] segmentToken = new int[segments];
        int[] next = new int[vocab];
        int s = 0;
        int at = 0;
        for (int t = 0; t < vocab; t++) {
            if (counts[t] > 0) {
                segmentToken[s] = t;
                segmentStart[s] = at;
                next[t] = at;
                at += counts[t];
                s++;
            }
        }
        segmentStart[segments] = at;
        // one upload of [rows (N) | segmentStart (S + 1) | segmentToken (S)] into a buffer kept between calls; the
        // synchronous copy waits for the kernels queued before it, so the previous call's grouping is not overwritten early
        int[] grouping = new int[n + 2 * segments + 1];
        for (int r = 0; r < n; r++) {
            grouping[next[tokens[r]]++] = r;
        }
        System.arraycopy(segmentStart, 0, grouping, n, segments + 1);
        System.arraycopy(segmentToken, 0, grouping, n + segments + 1, segments);
        if (embeddingGrouping == null || embeddingGrouping.bytes() < 4L * grouping.length) {
            if (embeddingGrouping != null) {
                context.synchronize();
                embeddingGrouping.close();
            }
            embeddingGrouping = context.allocate(4L * Math.max(grouping.length, 1 << 16));
        }
        context.copyToDevice(embeddingGrouping.address(), java.lang.foreign.MemorySegment.ofArray(grouping), 4L * grouping.length);
        long base = embeddingGrouping.address();
        if (segments > 0) {
            int columnBlocks = (c + BLOCK - 1) / BLOCK;
            int segmentRows = Math.max(1, Math.min(segments, 16 * context.multiprocessors() / columnBlocks + 1));
            embeddingBackward.launch(columnBlocks, segmentRows, BLOCK, dweight, dout, base, base + 4L * n,
                    base + 4L * (n + segments + 1), c, segments);
        }
    }

    // ---------------------------------------------------------------------------------------------- RMSNorm

    /** float4 values per thread that the register-cached RMSNorm kernels hold (NORM_MAX_VEC in the source). */
    private static final int NORM_MAX_VEC = 4;
    /** Rows per block of the fused RMSNorm backward: enough blocks to fill the GPU, few partial rows to add. */
    private static final int NORM_FUSED_ROWS = 16;

    /**
     * The block size with which a row of width c fits the register-cached RMSNorm kernels (256 threads up to 4096
     * floats, 512 up to 8192, 1024 up to 16384), or 0 when it does not (C not a multiple of 4, or wider).
     */
    static int normBlock(int c) {
        if (c % 4 != 0) {
            return 0;
        }
        for (int block = BLOCK; block <= 1024; block *= 2) {
            if (c <= 4 * NORM_MAX_VEC * block) {
                return block;
            }
        }
        return 0;
    }

    /** out (N, C) = (x * rstd) * weight; rstd (N) kept for backward. As {@code RmsNorm.forward}. */
    public void rmsNormForward(DeviceBuffer out, DeviceBuffer rstd, DeviceBuffer x, DeviceBuffer weight, int n, int c, float eps) {
        int block = normBlock(c);
        if (block > 0) {
            rmsnormForwardCached.launch(n, 1, block, out, rstd, x, weight, n, c, eps);
        } else {
            rmsnormForward.launch(n, 1, BLOCK, out, rstd, x, weight, n, c, eps);
        }
    }

    /** dx (N, C) += ..., dweight (C) += ...: both accumulate, as {@code RmsNorm.backward}; dweight is deterministic. */
    public void rmsNormBackward(DeviceBuffer dx, DeviceBuffer dweight, DeviceBuffer dout, DeviceBuffer x, DeviceBuffer weight,
            DeviceBuffer rstd, int n, int c) {
        int columnBlocks = (c + BLOCK - 1) / BLOCK;
        int block = normBlock(c);
        if (block > 0) {
            int chunks = (n + NORM_FUSED_ROWS - 1) / NORM_FUSED_ROWS;
            DeviceBuffer partial = scratch(4L * chunks * c);
            rmsnormBackwardFused.launch(chunks, 1, block, dx, partial, dout, x, weight, rstd, n, c, NORM_FUSED_ROWS);
            columnSums.launch(columnBlocks, 1, BLOCK, dweight, partial, chunks, c);
            return;
        }
        rmsnormBackwardInput.launch(n, 1, BLOCK, dx, dout, x, weight, rstd, n, c);
        int chunks = (n + NORM_ROWS_PER_CHUNK - 1) / NORM_ROWS_PER_CHUNK;
        DeviceBuffer partial = scratch(4L * chunks * c);
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

        /** cos of (position, frequency), (positions, D/2) floats. */
        public DeviceBuffer cos() {
            return cos;
        }

        /** sin of (position, frequency), (positions, D/2) floats. */
        public DeviceBuffer sin() {
            return sin;
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
        logits.require(4L * rows * vocab, "cross-entropy logits (" + rows + " x " + vocab + ")");
        crossEntropy(logits.address(), loss.address(), targets.address(), rows, vocab, gradScale, backward);
    }

    /** As {@link #crossEntropy(DeviceBuffer, DeviceBuffer, DeviceBuffer, int, int, float, boolean)} on device addresses (row chunks). */
    public void crossEntropy(long logits, long loss, long targets, int rows, int vocab, float gradScale, boolean backward) {
        crossEntropy.launch(rows, 1, vocab >= 8192 ? 1024 : BLOCK, logits, loss, targets, rows, vocab, gradScale, backward ? 1 : 0);
    }

    // ---------------------------------------------------------------------------------------------- attention

    /** Threads per block of the attention kernels: 4 warps, one (row, head) each. */
    private static final int ATTENTION_BLOCK = 128;
    /** The kernels hold a head in registers, D / 32 values per lane, at most this many. */
    private static final int ATTENTION_MAX_PER_LANE = 8;

    private static void checkAttentionShape(int heads, int groups, int d) {
        if (d % 32 != 0 || d > 32 * ATTENTION_MAX_PER_LANE) {
            throw new IllegalArgumentException("attention: head width " + d + " must be a multiple of 32 and at most "
                    + 32 * ATTENTION_MAX_PER_LANE + " for the GPU kernels");
        }
        if (groups <= 0 || heads % groups != 0) {
            throw new IllegalArgumentException("attention: " + heads + " query heads must be a multiple of " + groups + " key/value heads");
        }
    }

    private static int warpsGrid(long warps) {
        return (int) ((warps * 32 + ATTENTION_BLOCK - 1) / ATTENTION_BLOCK);
    }

    /**
     * Causal grouped-query attention with per-document masking, as {@code GroupedQueryAttention.forward}: out
     * (B*T, H*D) and lse (B, H, T) from q (B*T, H*D), k, v (B*T, G*D) and docStart (B*T ints, the position in its
     * sequence where each row's document starts).
     */
    public void attentionForward(DeviceBuffer out, DeviceBuffer lse, DeviceBuffer q, DeviceBuffer k, DeviceBuffer v,
            DeviceBuffer docStart, int b, int t, int heads, int groups, int d) {
        checkAttentionShape(heads, groups, d);
        attentionForward.launch(warpsGrid((long) b * t * heads), 1, ATTENTION_BLOCK, out, lse, q, k, v, docStart, b, t, heads,
                groups, d, (float) (1.0 / Math.sqrt(d)));
    }

    /** Overwrites dq, dk, dv, as {@code GroupedQueryAttention.backward}; deterministic (no atomics). */
    public void attentionBackward(DeviceBuffer dq, DeviceBuffer dk, DeviceBuffer dv, DeviceBuffer dout, DeviceBuffer out,
            DeviceBuffer lse, DeviceBuffer q, DeviceBuffer k, DeviceBuffer v, DeviceBuffer docStart, int b, int t, int heads,
            int groups, int d) {
        checkAttentionShape(heads, groups, d);
        float scale = (float) (1.0 / Math.sqrt(d));
        DeviceBuffer delta = scratch(4L * b * heads * t);
        attentionBackwardQuery.launch(warpsGrid((long) b * t * heads), 1, ATTENTION_BLOCK, dq, delta, dout, out, q, k, v, lse,
                docStart, b, t, heads, groups, d, scale);
        attentionBackwardKeyValue.launch(warpsGrid((long) b * t * groups), 1, ATTENTION_BLOCK, dk, dv, dout, q, k, v, lse, delta,
                docStart, b, t, heads, groups, d, scale);
    }

    /** The head width check of the attention kernels, for callers that size buffers first. */
    static void checkHeads(int heads, int groups, int d) {
        checkAttentionShape(heads, groups, d);
    }

    // Steps of DeviceAttention, on scores of one sequence s: (G, T, T) for query heads g * (H / G) + headInGroup.

    /** scores -> probabilities in place (softmax of scores * scale over each row's visible keys), lse (B, H, T) written. */
    void attentionScoresSoftmax(long scores, DeviceBuffer lse, DeviceBuffer docStart, int seq, int t, int heads, int groups,
            int headInGroup, float scale) {
        scoresSoftmax.launch(groups * t, 1, BLOCK, scores, lse, docStart, seq, t, heads, groups, headInGroup, scale);
    }

    /** scores -> the forward's probabilities again, from lse. */
    void attentionScoresProbabilities(long scores, DeviceBuffer lse, DeviceBuffer docStart, int seq, int t, int heads,
            int groups, int headInGroup, float scale) {
        long work = (long) groups * t * t;
        scoresProbabilities.launch((int) ((work + BLOCK - 1) / BLOCK), 1, BLOCK, scores, lse, docStart, seq, t, heads, groups,
                headInGroup, scale);
    }

    /** dp -> ds = p (dp - delta) scale in place. */
    void attentionScoresGradient(long dp, long p, DeviceBuffer delta, int seq, int t, int heads, int groups, int headInGroup,
            float scale) {
        long work = (long) groups * t * t;
        scoresGradient.launch((int) ((work + BLOCK - 1) / BLOCK), 1, BLOCK, dp, p, delta, seq, t, heads, groups, headInGroup, scale);
    }

    /** delta (B, H, T) = rowsum(dout * out) per head. */
    void attentionDelta(DeviceBuffer delta, DeviceBuffer dout, DeviceBuffer out, int b, int t, int heads, int d) {
        attentionDelta.launch(warpsGrid((long) b * t * heads), 1, ATTENTION_BLOCK, delta, dout, out, b, t, heads, d);
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

    /** One AdamW step of {@code len} elements with the scalars of {@link AdamW#stepScalars}; decayed or not. */
    public void adamWUpdate(DeviceBuffer p, DeviceBuffer g, DeviceBuffer m, DeviceBuffer v, long len, AdamW.StepScalars scalars,
            boolean decays) {
        adamWUpdate(p, g, m, v, len, scalars.clip(), scalars.decayFactor(decays), scalars.beta1(), scalars.oneMinusBeta1(),
                scalars.beta2(), scalars.oneMinusBeta2(), scalars.stepSize(), scalars.biasCorrection2Sqrt(), scalars.epsilon());
    }

    /** One AdamW step of one tensor, the arguments as {@code AdamW.updateTensor} takes them. */
    public void adamWUpdate(DeviceBuffer p, DeviceBuffer g, DeviceBuffer m, DeviceBuffer v, long len, float clip, float decayFactor,
            float beta1, float oneMinusBeta1, float beta2, float oneMinusBeta2, float stepSize, float biasCorrection2Sqrt, float eps) {
        adamwUpdate.launch(elementwiseGrid(len), 1, BLOCK, p, g, m, v, len, clip, decayFactor, beta1, oneMinusBeta1, beta2,
                oneMinusBeta2, stepSize, biasCorrection2Sqrt, eps);
    }

    // ---------------------------------------------------------------------------------------------- data

    /** Fills {@code len} floats with normal(0, std) values, a hash of (index, seed) through Box-Muller. */
    public void fillNormal(DeviceBuffer x, long len, int seed, float std) {
        x.require(4 * len, "fillNormal");
        fillNormalF32.launch(elementwiseGrid(len), 1, BLOCK, x, len, seed, std);
    }

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
        scratch.close();
        if (embeddingGrouping != null) {
            embeddingGrouping.close();
        }
        module.close();
    }
}
