package org.trainbench.engine.cuda.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import org.trainbench.engine.config.check.TrainingEstimate;
import org.trainbench.engine.config.training.MlpRecomputeLevel;
import org.trainbench.engine.config.training.TrainingDtype;
import org.trainbench.engine.cuda.CudaContext;
import org.trainbench.engine.cuda.train.CudaBackend;
import org.trainbench.engine.json.Json;
import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.model.SequenceBatch;
import org.trainbench.engine.train.backend.BackendUnavailableException;
import org.trainbench.engine.train.optim.AdamW;

/**
 * Training throughput of the cuda backend on random tokens, the same shapes and record format as
 * {@code tools/bench/torch_train_bench.py} so both run in one device call and compare line by line.
 *
 * <pre>
 * java -Xmx64g --enable-native-access=ALL-UNNAMED --add-modules=jdk.incubator.vector -cp "lib/*" \
 *      org.trainbench.engine.cuda.bench.TrainingBenchmark --shape 1b --seq 4096 --micro-batch auto --steps 10 --warmup 3 \
 *      [--dtype bfloat16|float32] [--profile] [--out FILE.json]
 * </pre>
 *
 * <p>One step = batch_size = micro-batch (one forward/backward) + one AdamW update, as the peer does it. tokens/s =
 * micro_batch * seq / median step time; MFU = tokens/s * FLOPs per token / 989 TFLOP/s with
 * {@link TrainingEstimate#flopsPerToken} (6 N + 6 L S d); peak memory = the most bytes the engine held in device
 * buffers (cuBLAS's workspace not counted, as torch.cuda.max_memory_allocated counts tensors); first_step_s = seconds
 * from the JVM's start to the end of the first step (host allocation, kernel compilation or cache, upload included).
 * {@code --profile} labels two more steps' device time by kind of work (GEMM, attention, element-wise, optimizer).
 */
public final class TrainingBenchmark {
    private TrainingBenchmark() {
    }

    static LlamaArchitecture shape(String name) {
        LlamaArchitecture.Rotary rotary = LlamaArchitecture.Rotary.llama3(500_000.0);
        return switch (name) {
            case "1b" -> new LlamaArchitecture(128_256, 2048, 16, 32, 8, 64, 8192, true, LlamaArchitecture.Activation.SILU, false, 1e-5,
                    false, rotary, LlamaArchitecture.defaultInitStd(2048));
            case "8b-4layer" -> new LlamaArchitecture(128_256, 4096, 4, 32, 8, 128, 14_336, true, LlamaArchitecture.Activation.SILU, false,
                    1e-5, false, rotary, LlamaArchitecture.defaultInitStd(4096));
            case "tiny" -> new LlamaArchitecture(32_000, 256, 2, 4, 2, 64, 704, true, LlamaArchitecture.Activation.SILU, false, 1e-5, false,
                    rotary, LlamaArchitecture.defaultInitStd(256));
            default -> throw new IllegalArgumentException("--shape " + name + ": expected 1b, 8b-4layer or tiny");
        };
    }

    static SequenceBatch randomBatch(int b, int t, int vocab, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[][] tokens = new int[b][t];
        int[][] targets = new int[b][t];
        for (int s = 0; s < b; s++) {
            for (int i = 0; i < t; i++) {
                tokens[s][i] = random.nextInt(vocab);
            }
            // next-token targets, the last one random
            for (int i = 0; i < t; i++) {
                targets[s][i] = i + 1 < t ? tokens[s][i + 1] : random.nextInt(vocab);
            }
        }
        int[][] positions = new int[b][t];
        int[][] docs = new int[b][t];
        boolean[][] mask = new boolean[b][t];
        for (int s = 0; s < b; s++) {
            for (int i = 0; i < t; i++) {
                positions[s][i] = i;
                mask[s][i] = true;
            }
        }
        return new SequenceBatch(tokens, targets, positions, docs, mask);
    }

    public static void main(String[] args) throws IOException {
        String shapeName = "1b";
        int seq = 4096;
        String micro = "auto";
        int steps = 10;
        int warmup = 3;
        boolean profile = false;
        TrainingDtype dtype = TrainingDtype.BFLOAT16;
        MlpRecomputeLevel recompute = MlpRecomputeLevel.NONE;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--shape" -> shapeName = args[++i];
                case "--seq" -> seq = Integer.parseInt(args[++i]);
                case "--micro-batch" -> micro = args[++i];
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--profile" -> profile = true;
                case "--dtype" -> dtype = args[++i].startsWith("b") ? TrainingDtype.BFLOAT16 : TrainingDtype.FLOAT32;
                case "--recompute" -> recompute = MlpRecomputeLevel.valueOf(args[++i].toUpperCase(Locale.ROOT));
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        LlamaArchitecture arch = shape(shapeName);
        long hostStart = System.nanoTime();
        LlamaModel host = LlamaModel.empty(arch);
        AdamW optimizer = new AdamW(AdamW.Settings.fastLlmDefaults(), host.parameters());
        double hostSeconds = (System.nanoTime() - hostStart) / 1e9;
        List<Integer> tries = micro.equals("auto") ? List.of(8, 4, 2, 1) : List.of(Integer.parseInt(micro));
        List<String> attempts = new ArrayList<>();
        Map<String, Object> record = new LinkedHashMap<>();
        for (int b : tries) {
            try (CudaBackend backend = CudaBackend.open(host, optimizer, dtype, b, seq, recompute, null)) {
                backend.initializeWeights(1234);
                attempts.add(b + ": ok");
                record = measure(backend, arch, shapeName, b, seq, steps, warmup, profile, dtype);
                record.put("host_model_s", hostSeconds);
                record.put("mlp_recompute_level", recompute.yamlName());
                record.put("micro_batch_attempts", attempts);
                break;
            } catch (BackendUnavailableException | org.trainbench.engine.cuda.CudaException e) {
                attempts.add(b + ": " + e.getMessage());
                System.err.println("micro-batch " + b + ": " + e.getMessage());
                record.put("status", "failed");
                record.put("error", e.getMessage());
            }
        }
        record.putIfAbsent("micro_batch_attempts", attempts);
        System.out.println(Json.write(record));
        if (out != null) {
            List<Object> all = new ArrayList<>();
            if (Files.exists(out)) {
                Object existing = Json.parse(Files.readString(out, StandardCharsets.UTF_8));
                if (existing instanceof List<?> list) {
                    all.addAll(list);
                }
            }
            all.add(record);
            Files.writeString(out, Json.write(all), StandardCharsets.UTF_8);
        }
    }

    private static Map<String, Object> measure(CudaBackend backend, LlamaArchitecture arch, String shapeName, int b, int seq, int steps,
            int warmup, boolean profile, TrainingDtype dtype) {
        CudaContext context = backend.context();
        double[] millis = new double[warmup + steps];
        double firstStep = 0;
        List<Double> losses = new ArrayList<>();
        for (int step = 0; step < warmup + steps; step++) {
            SequenceBatch batch = randomBatch(b, seq, arch.vocabSize(), step);
            long start = System.nanoTime();
            backend.zeroGradients();
            float loss = backend.forwardBackward(batch, 1f);
            backend.update(3e-4);
            context.synchronize();
            millis[step] = (System.nanoTime() - start) / 1e6;
            losses.add((double) loss);
            if (step == 0) {
                firstStep = processSeconds();
            }
        }
        double[] timed = Arrays.copyOfRange(millis, warmup, warmup + steps);
        double[] sorted = timed.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        double tokensPerSecond = (double) b * seq / (median / 1000);
        double flopsPerToken = TrainingEstimate.flopsPerToken(arch.parameterCount(), arch.numLayers(), arch.hiddenSize(), seq);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("system", "trainbench cuda (" + dtype.yamlName() + ")");
        r.put("status", "ok");
        r.put("model", shapeName);
        r.put("sequence_length", seq);
        r.put("micro_batch_size", b);
        r.put("gpus", 1);
        r.put("tokens_per_s", tokensPerSecond);
        r.put("mfu", tokensPerSecond * flopsPerToken / CudaBackend.H100_BF16_FLOPS);
        r.put("peak_memory_gib", backend.peakMemoryBytes() / (1024.0 * 1024 * 1024));
        r.put("device_used_gib", (context.totalMemory() - context.freeMemory()) / (1024.0 * 1024 * 1024));
        r.put("first_step_s", firstStep);
        r.put("device", context.deviceName());
        r.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        r.put("step_ms_median", median);
        r.put("step_ms_all", Arrays.stream(timed).boxed().toList());
        r.put("flops_per_token", flopsPerToken);
        r.put("flops_formula", "6*N + 12*L*d*(S/2), N = all parameters (embedding and LM head included); TrainingEstimate.flopsPerToken");
        r.put("parameters", arch.parameterCount());
        r.put("losses", losses);
        r.put("backend", backend.description());
        if (profile) {
            try (CudaContext.Trace trace = context.trace()) {
                Map<String, Double> total = new LinkedHashMap<>();
                int profiled = 2;
                for (int i = 0; i < profiled; i++) {
                    backend.trace(trace);
                    backend.zeroGradients();
                    backend.forwardBackward(randomBatch(b, seq, arch.vocabSize(), 1000 + i), 1f);
                    backend.update(3e-4);
                    backend.trace(null);
                    trace.finish().forEach((k, v) -> total.merge(k, v / profiled, Double::sum));
                }
                r.put("profile_ms_per_step", total);
            }
        }
        System.err.printf(Locale.ROOT, "%s %s b=%d: %.0f tokens/s, MFU %.1f%%, peak %.1f GiB, step %.1f ms, first step %.1f s%n", shapeName,
                dtype.yamlName(), b, tokensPerSecond, 100 * (double) r.get("mfu"), (double) r.get("peak_memory_gib"), median, firstStep);
        return r;
    }

    private static double processSeconds() {
        return ProcessHandle.current().info().startInstant()
                .map(start -> (Instant.now().toEpochMilli() - start.toEpochMilli()) / 1000.0).orElse(Double.NaN);
    }
}
