package org.trainbench.engine.cuda.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.trainbench.engine.cuda.CudaContext;
import org.trainbench.engine.cuda.DeviceBuffer;
import org.trainbench.engine.cuda.FlashAttention;
import org.trainbench.engine.cuda.FlashAttention.Variant;
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
 *       org.trainbench.engine.cuda.bench.AttentionBenchmark [--variants all|NAME,...] [--out FILE] [--warmup N] [--reps N]
 * </pre>
 *
 * {@code --variants} times each named {@link Variant} (default: the one {@link Variant#configured()} names) and checks
 * each against {@code BASELINE} on the same inputs: the largest |difference| of out, lse, dq, dk, dv over the largest
 * |baseline value| ("max_rel_diff"; bf16 rounding of differently ordered sums gives ~1e-2, a broken variant O(1)).
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
    /** Past this max_rel_diff against BASELINE a variant is reported BROKEN (and the run exits 1). */
    static final double BROKEN = 0.1;

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
    private final Map<Variant, FlashAttention> flash = new LinkedHashMap<>();
    private final LlamaKernels kernels;
    private final int warmup;
    private final int reps;
    private final List<Map<String, Object>> results = new ArrayList<>();
    private boolean broken;

    private AttentionBenchmark(CudaContext gpu, List<Variant> variants, int warmup, int reps) {
        this.gpu = gpu;
        this.kernels = new LlamaKernels(gpu);
        if (!variants.equals(List.of(Variant.BASELINE))) {
            flash.put(Variant.BASELINE, new FlashAttention(gpu, Variant.BASELINE));  // first: the reference of the check
        }
        for (Variant variant : variants) {
            flash.computeIfAbsent(variant, v -> new FlashAttention(gpu, v));
        }
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
            float[][] reference = null;  // BASELINE's out, lse, dq, dk, dv on these inputs
            for (Map.Entry<Variant, FlashAttention> entry : flash.entrySet()) {
                Variant variant = entry.getKey();
                FlashAttention f = entry.getValue();
                Runnable forward = () -> f.forward(out.address(), qw, lse.address(), q, fused, k, fused, v, fused, starts.address(), b,
                        t, HEADS, GROUPS, d);
                Runnable backward = () -> f.backward(dq, fused, dk, fused, dv, fused, dout.address(), qw, out.address(), qw,
                        lse.address(), q, fused, k, fused, v, fused, starts.address(), b, t, HEADS, GROUPS, d);
                Double maxRelDiff = null;
                if (flash.size() > 1) {
                    forward.run();
                    backward.run();
                    gpu.synchronize();
                    float[][] outputs = {bf16(gpu.downloadShorts(out, n * qw)), gpu.downloadFloats(lse, b * HEADS * t),
                            bf16(gpu.downloadShorts(gradient, n * fused))};
                    if (variant == Variant.BASELINE) {
                        reference = outputs;
                    } else if (reference != null) {
                        double worst = 0;
                        for (int i = 0; i < outputs.length; i++) {
                            worst = Math.max(worst, maxRelDiff(reference[i], outputs[i]));
                        }
                        maxRelDiff = worst;
                    }
                }
                double flops = shape.forwardFlops();
                double fwd = time(forward);
                double bwd = time(backward);
                double both = time(() -> {
                    forward.run();
                    backward.run();
                });
                result(shape, variant, "forward", fwd, flops, maxRelDiff);
                result(shape, variant, "backward", bwd, 2.5 * flops, maxRelDiff);
                result(shape, variant, "forward+backward", both, 3.5 * flops, maxRelDiff);
            }
        }
    }

    private static float[] bf16(short[] bits) {
        float[] x = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            x[i] = Float.intBitsToFloat(bits[i] << 16);
        }
        return x;
    }

    /** max |a - b| / max |reference|; NaN anywhere gives infinity. */
    private static double maxRelDiff(float[] reference, float[] actual) {
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < reference.length; i++) {
            double diff = Math.abs((double) actual[i] - reference[i]);
            if (Double.isNaN(diff)) {
                return Double.POSITIVE_INFINITY;
            }
            maxDiff = Math.max(maxDiff, diff);
            maxRef = Math.max(maxRef, Math.abs(reference[i]));
        }
        return maxDiff / Math.max(maxRef, Double.MIN_NORMAL);
    }

    private void result(Shape shape, Variant variant, String pass, double ms, double flops, Double maxRelDiff) {
        double tflops = flops / (ms * 1e-3) / 1e12;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", shape.name());
        r.put("variant", variant.name());
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
        String check = "";
        if (maxRelDiff != null) {
            r.put("max_rel_diff", maxRelDiff);
            boolean bad = !(maxRelDiff <= BROKEN);
            broken |= bad;
            check = String.format("  vs BASELINE %.2e%s", maxRelDiff, bad ? " BROKEN" : "");
        }
        results.add(r);
        System.out.printf("%-22s %-10s %-17s %9.3f ms %8.1f TFLOP/s%s%n", shape.name(), variant, pass, ms, tflops, check);
    }

    public static void main(String[] args) throws IOException {
        Path out = null;
        List<Variant> variants = List.of(Variant.configured());
        int warmup = 5;
        int reps = 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--variants" -> variants = variants(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--reps" -> reps = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("unknown argument " + args[i]
                            + "; usage: AttentionBenchmark [--variants all|NAME,...] [--out FILE] [--warmup N] [--reps N]");
                    System.exit(2);
                }
            }
        }
        Map<String, Object> report = new LinkedHashMap<>();
        try (CudaContext gpu = CudaContext.open(0)) {
            AttentionBenchmark bench = new AttentionBenchmark(gpu, variants, warmup, reps);
            report.put("impl", "trainbench FlashAttention (NVRTC, mma.sync bf16)");
            report.put("timestamp", Instant.now().toString());
            report.put("device", gpu.deviceName());
            report.put("driver_version", gpu.driverVersion());
            report.put("timing", "CUDA events per repetition, median of " + reps + "; warm-up " + warmup);
            report.put("flops", "forward 4*B*H*D*sum_docs(L^2/2); backward 2.5x; forward+backward 3.5x");
            report.put("variants", bench.flash.keySet().stream().map(Variant::name).toList());
            System.out.printf("%-22s %-10s %-17s %12s %16s%n", "shape", "variant", "pass", "time", "throughput");
            for (Shape shape : SHAPES) {
                bench.run(shape);
            }
            report.put("results", bench.results);
            bench.kernels.close();
            bench.flash.values().forEach(FlashAttention::close);
            if (bench.broken) {
                report.put("broken", true);
            }
        }
        String json = Json.write(report);
        if (out != null) {
            Files.writeString(out, json + "\n");
            System.out.println("wrote " + out);
        } else {
            System.out.println(json);
        }
        if (report.containsKey("broken")) {
            System.err.println("a variant differs from BASELINE by more than " + BROKEN + " (max_rel_diff): BROKEN above");
            System.exit(1);
        }
    }

    private static List<Variant> variants(String names) {
        if (names.equalsIgnoreCase("all")) {
            return List.of(Variant.values());
        }
        List<Variant> list = new ArrayList<>();
        for (String name : names.split(",")) {
            Variant match = Arrays.stream(Variant.values()).filter(v -> v.name().equalsIgnoreCase(name.strip())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--variants: " + name + " is no variant; expected all or "
                            + Arrays.toString(Variant.values())));
            list.add(match);
        }
        return list;
    }
}
