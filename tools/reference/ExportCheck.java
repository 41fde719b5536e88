import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.trainbench.engine.data.Json;
import org.trainbench.engine.hf.HfLlamaFormat;
import org.trainbench.engine.safetensors.SafetensorsDType;
import org.trainbench.engine.hf.SafetensorsDirectory;
import org.trainbench.engine.safetensors.SafetensorsWriter;
import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.model.LlamaModel;

/**
 * Writes Hugging Face exports made by the engine, plus what the engine computes on them, for check_export.py to
 * compare with transformers on the GPU machine:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp ENGINE_CLASSES:TOOL_CLASSES ExportCheck FIXTURE_MODEL_DIR OUT_DIR
 * </pre>
 * Each export directory gets {@code check.json} (tokens, prompt, the engine's greedy continuation) and
 * {@code check_logits.safetensors} (the engine's fp32 logits of the tokens, computed after re-importing the export).
 */
public final class ExportCheck {
    public static void main(String[] args) throws Exception {
        Path fixture = Path.of(args[0]);
        Path out = Path.of(args[1]);
        LlamaModel imported = HfLlamaFormat.load(fixture);
        HfLlamaFormat.ExportOptions f32 = new HfLlamaFormat.ExportOptions(SafetensorsDType.F32,
                SafetensorsDirectory.DEFAULT_MAX_SHARD_BYTES, 131072, 1, List.of(2), null);
        write(imported, out.resolve("fixture-f32"), f32);
        write(imported, out.resolve("fixture-bf16"), f32.withDtype(SafetensorsDType.BF16));
        // Built here: tied embeddings, biases on every linear layer, head_dim not hidden/heads, default rope, sharded.
        LlamaArchitecture arch = new LlamaArchitecture(300, 48, 3, 6, 2, 12, 100, true, LlamaArchitecture.Activation.SILU,
                true, 1e-6, true, LlamaArchitecture.Rotary.defaultScaling(10000), 0.3);
        LlamaModel created = LlamaModel.create(arch, 5);
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        created.parameters().forEach(p -> {
            if (p.name().endsWith("bias") || p.name().endsWith("norm.weight")) {
                for (int i = 0; i < p.size(); i++) {
                    p.data()[i] += (float) (0.3 * (r.nextDouble() - 0.5));
                }
            }
        });
        write(created, out.resolve("created-tied-bias-sharded"), f32.withMaxShardBytes(60_000));
        System.out.println("exports written to " + out);
    }

    private static void write(LlamaModel model, Path dir, HfLlamaFormat.ExportOptions options) throws Exception {
        HfLlamaFormat.export(model, dir, options);
        LlamaModel again = HfLlamaFormat.load(dir);
        int vocab = again.architecture().vocabSize();
        int[] tokens = new int[24];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (i * 37 + 11) % vocab;
        }
        float[] logits = again.logits(tokens);
        SafetensorsWriter.write(dir.resolve("check_logits.safetensors"),
                List.of(new SafetensorsWriter.NamedTensor("logits", new int[] {tokens.length, vocab}, logits)),
                SafetensorsDType.F32, Map.of("format", "pt"));
        int[] prompt = java.util.Arrays.copyOf(tokens, 6);
        int[] greedy = again.generate(prompt, 10, 0f, 0L);
        Files.writeString(dir.resolve("check.json"), Json.write(Map.of("tokens", tokens, "prompt", prompt, "greedy", greedy)));
        System.out.println(dir.getFileName() + ": " + again.architecture().parameterCount() + " parameters, files "
                + Files.list(dir).map(p -> p.getFileName().toString()).sorted().toList());
    }
}
