package org.trainbench.engine.cuda.check;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.trainbench.engine.cuda.CudaContext;
import org.trainbench.engine.cuda.CudaException;
import org.trainbench.engine.json.Json;
import org.trainbench.engine.model.LlamaArchitecture;

/**
 * Compares every GPU operation with the CPU engine at Llama 3.1 8B shapes (hidden 4096, MLP 14336, 32 query and 8
 * key/value heads of 128, vocabulary 128256) and writes the errors as JSON:
 *
 * <pre>
 *   java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp "lib/*" \
 *       org.trainbench.engine.cuda.check.KernelCheck [--quick] [--out FILE]
 * </pre>
 *
 * {@code --quick} uses small and odd shapes (what the JUnit tests run). Exit status 0 when every comparison is
 * within its tolerance, 1 otherwise, 2 when there is no usable GPU.
 */
public final class KernelCheck {
    private KernelCheck() {
    }

    /** One group of comparisons: a name and how to run it. */
    public record Case(String name, java.util.function.Function<KernelComparisons, List<Comparison>> run) {
    }

    /** Llama 3.1 8B shapes (token counts cut where the CPU reference would take long). */
    public static List<Case> fullCases() {
        LlamaArchitecture.Rotary llama3 = LlamaArchitecture.Rotary.llama3(500000);
        LlamaArchitecture.Rotary plain = LlamaArchitecture.Rotary.defaultScaling(10000);
        return List.of(
                new Case("linear 4096->4096", k -> k.linear(1024, 4096, 4096, 11)),
                new Case("linear 4096->14336", k -> k.linear(512, 4096, 14336, 12)),
                new Case("linear 14336->4096", k -> k.linear(512, 14336, 4096, 13)),
                new Case("linear bf16 4096->4096", k -> k.linearBf16(1024, 4096, 4096, 14)),
                new Case("embedding", k -> k.embedding(4096, 4096, 128256, 1000, 25)),
                new Case("rmsnorm", k -> k.rmsNorm(4096, 4096, 15)),
                new Case("rmsnorm 8192 (70B width)", k -> k.rmsNorm(1024, 8192, 24)),
                new Case("silu gated", k -> k.silu(2048, 14336, true, 16)),
                new Case("silu", k -> k.silu(1024, 4096, false, 17)),
                new Case("rotary llama3 q", k -> k.rotary(llama3, 4096, 32, 128, 1500, 18)),
                new Case("rotary llama3 k", k -> k.rotary(llama3, 4096, 8, 128, 4096, 19)),
                new Case("rotary default", k -> k.rotary(plain, 4096, 32, 128, 1000, 20)),
                new Case("lm head + cross-entropy", k -> k.languageModelHead(64, 4096, 128256, 4, 24, 21)),
                new Case("attention gqa, 3 documents", k -> k.attention(2, 1024, 32, 8, 128, new int[] {0, 300, 700}, 23)),
                new Case("adamw", k -> k.adamW(List.of(new int[] {4096, 1024}, new int[] {4096}, new int[] {14336, 256},
                        new int[] {1000, 37}), 3, 22)));
    }

    /** Small shapes, including sizes that are not multiples of 4 (the kernels' scalar paths). */
    public static List<Case> quickCases() {
        LlamaArchitecture.Rotary llama3 = LlamaArchitecture.Rotary.llama3(500000);
        LlamaArchitecture.Rotary plain = LlamaArchitecture.Rotary.defaultScaling(10000);
        return List.of(
                new Case("linear", k -> k.linear(64, 256, 384, 1)),
                new Case("linear odd", k -> k.linear(37, 100, 53, 2)),
                new Case("linear bf16", k -> k.linearBf16(64, 256, 128, 3)),
                new Case("embedding", k -> k.embedding(200, 96, 1000, 37, 16)),
                new Case("rmsnorm", k -> k.rmsNorm(128, 512, 4)),
                new Case("rmsnorm odd", k -> k.rmsNorm(33, 1001, 5)),
                new Case("rmsnorm wide", k -> k.rmsNorm(20, 6144, 14)),
                new Case("silu gated odd", k -> k.silu(7, 1429, true, 6)),
                new Case("silu", k -> k.silu(16, 256, false, 7)),
                new Case("rotary llama3", k -> k.rotary(llama3, 96, 4, 64, 40, 8)),
                new Case("rotary default", k -> k.rotary(plain, 96, 2, 32, 96, 9)),
                new Case("lm head + cross-entropy", k -> k.languageModelHead(24, 128, 5003, 3, 10)),
                new Case("lm head + cross-entropy, row chunks", k -> k.languageModelHead(24, 128, 5003, 5, 7, 15)),
                new Case("attention gqa, documents", k -> k.attention(2, 40, 4, 2, 64, new int[] {0, 9, 10, 31}, 12)),
                new Case("adamw", k -> k.adamW(List.of(new int[] {64, 33}, new int[] {64}, new int[] {7}), 3, 11)));
    }

    /** Runs the cases and returns the JSON report; each comparison is also printed as one line. */
    public static Map<String, Object> run(KernelComparisons comparisons, List<Case> cases, String mode) {
        CudaContext gpu = comparisons.context();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("timestamp", Instant.now().toString());
        report.put("mode", mode);
        report.put("device", gpu.deviceName());
        report.put("compute_capability", gpu.computeCapability());
        report.put("driver_version", gpu.driverVersion());
        report.put("nvrtc_version", comparisons.kernels().nvrtcVersion());
        report.put("nvrtc_compile_ms", comparisons.kernels().compileMillis());
        report.put("cublas_version", comparisons.cublas().version());
        report.put("java", System.getProperty("java.version"));
        report.put("cpu_threads", Runtime.getRuntime().availableProcessors());
        report.put("error_definitions", "max_abs_error = max|gpu-cpu|; max_rel_error = max_abs_error / max|cpu|;"
                + " rel_l2_error = ||gpu-cpu|| / ||cpu||; passed = max_rel_error <= tolerance");
        List<Object> results = new ArrayList<>();
        boolean allPassed = true;
        for (Case c : cases) {
            long start = System.nanoTime();
            List<Comparison> outcome = c.run().apply(comparisons);
            double seconds = (System.nanoTime() - start) / 1e9;
            for (Comparison comparison : outcome) {
                System.out.println(comparison);
                Map<String, Object> json = comparison.toJson();
                json.put("case", c.name());
                json.put("case_seconds", seconds);
                results.add(json);
                allPassed &= comparison.passed();
            }
        }
        report.put("results", results);
        report.put("all_passed", allPassed);
        return report;
    }

    public static void main(String[] args) throws IOException {
        boolean quick = false;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println("unknown argument " + args[i] + "; usage: KernelCheck [--quick] [--out FILE]");
                    System.exit(2);
                }
            }
        }
        Map<String, Object> report;
        KernelComparisons comparisons;
        try {
            comparisons = new KernelComparisons();
        } catch (CudaException e) {
            System.err.println("no usable GPU: " + e.getMessage());
            System.exit(2);
            return;
        }
        try (comparisons) {
            report = run(comparisons, quick ? quickCases() : fullCases(), quick ? "quick" : "full");
        }
        String json = Json.write(report);
        if (out != null) {
            Files.writeString(out, json + "\n");
            System.out.println("wrote " + out);
        } else {
            System.out.println(json);
        }
        System.exit(Boolean.TRUE.equals(report.get("all_passed")) ? 0 : 1);
    }
}
