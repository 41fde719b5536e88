package org.trainbench.engine.cuda.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.trainbench.engine.cuda.Cublas;
import org.trainbench.engine.cuda.CudaContext;
import org.trainbench.engine.cuda.DeviceAttention;
import org.trainbench.engine.cuda.DeviceBuffer;
import org.trainbench.engine.cuda.LlamaKernels;
import org.trainbench.engine.json.Json;
import org.trainbench.engine.model.LlamaArchitecture;

/**
 * GPU throughput of the CUDA backend at Llama 3.1 8B shapes: cuBLAS GEMM TFLOP/s (fp32, tf32, bf16 with fp32
 * accumulation; forward, input-gradient and weight-gradient products of each linear layer) and the kernels' GB/s.
 * tools/bench/torch_gpu_bench.py measures the same cases with PyTorch, with the same byte and FLOP counts:
 *
 * <pre>
 *   java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp "lib/*" \
 *       org.trainbench.engine.cuda.bench.CudaBenchmark [--out FILE] [--quick]
 * </pre>
 *
 * Timing: CUDA events around each repetition on the default stream, after warm-up (compilation, cuBLAS heuristics
 * and allocation stay outside); the median of the repetitions is reported. Inputs are random (never zeros).
 * GB/s counts the fewest bytes the operation must move: every input read once, every output written once.
 */
public final class CudaBenchmark {
    /** Tokens in one step: micro-batch 4 of sequence length 4096. */
    static final int TOKENS = 16384;
    static final int GEMM_TOKENS = 4096;
    static final int HIDDEN = 4096;
    static final int FFN = 14336;
    static final int VOCAB = 128256;

    private final CudaContext gpu;
    private final LlamaKernels kernels;
    private final Cublas cublas;
    private final List<Map<String, Object>> results = new ArrayList<>();
    private final int warmup;
    private final int reps;

    private CudaBenchmark(CudaContext gpu, int warmup, int reps) {
        this.gpu = gpu;
        this.kernels = new LlamaKernels(gpu);
        this.cublas = Cublas.create(gpu);
        this.warmup = warmup;
        this.reps = reps;
    }

    /** Median device time of {@code work} in ms. */
    private double time(Runnable work, int warmups, int repetitions) {
        return DeviceTiming.medianMillis(gpu, work, warmups, repetitions);
    }

    private void gemms(int tokens, boolean quick) {
        int[][] shapes = quick ? new int[][] {{HIDDEN, HIDDEN}} : new int[][] {{HIDDEN, HIDDEN}, {HIDDEN, FFN}, {FFN, HIDDEN}, {HIDDEN, VOCAB}};
        String[] names = quick ? new String[] {"attn_4096x4096"}
                : new String[] {"attn_4096x4096", "mlp_up_4096x14336", "mlp_down_14336x4096", "lm_head_4096x128256"};
        for (int s = 0; s < shapes.length; s++) {
            int in = shapes[s][0];
            int out = shapes[s][1];
            int m = tokens;
            for (String precision : new String[] {"fp32", "tf32", "bf16"}) {
                boolean bf16 = precision.equals("bf16");
                Cublas.DataType type = bf16 ? Cublas.DataType.BFLOAT16 : Cublas.DataType.FLOAT32;
                Cublas.Compute compute = precision.equals("tf32") ? Cublas.Compute.TF32 : Cublas.Compute.FP32;
                long e = type.bytes();
                try (DeviceBuffer x = gpu.allocate(e * m * in); DeviceBuffer w = gpu.allocate(e * out * in);
                        DeviceBuffer y = gpu.allocate(e * m * out); DeviceBuffer dx = gpu.allocate(e * m * in);
                        DeviceBuffer dw = gpu.allocate(e * out * in)) {
                    fill(x, (long) m * in, 1, 1f, bf16);
                    fill(w, (long) out * in, 2, (float) (1 / Math.sqrt(in)), bf16);
                    fill(y, (long) m * out, 3, 1f, bf16);
                    double flops = 2.0 * m * in * out;
                    // forward y = x W^T; input gradient dx = dy W; weight gradient dW = dy^T x (y's buffer stands for dy)
                    double fwd = time(() -> cublas.multiply(m, out, in, x.address(), in, false, w.address(), in, true, y.address(),
                            out, false, type, type, compute), warmup, reps);
                    double dgrad = time(() -> cublas.multiply(m, in, out, y.address(), out, false, w.address(), in, false,
                            dx.address(), in, false, type, type, compute), warmup, reps);
                    double wgrad = time(() -> cublas.multiply(out, in, m, y.address(), out, true, x.address(), in, false,
                            dw.address(), in, false, type, type, compute), warmup, reps);
                    gemmResult(names[s], precision, "forward", m, out, in, fwd, flops);
                    gemmResult(names[s], precision, "backward_input", m, in, out, dgrad, flops);
                    gemmResult(names[s], precision, "backward_weight", out, in, m, wgrad, flops);
                }
            }
        }
    }

    private void fill(DeviceBuffer b, long len, int seed, float scale, boolean bf16) {
        if (bf16) {
            kernels.fillUniformBf16(b, len, seed, scale);
        } else {
            kernels.fillUniform(b, len, seed, scale);
        }
    }

    private void gemmResult(String name, String precision, String pass, int m, int n, int k, double ms, double flops) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("kind", "gemm");
        r.put("name", name);
        r.put("precision", precision);
        r.put("pass", pass);
        r.put("m", m);
        r.put("n", n);
        r.put("k", k);
        r.put("ms", ms);
        r.put("tflops", flops / (ms * 1e-3) / 1e12);
        results.add(r);
        System.out.printf("gemm   %-22s %-5s %-16s %8.3f ms %8.1f TFLOP/s%n", name, precision, pass, ms, flops / (ms * 1e-3) / 1e12);
    }

    private void kernelResult(String name, String shape, double ms, double bytes) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("kind", "kernel");
        r.put("name", name);
        r.put("shape", shape);
        r.put("ms", ms);
        r.put("bytes", bytes);
        r.put("gbps", bytes / (ms * 1e-3) / 1e9);
        results.add(r);
        System.out.printf("kernel %-28s %-24s %8.3f ms %8.1f GB/s%n", name, shape, ms, bytes / (ms * 1e-3) / 1e9);
    }

    private void elementwise(int tokens) {
        int[] ids = new int[tokens];
        for (int i = 0; i < tokens; i++) {
            ids[i] = (int) ((i * 2654435761L) % VOCAB);
        }
        long ec = (long) tokens * HIDDEN;
        try (DeviceBuffer table = gpu.allocateFloats((long) VOCAB * HIDDEN); DeviceBuffer dtable = gpu.allocateFloats((long) VOCAB * HIDDEN);
                DeviceBuffer out = gpu.allocateFloats(ec); DeviceBuffer t = gpu.upload(ids)) {
            kernels.fillUniform(table, (long) VOCAB * HIDDEN, 16, 1f);
            kernels.fillUniform(out, ec, 17, 1f);
            gpu.fill32(dtable.address(), 0, (long) VOCAB * HIDDEN);
            String shape = tokens + "x" + HIDDEN + " of " + VOCAB;
            kernelResult("embedding_forward", shape, time(() -> kernels.embeddingForward(out, t, table, tokens, HIDDEN, VOCAB), warmup, reps),
                    2.0 * 4 * ec);
            // includes the host's grouping of the token ids and its upload, as a training step would pay it
            kernelResult("embedding_backward", shape, time(() -> kernels.embeddingBackward(dtable, out, ids, tokens, HIDDEN, VOCAB),
                    warmup, reps), 3.0 * 4 * ec);
        }
        long nc = (long) tokens * HIDDEN;
        try (DeviceBuffer x = gpu.allocateFloats(nc); DeviceBuffer out = gpu.allocateFloats(nc); DeviceBuffer dout = gpu.allocateFloats(nc);
                DeviceBuffer dx = gpu.allocateFloats(nc); DeviceBuffer w = gpu.allocateFloats(HIDDEN); DeviceBuffer dw = gpu.allocateFloats(HIDDEN);
                DeviceBuffer rstd = gpu.allocateFloats(tokens)) {
            kernels.fillUniform(x, nc, 1, 2f);
            kernels.fillUniform(dout, nc, 2, 1f);
            kernels.fillUniform(dx, nc, 3, 1f);
            kernels.fillUniform(w, HIDDEN, 4, 1f);
            gpu.fill32(dw.address(), 0, HIDDEN);
            String shape = tokens + "x" + HIDDEN;
            kernelResult("rmsnorm_forward", shape, time(() -> kernels.rmsNormForward(out, rstd, x, w, tokens, HIDDEN, 1e-5f), warmup, reps),
                    2.0 * 4 * nc);
            kernelResult("rmsnorm_backward", shape, time(() -> kernels.rmsNormBackward(dx, dw, dout, x, w, rstd, tokens, HIDDEN), warmup, reps),
                    3.0 * 4 * nc);
        }
        long nf = (long) tokens * FFN;
        try (DeviceBuffer gate = gpu.allocateFloats(nf); DeviceBuffer up = gpu.allocateFloats(nf); DeviceBuffer h = gpu.allocateFloats(nf);
                DeviceBuffer dgate = gpu.allocateFloats(nf); DeviceBuffer dup = gpu.allocateFloats(nf)) {
            kernels.fillUniform(gate, nf, 5, 4f);
            kernels.fillUniform(up, nf, 6, 1f);
            kernels.fillUniform(h, nf, 7, 1f);
            String shape = tokens + "x" + FFN;
            kernelResult("silu_gated_forward", shape, time(() -> kernels.siluForward(h, gate, up, nf), warmup, reps), 3.0 * 4 * nf);
            kernelResult("silu_gated_backward", shape, time(() -> kernels.siluBackward(dgate, dup, h, gate, up, nf), warmup, reps),
                    5.0 * 4 * nf);
        }
        int heads = 32;
        int headDim = 128;
        long nq = (long) tokens * heads * headDim;
        int[] positions = new int[tokens];
        for (int i = 0; i < tokens; i++) {
            positions[i] = i % 4096;
        }
        try (LlamaKernels.RotaryTable table = kernels.rotaryTable(LlamaArchitecture.Rotary.llama3(500000), headDim, 4096);
                DeviceBuffer pos = gpu.upload(positions); DeviceBuffer q = gpu.allocateFloats(nq)) {
            kernels.fillUniform(q, nq, 8, 1f);
            kernelResult("rotary_forward", tokens + "x32x128", time(() -> kernels.rotaryForward(q, pos, table, tokens, heads), warmup, reps),
                    2.0 * 4 * nq);
        }
        int rows = GEMM_TOKENS;
        long nv = (long) rows * VOCAB;
        int[] targets = new int[rows];
        for (int i = 0; i < rows; i++) {
            targets[i] = (int) ((i * 2654435761L) % VOCAB);
        }
        try (DeviceBuffer logits = gpu.allocateFloats(nv); DeviceBuffer loss = gpu.allocateFloats(rows); DeviceBuffer t = gpu.upload(targets)) {
            // backward overwrites the logits with gradients, so each repetition starts from fresh random logits: the
            // fill is timed alone and subtracted.
            double fillMs = time(() -> kernels.fillUniform(logits, nv, 9, 8f), warmup, reps);
            double both = time(() -> {
                kernels.fillUniform(logits, nv, 9, 8f);
                kernels.crossEntropy(logits, loss, t, rows, VOCAB, 1f / rows, true);
            }, warmup, reps);
            kernelResult("cross_entropy_fwd_bwd", rows + "x" + VOCAB, both - fillMs, 2.0 * 4 * nv);
        }
        long params = 218_103_808L; // one Llama 3.1 8B layer: 4096*(4096+1024+1024+4096) + 3*4096*14336
        try (DeviceBuffer p = gpu.allocateFloats(params); DeviceBuffer g = gpu.allocateFloats(params); DeviceBuffer m = gpu.allocateFloats(params);
                DeviceBuffer v = gpu.allocateFloats(params)) {
            kernels.fillUniform(p, params, 10, 0.05f);
            kernels.fillUniform(g, params, 11, 0.01f);
            gpu.fill32(m.address(), 0, params);
            gpu.fill32(v.address(), 0, params);
            kernelResult("adamw_update", String.valueOf(params), time(() -> kernels.adamWUpdate(p, g, m, v, params, 0.5f, 0.9999f, 0.9f,
                    0.1f, 0.95f, 0.05f, 1e-4f, 0.5f, 1e-8f), warmup, reps), 7.0 * 4 * params);
            kernelResult("grad_sum_of_squares", String.valueOf(params), time(() -> kernels.sumOfSquares(g, params), warmup, reps),
                    4.0 * params);
        }
    }

    /**
     * Causal GQA attention in fp32 (the straightforward kernels), one sequence of {@code t} positions, one document.
     * FLOPs as FlashAttention counts them: forward 4 * H * T^2 * D / 2 (causal), backward 2.5 times that.
     */
    private void attention(int t) {
        int heads = 32;
        int groups = 8;
        int d = 128;
        long nq = (long) t * heads * d;
        long nk = (long) t * groups * d;
        try (DeviceBuffer q = gpu.allocateFloats(nq); DeviceBuffer k = gpu.allocateFloats(nk); DeviceBuffer v = gpu.allocateFloats(nk);
                DeviceBuffer out = gpu.allocateFloats(nq); DeviceBuffer dout = gpu.allocateFloats(nq); DeviceBuffer lse = gpu.allocateFloats((long) heads * t);
                DeviceBuffer dq = gpu.allocateFloats(nq); DeviceBuffer dk = gpu.allocateFloats(nk); DeviceBuffer dv = gpu.allocateFloats(nk);
                DeviceBuffer docStart = gpu.allocate(4L * t)) {
            kernels.fillUniform(q, nq, 12, 1f);
            kernels.fillUniform(k, nk, 13, 1f);
            kernels.fillUniform(v, nk, 14, 1f);
            kernels.fillUniform(dout, nq, 15, 1f);
            gpu.fill32(docStart.address(), 0, t);
            double forwardFlops = 4.0 * heads * (double) t * t * d / 2;
            double fwd = time(() -> kernels.attentionForward(out, lse, q, k, v, docStart, 1, t, heads, groups, d), 1, 5);
            double bwd = time(() -> kernels.attentionBackward(dq, dk, dv, dout, out, lse, q, k, v, docStart, 1, t, heads, groups, d), 1, 5);
            attentionResult("attention_causal_gqa_fp32", "forward", "1x" + t + "x32x128 (8 kv heads)", fwd, forwardFlops);
            attentionResult("attention_causal_gqa_fp32", "backward", "1x" + t + "x32x128 (8 kv heads)", bwd, 2.5 * forwardFlops);
            try (DeviceAttention attention = new DeviceAttention(cublas, kernels, 1, t, heads, groups, d)) {
                double cfwd = time(() -> attention.forward(out, lse, q, k, v, docStart, 1), 1, 5);
                double cbwd = time(() -> attention.backward(dq, dk, dv, dout, out, lse, q, k, v, docStart, 1), 1, 5);
                attentionResult("attention_causal_gqa_fp32_cublas", "forward", "1x" + t + "x32x128 (8 kv heads)", cfwd, forwardFlops);
                attentionResult("attention_causal_gqa_fp32_cublas", "backward", "1x" + t + "x32x128 (8 kv heads)", cbwd,
                        2.5 * forwardFlops);
            }
        }
    }

    private void attentionResult(String name, String pass, String shape, double ms, double flops) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("kind", "attention");
        r.put("name", name);
        r.put("pass", pass);
        r.put("shape", shape);
        r.put("ms", ms);
        r.put("tflops", flops / (ms * 1e-3) / 1e12);
        results.add(r);
        System.out.printf("attn   %-28s %-9s %-28s %8.3f ms %8.2f TFLOP/s%n", name, pass, shape, ms, flops / (ms * 1e-3) / 1e12);
    }

    public static void main(String[] args) throws IOException {
        Path out = null;
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--quick" -> quick = true;
                default -> {
                    System.err.println("unknown argument " + args[i] + "; usage: CudaBenchmark [--out FILE] [--quick]");
                    System.exit(2);
                }
            }
        }
        Map<String, Object> report = new LinkedHashMap<>();
        try (CudaContext gpu = CudaContext.open(0)) {
            CudaBenchmark bench = new CudaBenchmark(gpu, 3, quick ? 5 : 20);
            report.put("impl", "trainbench (Java FFM: cuBLAS + NVRTC kernels)");
            report.put("timestamp", Instant.now().toString());
            report.put("device", gpu.deviceName());
            report.put("driver_version", gpu.driverVersion());
            report.put("cublas_version", bench.cublas.version());
            report.put("nvrtc_version", bench.kernels.nvrtcVersion());
            report.put("timing", "CUDA events per repetition, median; warm-up 3");
            bench.gemms(quick ? 1024 : GEMM_TOKENS, quick);
            bench.elementwise(quick ? 2048 : TOKENS);
            bench.attention(quick ? 1024 : GEMM_TOKENS);
            report.put("results", bench.results);
            bench.cublas.close();
            bench.kernels.close();
        }
        String json = Json.write(report);
        if (out != null) {
            Files.writeString(out, json + "\n");
            System.out.println("wrote " + out);
        } else {
            System.out.println(json);
        }
    }
}
