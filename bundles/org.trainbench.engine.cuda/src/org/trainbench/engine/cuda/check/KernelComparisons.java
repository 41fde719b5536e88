package org.trainbench.engine.cuda.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.trainbench.engine.cuda.Bf16;
import org.trainbench.engine.cuda.Cublas;
import org.trainbench.engine.cuda.CudaContext;
import org.trainbench.engine.cuda.DeviceAdamW;
import org.trainbench.engine.cuda.DeviceBuffer;
import org.trainbench.engine.cuda.DeviceLanguageModelHead;
import org.trainbench.engine.cuda.LlamaKernels;
import org.trainbench.engine.cuda.check.Comparison.Tolerance;
import org.trainbench.engine.model.GroupedQueryAttention;
import org.trainbench.engine.model.LanguageModelHead;
import org.trainbench.engine.model.Linear;
import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.model.RmsNorm;
import org.trainbench.engine.model.RotaryEmbedding;
import org.trainbench.engine.model.Silu;
import org.trainbench.engine.model.TokenEmbedding;
import org.trainbench.engine.tensor.Parameter;
import org.trainbench.engine.train.optim.AdamW;

/**
 * Runs each GPU operation and the CPU engine's own implementation of it (the engine's classes: {@link Linear},
 * {@link RmsNorm}, {@link Silu}, {@link RotaryEmbedding}, {@link LanguageModelHead}, {@link AdamW}) on the same random
 * inputs and compares every output. Outputs the GPU overwrites are poisoned with NaN first, so an element it fails to
 * write shows as an infinite error; outputs that accumulate start from the same random values on both sides.
 */
public final class KernelComparisons implements AutoCloseable {
    private static final int NAN_BITS = 0x7fc00000;

    private final CudaContext context;
    private final LlamaKernels kernels;
    private final Cublas cublas;

    /** Opens GPU 0, compiles the kernels and creates a cuBLAS handle. */
    public KernelComparisons() {
        context = CudaContext.open(0);
        kernels = new LlamaKernels(context);
        cublas = Cublas.create(context);
    }

    public CudaContext context() {
        return context;
    }

    public LlamaKernels kernels() {
        return kernels;
    }

    public Cublas cublas() {
        return cublas;
    }

    private static Map<String, Object> shape(Object... namesAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return m;
    }

    private DeviceBuffer poisoned(long floats) {
        DeviceBuffer b = context.allocateFloats(floats);
        context.fill32(b.address(), NAN_BITS, floats);
        return b;
    }

    // ------------------------------------------------------------------------------------------------ linear (GEMM)

    /**
     * A linear layer without bias through cuBLAS fp32 against {@link Linear}: out = x W^T, dx = dout W, dW += dout^T x.
     */
    public List<Comparison> linear(int n, int in, int out, long seed) {
        Map<String, Object> shape = shape("tokens", n, "in", in, "out", out);
        float[] x = RandomData.uniform(n * in, seed, 1f);
        float[] w = RandomData.uniform(out * in, seed + 1, (float) (1 / Math.sqrt(in)));
        float[] dout = RandomData.uniform(n * out, seed + 2, 1f);
        float[] dw0 = RandomData.uniform(out * in, seed + 3, 0.5f);
        float[] cpuOut = new float[n * out];
        float[] cpuDx = new float[n * in];
        float[] cpuDw = dw0.clone();
        Linear.forward(cpuOut, x, w, null, n, in, out, false);
        Linear.backward(cpuDx, cpuDw, null, dout, x, w, n, in, out, false);
        try (DeviceBuffer gx = context.upload(x); DeviceBuffer gw = context.upload(w); DeviceBuffer gdout = context.upload(dout);
                DeviceBuffer gdw = context.upload(dw0); DeviceBuffer gout = poisoned((long) n * out);
                DeviceBuffer gdx = poisoned((long) n * in)) {
            cublas.multiply(n, out, in, gx, in, false, gw, in, true, gout, out, false);
            cublas.multiply(n, in, out, gdout, out, false, gw, in, false, gdx, in, false);
            cublas.multiply(out, in, n, gdout, out, true, gx, in, false, gdw, in, true);
            List<Comparison> r = new ArrayList<>();
            r.add(Comparison.of("linear_forward_fp32", "out", shape, context.downloadFloats(gout, n * out), cpuOut, Tolerance.fp32Sum(in)));
            r.add(Comparison.of("linear_backward_fp32", "dx", shape, context.downloadFloats(gdx, n * in), cpuDx, Tolerance.fp32Sum(out)));
            r.add(Comparison.of("linear_backward_fp32", "dweight", shape, context.downloadFloats(gdw, out * in), cpuDw, Tolerance.fp32Sum(n)));
            return r;
        }
    }

    /**
     * x W^T with bf16 operands and fp32 accumulation, written as fp32 and as bf16, against {@link Linear#forward} in
     * fp32 on the same bf16-rounded operands (so the comparison sees only accumulation and output rounding).
     */
    public List<Comparison> linearBf16(int n, int in, int out, long seed) {
        Map<String, Object> shape = shape("tokens", n, "in", in, "out", out);
        float[] x = RandomData.uniform(n * in, seed, 1f);
        float[] w = RandomData.uniform(out * in, seed + 1, (float) (1 / Math.sqrt(in)));
        short[] xb = new short[x.length];
        short[] wb = new short[w.length];
        for (int i = 0; i < x.length; i++) {
            xb[i] = Bf16.fromFloat(x[i]);
            x[i] = Bf16.toFloat(xb[i]);
        }
        for (int i = 0; i < w.length; i++) {
            wb[i] = Bf16.fromFloat(w[i]);
            w[i] = Bf16.toFloat(wb[i]);
        }
        float[] cpuOut = new float[n * out];
        Linear.forward(cpuOut, x, w, null, n, in, out, false);
        try (DeviceBuffer gx = context.upload(xb); DeviceBuffer gw = context.upload(wb);
                DeviceBuffer gout = poisoned((long) n * out); DeviceBuffer gout16 = context.allocate(2L * n * out)) {
            context.fill32(gout16.address(), NAN_BITS, (long) n * out / 2);
            cublas.multiply(n, out, in, gx.address(), in, false, gw.address(), in, true, gout.address(), out, false,
                    Cublas.DataType.BFLOAT16, Cublas.DataType.FLOAT32, Cublas.Compute.FP32);
            cublas.multiply(n, out, in, gx.address(), in, false, gw.address(), in, true, gout16.address(), out, false,
                    Cublas.DataType.BFLOAT16, Cublas.DataType.BFLOAT16, Cublas.Compute.FP32);
            short[] out16 = context.downloadShorts(gout16, n * out);
            float[] out16f = new float[out16.length];
            for (int i = 0; i < out16.length; i++) {
                out16f[i] = Bf16.toFloat(out16[i]);
            }
            List<Comparison> r = new ArrayList<>();
            r.add(Comparison.of("linear_forward_bf16_fp32out", "out", shape, context.downloadFloats(gout, n * out), cpuOut,
                    Tolerance.fp32Sum(in)));
            r.add(Comparison.of("linear_forward_bf16_bf16out", "out", shape, out16f, cpuOut, Tolerance.BF16_OUTPUT));
            return r;
        }
    }

    // ------------------------------------------------------------------------------------------------ embedding

    /**
     * Token embedding lookup and its accumulating backward against {@link TokenEmbedding}; token ids drawn from a
     * range of {@code distinctTokens} ids spread over the vocabulary, so that most tokens repeat.
     */
    public List<Comparison> embedding(int n, int c, int vocab, int distinctTokens, long seed) {
        Map<String, Object> shape = shape("tokens", n, "hidden", c, "vocab", vocab, "distinct_tokens", distinctTokens);
        int[] tokens = new int[n];
        for (int r = 0; r < n; r++) {
            long pick = Math.floorMod(r * 2654435761L + seed * 40503L, (long) distinctTokens);
            tokens[r] = (int) (pick * (vocab / distinctTokens));
        }
        float[] w = RandomData.uniform(vocab * c, seed, 1f);
        float[] dout = RandomData.uniform(n * c, seed + 1, 1f);
        float[] dw0 = RandomData.uniform(vocab * c, seed + 2, 0.5f);
        float[] cpuOut = new float[n * c];
        float[] cpuDw = dw0.clone();
        TokenEmbedding.forward(cpuOut, tokens, w, n, c, vocab);
        TokenEmbedding.backward(cpuDw, dout, tokens, n, c);
        try (DeviceBuffer gt = context.upload(tokens); DeviceBuffer gw = context.upload(w); DeviceBuffer gdout = context.upload(dout);
                DeviceBuffer gdw = context.upload(dw0); DeviceBuffer gout = poisoned((long) n * c)) {
            kernels.embeddingForward(gout, gt, gw, n, c, vocab);
            kernels.embeddingBackward(gdw, gdout, tokens, n, c, vocab);
            List<Comparison> r = new ArrayList<>();
            r.add(Comparison.of("embedding_forward", "out", shape, context.downloadFloats(gout, n * c), cpuOut, Tolerance.ELEMENTWISE_FP32));
            r.add(Comparison.of("embedding_backward", "dweight", shape, context.downloadFloats(gdw, vocab * c), cpuDw,
                    Tolerance.ELEMENTWISE_FP32));
            return r;
        }
    }

    // ------------------------------------------------------------------------------------------------ RMSNorm

    public List<Comparison> rmsNorm(int n, int c, long seed) {
        Map<String, Object> shape = shape("tokens", n, "hidden", c);
        float eps = 1e-5f;
        float[] x = RandomData.uniform(n * c, seed, 2f);
        float[] w = RandomData.uniform(c, seed + 1, 0.2f, 1f);
        float[] dout = RandomData.uniform(n * c, seed + 2, 1f);
        float[] dx0 = RandomData.uniform(n * c, seed + 3, 0.5f);
        float[] dw0 = RandomData.uniform(c, seed + 4, 0.5f);
        float[] cpuOut = new float[n * c];
        float[] cpuRstd = new float[n];
        float[] cpuDx = dx0.clone();
        float[] cpuDw = dw0.clone();
        RmsNorm.forward(cpuOut, cpuRstd, x, w, n, c, eps);
        RmsNorm.backward(cpuDx, cpuDw, dout, x, w, cpuRstd, n, c);
        try (DeviceBuffer gx = context.upload(x); DeviceBuffer gw = context.upload(w); DeviceBuffer gdout = context.upload(dout);
                DeviceBuffer gdx = context.upload(dx0); DeviceBuffer gdw = context.upload(dw0);
                DeviceBuffer gout = poisoned((long) n * c); DeviceBuffer grstd = poisoned(n)) {
            kernels.rmsNormForward(gout, grstd, gx, gw, n, c, eps);
            kernels.rmsNormBackward(gdx, gdw, gdout, gx, gw, grstd, n, c);
            List<Comparison> r = new ArrayList<>();
            r.add(Comparison.of("rmsnorm_forward", "out", shape, context.downloadFloats(gout, n * c), cpuOut, Tolerance.ELEMENTWISE_FP32));
            r.add(Comparison.of("rmsnorm_forward", "rstd", shape, context.downloadFloats(grstd, n), cpuRstd, Tolerance.ELEMENTWISE_FP32));
            r.add(Comparison.of("rmsnorm_backward", "dx", shape, context.downloadFloats(gdx, n * c), cpuDx, Tolerance.fp32Sum(c)));
            r.add(Comparison.of("rmsnorm_backward", "dweight", shape, context.downloadFloats(gdw, c), cpuDw, Tolerance.fp32Sum(n)));
            return r;
        }
    }

    // ------------------------------------------------------------------------------------------------ SiLU

    /** The gated activation silu(gate) * up (or ungated silu(gate)) of {@code n x f} elements, forward and backward. */
    public List<Comparison> silu(int n, int f, boolean gated, long seed) {
        Map<String, Object> shape = shape("tokens", n, "ffn", f, "gated", gated);
        int len = n * f;
        float[] gate = RandomData.uniform(len, seed, 6f);
        float[] up = gated ? RandomData.uniform(len, seed + 1, 2f) : null;
        float[] dh = RandomData.uniform(len, seed + 2, 1f);
        float[] cpuH = new float[len];
        float[] cpuDgate = new float[len];
        float[] cpuDup = gated ? new float[len] : null;
        Silu.forward(cpuH, gate, up, len);
        Silu.backward(cpuDgate, cpuDup, dh, gate, up, len);
        String op = gated ? "silu_gated" : "silu";
        try (DeviceBuffer gg = context.upload(gate); DeviceBuffer gu = gated ? context.upload(up) : null;
                DeviceBuffer gdh = context.upload(dh); DeviceBuffer gh = poisoned(len); DeviceBuffer gdg = poisoned(len);
                DeviceBuffer gdu = gated ? poisoned(len) : null) {
            kernels.siluForward(gh, gg, gu, len);
            kernels.siluBackward(gdg, gdu, gdh, gg, gu, len);
            List<Comparison> r = new ArrayList<>();
            r.add(Comparison.of(op + "_forward", "h", shape, context.downloadFloats(gh, len), cpuH, Tolerance.ELEMENTWISE_FP32));
            r.add(Comparison.of(op + "_backward", "dgate", shape, context.downloadFloats(gdg, len), cpuDgate, Tolerance.ELEMENTWISE_FP32));
            if (gated) {
                r.add(Comparison.of(op + "_backward", "dup", shape, context.downloadFloats(gdu, len), cpuDup, Tolerance.ELEMENTWISE_FP32));
            }
            return r;
        }
    }

    // ------------------------------------------------------------------------------------------------ rotary

    /**
     * Rotary embedding of x (N, heads * D) whose rows belong to documents of {@code documentLength} positions
     * (positions restart at 0 at each document, as with packed sequences), forward and backward.
     */
    public List<Comparison> rotary(LlamaArchitecture.Rotary rotary, int n, int heads, int headDim, int documentLength, long seed) {
        String type = rotary.type().name().toLowerCase(java.util.Locale.ROOT);
        Map<String, Object> shape = shape("tokens", n, "heads", heads, "head_dim", headDim, "document_length", documentLength,
                "scaling", type, "theta", rotary.theta());
        int width = heads * headDim;
        int[] positions = new int[n];
        int maxPosition = 0;
        for (int r = 0; r < n; r++) {
            positions[r] = r % documentLength;
            maxPosition = Math.max(maxPosition, positions[r]);
        }
        float[] x = RandomData.uniform(n * width, seed, 1f);
        float[] dx = RandomData.uniform(n * width, seed + 1, 1f);
        float[] cpuX = x.clone();
        float[] cpuDx = dx.clone();
        RotaryEmbedding embedding = new RotaryEmbedding(rotary, headDim);
        embedding.forward(cpuX, positions, n, heads);
        embedding.backward(cpuDx, positions, n, heads);
        try (LlamaKernels.RotaryTable table = kernels.rotaryTable(rotary, headDim, maxPosition + 1);
                DeviceBuffer gpos = context.upload(positions); DeviceBuffer gx = context.upload(x); DeviceBuffer gdx = context.upload(dx)) {
            kernels.rotaryForward(gx, gpos, table, n, heads);
            kernels.rotaryBackward(gdx, gpos, table, n, heads);
            List<Comparison> r = new ArrayList<>();
            r.add(Comparison.of("rotary_" + type + "_forward", "x", shape, context.downloadFloats(gx, n * width), cpuX,
                    Tolerance.ELEMENTWISE_FP32));
            r.add(Comparison.of("rotary_" + type + "_backward", "dx", shape, context.downloadFloats(gdx, n * width), cpuDx,
                    Tolerance.ELEMENTWISE_FP32));
            return r;
        }
    }

    // ------------------------------------------------------------------------------------------------ LM head + cross-entropy

    /**
     * The LM head with softmax cross-entropy and loss masking ({@code 1 / maskEvery} of the rows not counted), loss
     * and both gradients, against {@link LanguageModelHead#crossEntropy}.
     */
    public List<Comparison> languageModelHead(int n, int c, int vocab, int maskEvery, long seed) {
        return languageModelHead(n, c, vocab, maskEvery, n, seed);
    }

    /** As {@link #languageModelHead(int, int, int, int, long)} with a logits buffer of {@code chunkRows} rows. */
    public List<Comparison> languageModelHead(int n, int c, int vocab, int maskEvery, int chunkRows, long seed) {
        Map<String, Object> shape = shape("tokens", n, "hidden", c, "vocab", vocab, "masked_rows", "1/" + maskEvery,
                "chunk_rows", chunkRows);
        float[] x = RandomData.uniform(n * c, seed, 1f);
        float[] w = RandomData.uniform(vocab * c, seed + 1, (float) (2 / Math.sqrt(c)));
        float[] dw0 = RandomData.uniform(vocab * c, seed + 2, 1e-3f);
        int[] targets = new int[n];
        boolean[] counted = new boolean[n];
        int[] deviceTargets = new int[n];
        int countedRows = 0;
        for (int r = 0; r < n; r++) {
            targets[r] = (int) Math.floorMod(r * 2654435761L + seed, (long) vocab);
            counted[r] = r % maskEvery != maskEvery - 1;
            deviceTargets[r] = counted[r] ? targets[r] : -1;
            countedRows += counted[r] ? 1 : 0;
        }
        float gradScale = 1f / countedRows;
        float[] cpuDx = new float[n * c];
        float[] cpuDw = dw0.clone();
        double cpuLoss = LanguageModelHead.crossEntropy(x, w, targets, counted, n, c, vocab, cpuDx, cpuDw, gradScale);
        double gpuLoss;
        float[] gpuDx;
        float[] gpuDw;
        try (DeviceBuffer gx = context.upload(x); DeviceBuffer gw = context.upload(w); DeviceBuffer gdw = context.upload(dw0);
                DeviceBuffer gt = context.upload(deviceTargets); DeviceBuffer gdx = poisoned((long) n * c);
                DeviceBuffer logits = context.allocateFloats((long) chunkRows * vocab); DeviceBuffer loss = poisoned(n)) {
            gpuLoss = DeviceLanguageModelHead.crossEntropy(cublas, kernels, gx, gw, gt, n, c, vocab, gdx, gdw, gradScale, logits, loss);
            gpuDx = context.downloadFloats(gdx, n * c);
            gpuDw = context.downloadFloats(gdw, vocab * c);
        }
        List<Comparison> r = new ArrayList<>();
        r.add(Comparison.of("cross_entropy_lm_head", "loss_sum", shape, new float[] {(float) gpuLoss}, new float[] {(float) cpuLoss},
                Tolerance.fp32Sum(c)));
        r.add(Comparison.of("cross_entropy_lm_head", "dx", shape, gpuDx, cpuDx, Tolerance.fp32Sum(vocab)));
        r.add(Comparison.of("cross_entropy_lm_head", "dweight", shape, gpuDw, cpuDw, Tolerance.fp32Sum(Math.max(c, n))));
        return r;
    }

    /**
     * The per-row losses of a small LM head whose row {@code badRow} has the target {@code vocab} (outside the
     * vocabulary, which the CPU head refuses): the kernel must give that row a NaN loss and read nothing past it.
     */
    public float[] languageModelHeadWithTargetOutsideTheVocabulary(int n, int c, int vocab, int badRow, long seed) {
        float[] x = RandomData.uniform(n * c, seed, 1f);
        float[] w = RandomData.uniform(vocab * c, seed + 1, (float) (2 / Math.sqrt(c)));
        int[] targets = new int[n];
        for (int r = 0; r < n; r++) {
            targets[r] = r == badRow ? vocab : r % vocab;
        }
        try (DeviceBuffer gx = context.upload(x); DeviceBuffer gw = context.upload(w); DeviceBuffer gt = context.upload(targets);
                DeviceBuffer logits = context.allocateFloats((long) n * vocab); DeviceBuffer loss = context.upload(new float[n])) {
            // zeros, not the NaN poison: the bad row's NaN must come from the kernel
            DeviceLanguageModelHead.crossEntropy(cublas, kernels, gx, gw, gt, n, c, vocab, null, null, 1f, logits, loss);
            return context.downloadFloats(loss, n);
        }
    }

    // ------------------------------------------------------------------------------------------------ attention

    /**
     * Causal grouped-query attention of {@code b} sequences of {@code t} positions, forward (out, lse) and backward
     * (dq, dk, dv), against {@link GroupedQueryAttention}: both GPU implementations, the warp-per-row kernels of
     * {@link LlamaKernels} ({@code attention_*}) and the cuBLAS one of DeviceAttention ({@code attention_cublas_*}). The first sequence holds documents starting at each of
     * {@code documentStarts} (no attention across them), the others one document each.
     */
    public List<Comparison> attention(int b, int t, int heads, int groups, int d, int[] documentStarts, long seed) {
        Map<String, Object> shape = shape("batch", b, "seq", t, "heads", heads, "kv_heads", groups, "head_dim", d,
                "documents_in_first_sequence", documentStarts.length);
        int n = b * t;
        int[] docStart = new int[n];
        for (int i = 0; i < t; i++) {
            for (int s : documentStarts) {
                if (s <= i) {
                    docStart[i] = Math.max(docStart[i], s);
                }
            }
        }
        float[] q = RandomData.uniform(n * heads * d, seed, 1f);
        float[] k = RandomData.uniform(n * groups * d, seed + 1, 1f);
        float[] v = RandomData.uniform(n * groups * d, seed + 2, 1f);
        float[] dout = RandomData.uniform(n * heads * d, seed + 3, 1f);
        float[] cpuOut = new float[n * heads * d];
        float[] cpuLse = new float[b * heads * t];
        float[] cpuDq = new float[n * heads * d];
        float[] cpuDk = new float[n * groups * d];
        float[] cpuDv = new float[n * groups * d];
        GroupedQueryAttention.forward(cpuOut, cpuLse, q, k, v, docStart, b, t, heads, groups, d);
        GroupedQueryAttention.backward(cpuDq, cpuDk, cpuDv, dout, cpuOut, cpuLse, q, k, v, docStart, b, t, heads, groups, d);
        try (DeviceBuffer gq = context.upload(q); DeviceBuffer gk = context.upload(k); DeviceBuffer gv = context.upload(v);
                DeviceBuffer gdout = context.upload(dout); DeviceBuffer gdoc = context.upload(docStart);
                DeviceBuffer gout = poisoned((long) n * heads * d); DeviceBuffer glse = poisoned((long) b * heads * t);
                DeviceBuffer gdq = poisoned((long) n * heads * d); DeviceBuffer gdk = poisoned((long) n * groups * d);
                DeviceBuffer gdv = poisoned((long) n * groups * d)) {
            List<Comparison> r = new ArrayList<>();
            for (String implementation : new String[] {"attention", "attention_cublas"}) {
                for (DeviceBuffer poisonedOutput : List.of(gout, glse, gdq, gdk, gdv)) {
                    context.fill32(poisonedOutput.address(), NAN_BITS, poisonedOutput.bytes() / 4);
                }
                if (implementation.equals("attention")) {
                    kernels.attentionForward(gout, glse, gq, gk, gv, gdoc, b, t, heads, groups, d);
                    kernels.attentionBackward(gdq, gdk, gdv, gdout, gout, glse, gq, gk, gv, gdoc, b, t, heads, groups, d);
                } else {
                    try (org.trainbench.engine.cuda.DeviceAttention attention = new org.trainbench.engine.cuda.DeviceAttention(
                            cublas, kernels, b, t, heads, groups, d)) {
                        attention.forward(gout, glse, gq, gk, gv, gdoc, b);
                        attention.backward(gdq, gdk, gdv, gdout, gout, glse, gq, gk, gv, gdoc, b);
                        context.synchronize();
                    }
                }
                r.add(Comparison.of(implementation + "_forward", "out", shape, context.downloadFloats(gout, n * heads * d), cpuOut,
                        Tolerance.fp32Sum(t)));
                r.add(Comparison.of(implementation + "_forward", "lse", shape, context.downloadFloats(glse, b * heads * t), cpuLse,
                        Tolerance.fp32Sum(t)));
                r.add(Comparison.of(implementation + "_backward", "dq", shape, context.downloadFloats(gdq, n * heads * d), cpuDq,
                        Tolerance.fp32Sum(t)));
                r.add(Comparison.of(implementation + "_backward", "dk", shape, context.downloadFloats(gdk, n * groups * d), cpuDk,
                        Tolerance.fp32Sum((long) t * heads / groups)));
                r.add(Comparison.of(implementation + "_backward", "dv", shape, context.downloadFloats(gdv, n * groups * d), cpuDv,
                        Tolerance.fp32Sum((long) t * heads / groups)));
            }
            return r;
        }
    }

    // ------------------------------------------------------------------------------------------------ AdamW

    /**
     * {@code steps} AdamW updates of tensors with the given shapes (the first of each pair of dimensions decays,
     * one-dimensional tensors do not), new random gradients before each, against {@link AdamW#update}: the gradient
     * norm of every step and the final values and moments.
     */
    public List<Comparison> adamW(List<int[]> shapes, int steps, long seed) {
        AdamW.Settings settings = new AdamW.Settings(0.9, 0.95, 1e-8, 0.1, 1.0);
        List<Parameter> parameters = new ArrayList<>();
        List<DeviceAdamW.Tensor> tensors = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < shapes.size(); i++) {
            Parameter p = new Parameter("tensor" + i, shapes.get(i), shapes.get(i).length > 1);
            RandomData.fill(p.data(), seed + 100 + i, 0.05f, 0f);
            parameters.add(p);
            total += p.size();
        }
        Map<String, Object> shape = shape("tensors", shapes.size(), "elements", total, "steps", steps);
        AdamW cpu = new AdamW(settings, parameters);
        List<DeviceBuffer> buffers = new ArrayList<>();
        try {
            for (Parameter p : parameters) {
                DeviceBuffer values = context.upload(p.data());
                DeviceBuffer grads = context.allocateFloats(p.size());
                buffers.add(values);
                buffers.add(grads);
                tensors.add(new DeviceAdamW.Tensor(p.name(), values, grads, p.size(), p.weightDecay()));
            }
            float[] cpuNorms = new float[steps];
            float[] gpuNorms = new float[steps];
            try (DeviceAdamW gpu = new DeviceAdamW(kernels, settings, tensors)) {
                for (int s = 0; s < steps; s++) {
                    for (int i = 0; i < parameters.size(); i++) {
                        Parameter p = parameters.get(i);
                        // fresh gradients, larger each step, so that the clip factor differs from step to step
                        RandomData.fill(p.grad(), seed + 1000L * (s + 1) + i, 0.002f * (1 + 4 * s), 0f);
                        context.copy(p.grad(), tensors.get(i).gradients());
                    }
                    double lr = 1e-3 * (s + 1);
                    cpuNorms[s] = (float) cpu.update(lr).gradientNorm();
                    gpuNorms[s] = (float) gpu.update(lr).gradientNorm();
                }
                List<Comparison> r = new ArrayList<>();
                r.add(Comparison.of("adamw", "grad_norm", shape, gpuNorms, cpuNorms, Tolerance.ELEMENTWISE_FP32));
                r.add(Comparison.of("adamw", "values", shape, concat(parameters, i -> context.downloadFloats(tensors.get(i).values(),
                        parameters.get(i).size())), concat(parameters, i -> parameters.get(i).data()), Tolerance.ELEMENTWISE_FP32));
                r.add(Comparison.of("adamw", "first_moment", shape, concat(parameters, i -> context.downloadFloats(gpu.firstMoment(i),
                        parameters.get(i).size())), concat(parameters, cpu::firstMoment), Tolerance.ELEMENTWISE_FP32));
                r.add(Comparison.of("adamw", "second_moment", shape, concat(parameters, i -> context.downloadFloats(gpu.secondMoment(i),
                        parameters.get(i).size())), concat(parameters, cpu::secondMoment), Tolerance.ELEMENTWISE_FP32));
                return r;
            }
        } finally {
            buffers.forEach(DeviceBuffer::close);
        }
    }

    private static float[] concat(List<Parameter> parameters, java.util.function.IntFunction<float[]> perTensor) {
        int total = 0;
        for (Parameter p : parameters) {
            total += p.size();
        }
        float[] out = new float[total];
        int at = 0;
        for (int i = 0; i < parameters.size(); i++) {
            float[] part = perTensor.apply(i);
            System.arraycopy(part, 0, out, at, parameters.get(i).size());
            at += parameters.get(i).size();
        }
        return out;
    }

    @Override
    public void close() {
        cublas.close();
        kernels.close();
        context.close();
    }
}
