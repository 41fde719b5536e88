package org.trainbench.engine.cuda.check;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.trainbench.engine.config.training.MlpRecomputeLevel;
import org.trainbench.engine.config.training.TrainingDtype;
import org.trainbench.engine.cuda.train.CudaBackend;
import org.trainbench.engine.hf.HfLlamaFormat;
import org.trainbench.engine.json.Json;
import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.model.SequenceBatch;
import org.trainbench.engine.train.optim.AdamW;

/**
 * Logits of a Hugging Face Llama directory on the CPU engine and on the GPU (float32 and bfloat16), written as raw
 * little-endian float32 files (rows = sequence * T + position, V columns) for {@code tools/reference/compare_logits.py}
 * to hold against transformers' logits from {@code tools/reference/hf_logits_fixture.py}.
 *
 * <pre>
 * java ... org.trainbench.engine.cuda.check.HfLogitsCheck FIXTURE_DIR OUT_PREFIX
 *   reads FIXTURE_DIR/model (config.json + safetensors) and FIXTURE_DIR/tokens.json;
 *   writes OUT_PREFIX-cpu.f32, OUT_PREFIX-cuda-float32.f32, OUT_PREFIX-cuda-bfloat16.f32
 * </pre>
 */
public final class HfLogitsCheck {
    private HfLogitsCheck() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: HfLogitsCheck FIXTURE_DIR OUT_PREFIX");
            System.exit(2);
        }
        Path fixture = Path.of(args[0]);
        String prefix = args[1];
        LlamaModel model = HfLlamaFormat.load(fixture.resolve("model"));
        Map<String, Object> tokens = Json.parseObject(Files.readString(fixture.resolve("tokens.json"), StandardCharsets.UTF_8),
                "tokens.json");
        List<?> sequences = (List<?>) tokens.get("sequences");
        int[][] ids = new int[sequences.size()][];
        for (int s = 0; s < ids.length; s++) {
            ids[s] = ((List<?>) sequences.get(s)).stream().mapToInt(v -> ((Number) v).intValue()).toArray();
        }
        // every position of each sequence is an input (logits at all 64 positions); targets are not used
        int t = ids[0].length;
        int[][] positions = new int[ids.length][t];
        boolean[][] counted = new boolean[ids.length][t];
        for (int s = 0; s < ids.length; s++) {
            for (int i = 0; i < t; i++) {
                positions[s][i] = i;
                counted[s][i] = true;
            }
        }
        SequenceBatch batch = new SequenceBatch(ids, ids, positions, new int[ids.length][t], counted);
        write(Path.of(prefix + "-cpu.f32"), model.logits(batch));
        for (TrainingDtype dtype : List.of(TrainingDtype.FLOAT32, TrainingDtype.BFLOAT16)) {
            AdamW optimizer = new AdamW(AdamW.Settings.fastLlmDefaults(), model.parameters());
            try (CudaBackend gpu = CudaBackend.open(model, optimizer, dtype, batch.batchSize(), batch.sequenceLength(), MlpRecomputeLevel.NONE, null)) {
                gpu.copyFromHost();
                write(Path.of(prefix + "-cuda-" + dtype.yamlName() + ".f32"), gpu.logits(batch));
            }
        }
        System.out.println("logits written to " + prefix + "-{cpu,cuda-float32,cuda-bfloat16}.f32");
    }

    private static void write(Path file, float[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        Files.write(file, bytes.array());
    }
}
