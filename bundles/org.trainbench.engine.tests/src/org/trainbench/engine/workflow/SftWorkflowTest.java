package org.trainbench.engine.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainbench.engine.cli.CliRun.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.TestFixtures;
import org.trainbench.engine.cli.ExitCodes;
import org.trainbench.engine.cli.CliRun;
import org.trainbench.engine.data.DatasetConfigFile;
import org.trainbench.engine.data.DocumentDataset;
import org.trainbench.engine.json.Json;
import org.trainbench.engine.tokenizer.Tokenizer;

/**
 * The SFT guide's workflow end to end through the command line: chat conversations in JSON Lines, `trainbench
 * prepare` with the tokenizer's chat template into Fast-LLM's memmap format with loss-masking spans, then `trainbench
 * train` on that output with loss masking on, no cross-document attention and no document truncation.
 */
class SftWorkflowTest {
    @TempDir
    Path dir;

    private Path tokenizerDirectory() throws IOException {
        Path tokenizer = dir.resolve("tokenizer");
        Files.createDirectories(tokenizer);
        Files.copy(TestFixtures.path("tokenizer/llama3.tokenizer.json"), tokenizer.resolve("tokenizer.json"));
        Map<?, ?> chat = (Map<?, ?>) Json.parse(Files.readString(TestFixtures.path("tokenizer/chat_templates.json")));
        String template = (String) ((Map<?, ?>) chat.get("templates")).get("llama3");
        Files.writeString(tokenizer.resolve("tokenizer_config.json"), "{\"bos_token\": \"<|begin_of_text|>\", "
                + "\"eos_token\": \"<|eot_id|>\", \"chat_template\": " + Json.write(template) + "}");
        return tokenizer;
    }

    private Path conversations(int count) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int a = i % 7;
            int b = (i * 3) % 5;
            lines.add(Json.write(Map.of("conversations", List.of(
                    Map.of("from", "human", "value", "What is " + a + " plus " + b + "?"),
                    Map.of("from", "gpt", "value", "It is " + (a + b) + ".")))));
        }
        Path file = dir.resolve("chat.jsonl");
        Files.write(file, lines);
        return file;
    }

    @Test
    void preparedChatDatasetTrainsWithLossMaskingAndPerDocumentAttention() throws IOException {
        Path tokenizer = tokenizerDirectory();
        Path prepareConfig = dir.resolve("prepare.yaml");
        Files.writeString(prepareConfig, """
                output_path: %s
                tokenize_workers: 2
                dataset:
                  path: %s
                  split: train
                  field: conversations
                tokenizer:
                  path: %s
                splits:
                  training: 0.9
                  validation: 0.1
                """.formatted(dir.resolve("tokenized"), conversations(60), tokenizer));
        CliRun prepared = cli("prepare", prepareConfig.toString(), "--quiet");
        assertEquals(ExitCodes.OK, prepared.exitCode(), prepared.err());

        Path trainingSplit = dir.resolve("tokenized/fast_llm_config_training.yaml");
        int trainingDocuments;
        try (DocumentDataset training = DatasetConfigFile.read(trainingSplit).open()) {
            trainingDocuments = training.documentCount();
            assertTrue(training.spans(0).length > 0, "the user turn and the template are masked");
        }
        try (DocumentDataset validation = DatasetConfigFile.read(dir.resolve("tokenized/fast_llm_config_validation.yaml")).open()) {
            assertEquals(60, trainingDocuments + validation.documentCount());
        }

        int vocabulary = Tokenizer.load(tokenizer).vocabularySize();
        Path trainConfig = dir.resolve("sft.yaml");
        Files.writeString(trainConfig, """
                training:
                  train_iters: 4
                  logs:
                    interval: 1
                  evaluators:
                    validation:
                      interval: 2
                      evaluator:
                        type: loss
                        iterations: 1
                        dataset_name: validation
                batch:
                  micro_batch_size: 2
                  sequence_length: 64
                  batch_size: 4
                  cross_document_attention: no
                data:
                  datasets:
                    training:
                      type: file
                      path: %s
                    validation:
                      type: file
                      path: %s
                  truncate_documents: no
                  sampling:
                    use_loss_masking_spans: yes
                optimizer:
                  learning_rate:
                    base: 1.0e-03
                    warmup_iterations: 1
                model:
                  base_model:
                    vocab_size: %d
                    transformer:
                      num_layers: 1
                      hidden_size: 32
                      num_attention_heads: 4
                      head_groups: 2
                      ffn_hidden_size: 64
                      gated: true
                      add_linear_biases: false
                      normalization:
                        type: rms_norm
                      rotary:
                        type: default
                run:
                  experiment_dir: %s
                """.formatted(trainingSplit, dir.resolve("tokenized/fast_llm_config_validation.yaml"), vocabulary,
                dir.resolve("run")));
        CliRun trained = cli("train", trainConfig.toString());
        assertEquals(ExitCodes.OK, trained.exitCode(), trained.err());

        List<Map<String, Object>> lines = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("run/metrics.jsonl"))) {
            lines.add((Map<String, Object>) Json.parse(line));
        }
        List<Double> losses = lines.stream().filter(l -> "train".equals(l.get("type")))
                .map(l -> ((Number) l.get("loss")).doubleValue()).toList();
        assertEquals(4, losses.size());
        // A freshly initialized model predicts nearly uniformly over the tokenizer's vocabulary.
        assertEquals(Math.log(vocabulary), losses.getFirst(), 0.5, "first loss " + losses);
        assertTrue(losses.stream().allMatch(Double::isFinite), losses.toString());
        assertFalse(lines.stream().filter(l -> "validation".equals(l.get("type"))).toList().isEmpty(),
                "validation on the prepared validation split");
        Map<String, Object> started = lines.getFirst();
        Map<?, ?> datasets = (Map<?, ?>) started.get("datasets");
        assertEquals(0L, ((Map<?, ?>) datasets.get("training")).get("skipped_documents"),
                "every short conversation fits a 64-token sequence untruncated");
    }
}
