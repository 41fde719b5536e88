package org.trainbench.engine.cuda.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.trainbench.engine.cuda.CudaContext;
import org.trainbench.engine.cuda.DeviceBuffer;
import org.trainbench.engine.cuda.FlashAttention;
import org.trainbench.engine.cuda.LlamaKernels;
import org.trainbench.engine.json.Json;

/**
 * Speed of {@link FlashAttention} (bf16, causal, grouped-query, H = 32 query heads, G = 8 kv heads) at the attention
 * shapes of Llama 3.2 1B (D = 64, B = 8, T = 4096, one document) and Llama 3.1 8B (D = 128, B = 1, T = 4096 and 2048 as
 * one document, T = 4096 as 4 documents of 1024). tools/bench/torch_attention_bench.py times PyTorch's
 * {@code F.scaled_dot_product_attention} on the same shapes and prints the same table:
 *
 * <pre>
 *   java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp "lib/*" \
 *       org.trainbench.engine.cuda.bench.AttentionBenchmark [--out FILE] [--warmup N] [--reps N]
 * </pre>
 *
 * FLOPs as FlashAttention counts them, over the (query, key) pairs the mask lets through: forward 4 * B * H * D *
 * sum over documents of L^2 / 2 (two products of 2 * D FLOPs per visible pair; L = T for one document), backward 2.5
 * times that (five products instead of two). Timing: CUDA events per repetition on the default stream, after warm-up
 * (NVRTC compilation and workspace allocation stay outside), median reported. q, k, v are column ranges of one fused
 * (B*T, H*D + 2*G*D) buffer and dq, dk, dv of its gradient, as in the model; inputs are uniform random bf16.
 */
public final class AttentionBenchmark {
    static final int HEADS = 32;
    static final int GROUPS = 8;

    /** One benchmarked shape: B sequences of T positions, each cut into {@code documents} equal documents. */
    record Shape(int b, int t, int documents, int d) {
        String name() {
            return "d" + d + "_b" + b + "_t" + t + "_docs" + documents;
        }

        /** Forward FLOPs over the visible (query, key) pairs, sum of L^2 / 2 per document (the causal count). */
        double forwardFlops() {
            double length = (double) t / documents;
            return 4.0 * b * HEADS * d * documents * length * length / 2;
        }
    }

    static final List<Shape> SHAPES = List.of(new Shape(8, 4096, 1, 64), new Shape(1, 4096, 1, 128), new Shape(1, 2048, 1, 128),
            new Shape(1, 4096, 4, 128));

    private final CudaContext gpu;
    private final FlashAttention flash;
    private final LlamaKernels kernels;
    private final int warmup;
    private final int reps;
    private final List<Map<String, Object>> results = new ArrayList<>();

    private AttentionBenchmark(CudaContext gpu, int warmup, int reps) {
        this.gpu = gpu;
        this.kernels = new LlamaKernels(gpu);
        this.flash = new FlashAttention(gpu);
        this.warmup = warmup;
        this.reps = reps;
    }

    private double time(Runnable work) {
        return DeviceTiming.medianMillis(gpu, work, warmup, reps);
    }

    private void run(Shape shape) {
        int b = shape.b();
        int t = shape.t();
        int d = shape.d();
        int n = b * t;
        int qw = HEADS * d;
        int kw = GROUPS * d;
        int fused = qw + 2 * kw;
        int[] docStart = new int[n];
        int length = t / shape.documents();
        for (int r = 0; r < n; r++) {
            docStart[r] = (r % t) / length * length;
        }
        try (DeviceBuffer qkv = gpu.allocate(2L * n * fused); DeviceBuffer gradient = gpu.allocate(2L * n * fused);
                DeviceBuffer out = gpu.allocate(2L * n * qw); DeviceBuffer dout = gpu.allocate(2L * n * qw);
                DeviceBuffer lse = gpu.allocateFloats((long) b * HEADS * t); DeviceBuffer starts = gpu.upload(docStart)) {
            kernels.fillUniformBf16(qkv, (long) n * fused, 1, 1f);
            kernels.fillUniformBf16(dout, (long) n * qw, 2, 1f);
            long q = qkv.address();
            long k = q + 2L * qw;
            long v = q + 2L * (qw + kw);
            long dq = gradient.address();
            long dk = dq + 2L * qw;
            long dv = dq + 2L * (qw + kw);
            Runnable forward = () -> flash.forward(out.address(), qw, lse.address(), q, fused, k, fused, v, fused,
                    starts.address(), b, t, HEADS, GROUPS, d);
            Runnable backward = () -> flash.backward(dq, fused, dk, fused, dv, fused, dout.address(), qw, out.address(), qw,
                    lse.address(), q, fused, k, fused, v, fused, starts.address(), b, t, HEADS, GROUPS, d);
            double flops = shape.forwardFlops();
            double fwd = time(forward);
            double bwd = time(backward);
            double both = time(() -> {
                forward.run();
                backward.run();
            });
            result(shape, "forward", fwd, flops);
            result(shape, "backward", bwd, 2.5 * flops);
            result(shape, "forward+backward", both, 3.5 * flops);
        }
    }

    private void result(Shape shape, String pass, double ms, double flops) {
        double tflops = flops / (ms * 1e-3) / 1e12;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", shape.name());
        r.put("b", shape.b());
        r.put("t", shape.t());
        r.put("heads", HEADS);
        r.put("groups", GROUPS);
        r.put("d", shape.d());
        r.put("documents", shape.documents());
        r.put("pass", pass);
        r.put("ms", ms);
        r.put("flops", flops);
        r.put("tflops", tflops);
        results.add(r);
        System.out.printf("%-22s %-17s %9.3f ms %8.1f TFLOP/s%n", shape.name(), pass, ms, tflops);
    }

    public static void main(String[] args) throws IOException {
        Path out = null;
        int warmup = 5;
        int reps = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("unknown argument " + args[i]
                            + "; usage: AttentionBenchmark [--out FILE] [--warmup N] [--reps N]");
                    System.exit(2);
                }
            }
        }
        Map<String, Object> report = new LinkedHashMap<>();
        try (CudaContext gpu = CudaContext.open(0)) {
            AttentionBenchmark bench = new AttentionBenchmark(gpu, warmup, reps);
            report.put("impl", "trainbench FlashAttention (NVRTC, mma.sync bf16)");
            report.put("timestamp", Instant.now().toString());
            report.put("device", gpu.deviceName());
            report.put("driver_version", gpu.driverVersion());
            report.put("timing", "CUDA events per repetition, median of " + reps + "; warm-up " + warmup);
            report.put("flops", "forward 4*B*H*D*sum_docs(L^2/2); backward 2.5x; forward+backward 3.5x");
            System.out.printf("%-22s %-17s %12s %16s%n", "shape", "pass", "time", "throughput");
            for (Shape shape : SHAPES) {
                bench.run(shape);
            }
            report.put("results", bench.results);
            bench.kernels.close();
            bench.flash.close();
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
