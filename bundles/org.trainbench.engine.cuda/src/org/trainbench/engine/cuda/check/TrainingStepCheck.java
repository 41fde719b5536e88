package org.trainbench.engine.cuda.check;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.trainbench.engine.config.training.MlpRecomputeLevel;
import org.trainbench.engine.config.training.TrainingDtype;
import org.trainbench.engine.cuda.check.Comparison.Tolerance;
import org.trainbench.engine.cuda.train.CudaBackend;
import org.trainbench.engine.json.Json;
import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.model.SequenceBatch;
import org.trainbench.engine.tensor.Parameter;
import org.trainbench.engine.train.optim.AdamW;

/**
 * The whole training step on the GPU against {@code LlamaModel} on the CPU: a small Llama with several layers, GQA,
 * llama3 rotary, sequences holding three documents each (no cross-document attention) and loss masking over part of
 * each. Compares the loss and every parameter gradient of one forward/backward, then the losses of {@code steps}
 * AdamW steps run on both sides from the same weights on the same batches.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED --add-modules=jdk.incubator.vector -cp "lib/*" \
 *      org.trainbench.engine.cuda.check.TrainingStepCheck [--dtype float32|bfloat16] [--steps 20] [--out FILE]
 * </pre>
 * Exit code 0 when every comparison is within its tolerance, 1 when one is not, 2 without a usable GPU.
 *
 * <p>Tolerances (bounds on max |gpu - cpu| / max |cpu| per tensor):
 * <ul>
 * <li>float32: both sides compute in IEEE fp32 and differ only in summation order (cuBLAS tiles, block reductions); a
 * kernel's error is ~1e-6 relative and the chain of ~10 operations per layer, forward and backward through 3 layers,
 * adds such errors: 1e-4 on the loss and gradients leaves a factor ~10 of headroom over that sum.</li>
 * <li>bfloat16: activations and GEMM operands are rounded to 8 significant bits (2^-9 relative each), so every GEMM
 * input carries ~0.2-0.4% error, and gradients go through twice as many rounded operands as outputs: 5e-2 on gradients,
 * 1e-2 on the loss. These bound bf16 rounding, not bugs: a wrong index or a missing term gives errors of order 1.</li>
 * </ul>
 */
public final class TrainingStepCheck {
    private TrainingStepCheck() {
    }

    /** The check's model: small but with every feature (GQA 4:2, llama3 rotary, three layers, untied head). */
    public static LlamaArchitecture architecture() {
        return LlamaArchitecture.llama(257, 128, 3, 4, 2, 352).withRotary(LlamaArchitecture.Rotary.llama3(500_000.0));
    }

    /** B sequences of T tokens with three documents each and the loss counted on the second half of each document. */
    public static SequenceBatch batch(int b, int t, int vocab, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[][] tokens = new int[b][t];
        int[][] targets = new int[b][t];
        int[][] docs = new int[b][t];
        int[][] positions = new int[b][];
        boolean[][] mask = new boolean[b][t];
        for (int s = 0; s < b; s++) {
            int cut1 = t / 3 + random.nextInt(t / 6);
            int cut2 = 2 * t / 3 + random.nextInt(t / 6);
            int docStart = 0;
            for (int i = 0; i < t; i++) {
                tokens[s][i] = random.nextInt(vocab);
                targets[s][i] = random.nextInt(vocab);
                docs[s][i] = i < cut1 ? 0 : i < cut2 ? 1 : 2;
                if (i > 0 && docs[s][i] != docs[s][i - 1]) {
                    docStart = i;
                }
                int docEnd = docs[s][i] == 0 ? cut1 : docs[s][i] == 1 ? cut2 : t;
                mask[s][i] = i >= (docStart + docEnd) / 2;
            }
            positions[s] = SequenceBatch.positionsRestartingPerDocument(docs[s]);
        }
        return new SequenceBatch(tokens, targets, positions, docs, mask);
    }

    public record Result(List<Comparison> comparisons, List<Map<String, Object>> curve) {
        public boolean passed() {
            return comparisons.stream().allMatch(Comparison::passed);
        }
    }

    /** Runs the comparison with the CPU model as the reference. */
    public static Result run(TrainingDtype dtype, int steps) {
        LlamaArchitecture arch = architecture();
        int b = 2;
        int t = 96;
        boolean low = dtype == TrainingDtype.BFLOAT16;
        Tolerance loss = low ? new Tolerance(1e-2, "bf16 activations and GEMM operands (2^-9 rounding each) through 3 layers")
                : new Tolerance(1e-4, "fp32 on both sides, sums in another order, ~30 chained operations");
        Tolerance gradient = low ? new Tolerance(5e-2, "bf16 activations and GEMM operands in forward and backward")
                : new Tolerance(1e-4, "fp32 on both sides, sums in another order, ~30 chained operations");
        List<Comparison> comparisons = new ArrayList<>();
        Map<String, Object> shape = new LinkedHashMap<>();
        shape.put("B", b);
        shape.put("T", t);
        shape.put("layers", arch.numLayers());
        shape.put("C", arch.hiddenSize());
        shape.put("H", arch.numAttentionHeads());
        shape.put("G", arch.headGroups());
        shape.put("D", arch.kvChannels());
        shape.put("V", arch.vocabSize());
        shape.put("dtype", dtype.yamlName());

        LlamaModel cpu = LlamaModel.create(arch, 7);
        AdamW cpuOptimizer = new AdamW(AdamW.Settings.fastLlmDefaults(), cpu.parameters());
        LlamaModel host = LlamaModel.create(arch, 7);
        AdamW hostOptimizer = new AdamW(AdamW.Settings.fastLlmDefaults(), host.parameters());
        SequenceBatch first = batch(b, t, arch.vocabSize(), 11);
        cpu.zeroGrad();
        float cpuLoss = cpu.forwardBackward(first, 1f);
        List<Map<String, Object>> curve = new ArrayList<>();
        try (CudaBackend gpu = CudaBackend.open(host, hostOptimizer, dtype, b, t, MlpRecomputeLevel.NONE, null)) {
            gpu.copyFromHost();
            gpu.zeroGradients();
            float gpuLoss = gpu.forwardBackward(first, 1f);
            comparisons.add(Comparison.of("training_step", "loss", shape, new float[] {gpuLoss}, new float[] {cpuLoss}, loss));
            gpu.copyGradientsToHost();
            for (int i = 0; i < cpu.parameters().size(); i++) {
                Parameter reference = cpu.parameters().get(i);
                Parameter device = host.parameters().get(i);
                comparisons.add(Comparison.of("training_step", "grad " + reference.name(), shape, device.grad(), reference.grad(), gradient));
            }
            // a short run from the same weights on the same batches; the first update uses the step's gradients above
            for (int step = 1; step <= steps; step++) {
                double rate = 1e-3;
                if (step > 1) {
                    SequenceBatch next = batch(b, t, arch.vocabSize(), 11 + step);
                    cpu.zeroGrad();
                    cpuLoss = cpu.forwardBackward(next, 1f);
                    gpu.zeroGradients();
                    gpuLoss = gpu.forwardBackward(next, 1f);
                }
                AdamW.Update cpuUpdate = cpuOptimizer.update(rate);
                AdamW.Update gpuUpdate = gpu.update(rate);
                Map<String, Object> point = new LinkedHashMap<>();
                point.put("step", step);
                point.put("cpu_loss", cpuLoss);
                point.put("gpu_loss", gpuLoss);
                point.put("cpu_grad_norm", cpuUpdate.gradientNorm());
                point.put("gpu_grad_norm", gpuUpdate.gradientNorm());
                curve.add(point);
            }
            if (steps > 0) {
                gpu.copyToHost();
                Comparison last = null;
                double worst = -1;
                for (int i = 0; i < cpu.parameters().size(); i++) {
                    Comparison c = Comparison.of("after_" + steps + "_steps", "weights " + cpu.parameters().get(i).name(), shape,
                            host.parameters().get(i).data(), cpu.parameters().get(i).data(), low
                                    ? new Tolerance(5e-2, "bf16 gradients through " + steps + " AdamW steps")
                                    : new Tolerance(1e-3, "fp32 differences of 1e-4 in gradients, through " + steps
                                            + " AdamW steps (Adam divides by sqrt(v): small gradients amplify relative error)"));
                    if (c.maxRelError() > worst) {
                        worst = c.maxRelError();
                        last = c;
                    }
                }
                comparisons.add(last);
            }
        }
        return new Result(comparisons, curve);
    }

    public static void main(String[] args) throws IOException {
        TrainingDtype dtype = TrainingDtype.FLOAT32;
        int steps = 20;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dtype" -> dtype = args[++i].startsWith("b") ? TrainingDtype.BFLOAT16 : TrainingDtype.FLOAT32;
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: TrainingStepCheck [--dtype float32|bfloat16] [--steps N] [--out FILE]");
                    System.exit(2);
                }
            }
        }
        var gpu = org.trainbench.engine.cuda.CudaDriver.probe();
        if (!gpu.available()) {
            System.err.println("no usable GPU: " + gpu.reason());
            System.exit(2);
        }
        Result result = run(dtype, steps);
        result.comparisons().forEach(System.out::println);
        for (Map<String, Object> point : result.curve()) {
            System.out.printf(java.util.Locale.ROOT, "step %3d  loss cpu %.6f gpu %.6f   grad norm cpu %.6f gpu %.6f%n", point.get("step"),
                    point.get("cpu_loss"), point.get("gpu_loss"), point.get("cpu_grad_norm"), point.get("gpu_grad_norm"));
        }
        System.out.println(result.passed() ? "all within tolerance" : "SOME COMPARISONS FAILED");
        if (out != null) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("dtype", dtype.yamlName());
            json.put("comparisons", result.comparisons().stream().map(Comparison::toJson).toList());
            json.put("curve", result.curve());
            json.put("passed", result.passed());
            Files.writeString(out, Json.write(json), StandardCharsets.UTF_8);
        }
        System.exit(result.passed() ? 0 : 1);
    }
}
