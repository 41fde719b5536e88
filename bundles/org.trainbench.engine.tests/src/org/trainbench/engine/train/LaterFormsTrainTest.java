package org.trainbench.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainbench.engine.cli.CliRun.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.cli.CliRun;
import org.trainbench.engine.cli.ExitCodes;

/** `trainbench train` on configs in Fast-LLM 0.4's form: blended memmaps, and the random dataset. */
class LaterFormsTrainTest {
    @TempDir
    Path temp;

    /** A tiny Llama in 0.4's form; {@code datasets} is the YAML of data.datasets' entries, indented by 4. */
    private Path config(String datasets) throws IOException {
        Path file = temp.resolve("tiny-v0.4.yaml");
        Files.writeString(file, """
                training:
                  train_iters: 4
                  logs:
                    interval: 2
                schedule:
                  depth_first_micro_batches: 2
                data:
                  micro_batch_size: 16
                  datasets:
                %s
                optimizer:
                  learning_rate:
                    base: 1.0e-02
                model:
                  base_model:
                    hidden_size: 16
                    tied_embedding_weight: true
                    embeddings:
                      vocab_size: 24
                    decoder:
                      num_blocks: 1
                      block:
                        mixer: {heads: 2, head_groups: 2, head_size: 8, add_linear_biases: false, rotary: {type: default}}
                        mlp: {intermediate_size: 32, gated: true, add_linear_biases: false}
                        normalization: {type: rms_norm}
                    head:
                      normalization: {type: rms_norm}
                run:
                  experiment_dir: %s
                """.formatted(datasets, temp.resolve("run")));
        return file;
    }

    @Test
    void aBlendOfTwoMemmapsTrainsInTheLaterForm() throws IOException {
        Path data = temp.resolve("data");
        TinyRuns.writeDataset(data, "a", 40, 3);
        TinyRuns.writeDataset(data, "b", 40, 4);
        Path file = config("""
                    training:
                      type: blended
                      datasets:
                        - {type: memmap, path: %s}
                        - {type: memmap, path: %s}
                      weights: [3, 1]
                """.formatted(data.resolve("a"), data.resolve("b")));
        CliRun run = cli("train", file.toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertSteps(2L, 4L);
        String resolved = Files.readString(temp.resolve("run").resolve("config.resolved.yaml"));
        assertTrue(resolved.contains("  sequence_length: 16\n"), resolved);
        assertTrue(resolved.contains("  batch_size: 2\n"), resolved);
        assertTrue(resolved.contains("  cross_document_attention: false\n"), resolved);
        assertTrue(resolved.contains("    kv_channels: 8\n"), resolved);
        assertTrue(resolved.contains("  tie_word_embeddings: true\n"), resolved);
    }

    @Test
    void theRandomDatasetTrainsWithoutFiles() throws IOException {
        CliRun run = cli("train", config("""
                    training:
                      type: random
                """).toString());
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertSteps(2L, 4L);
    }

    private void assertSteps(Long... steps) throws IOException {
        List<Map<String, Object>> lines = TinyRuns.metrics(temp.resolve("run"));
        assertEquals(List.of(steps), TinyRuns.ofType(lines, "train").stream().map(l -> l.get("step")).toList());
    }
}
