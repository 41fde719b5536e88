package org.trainbench.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainbench.engine.cli.CliRun.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.cli.CliRun;
import org.trainbench.engine.cli.ExitCodes;
import org.trainbench.engine.hf.HfLlamaConfig;
import org.trainbench.engine.hf.HfLlamaFormat;
import org.trainbench.engine.safetensors.SafetensorsDType;
import org.trainbench.engine.hf.SafetensorsDirectory;
import org.trainbench.engine.json.Json;
import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.train.demo.ChatVocabulary;

/**
 * What a run leaves behind for use outside the engine: a run started from {@code pretrained:} exports and generates
 * from its run directory, and every export (during training or by {@code trainbench export}) is the same, with the
 * run's tokenizer files, bos/eos and context length.
 */
class PretrainedRunOutputsTest {
    /** Not the schema's defaults (hidden 1024, 12 layers, vocabulary 49152), so a resolved config that forgot them shows. */
    private static final LlamaArchitecture PRETRAINED = LlamaArchitecture.llama(ChatVocabulary.SIZE, 16, 2, 2, 1, 32);
    private static final int CONTEXT = 64;

    @TempDir
    Path temp;

    /** A Hugging Face Llama directory with the demo's tokenizer, bos 1, eos 3 and a 64-position context. */
    private Path pretrainedModel() throws IOException {
        Path directory = temp.resolve("pretrained");
        HfLlamaFormat.export(LlamaModel.create(PRETRAINED, 7), directory, new HfLlamaFormat.ExportOptions(SafetensorsDType.F32,
                SafetensorsDirectory.DEFAULT_MAX_SHARD_BYTES, CONTEXT, ChatVocabulary.USER, List.of(ChatVocabulary.END), null));
        Files.writeString(directory.resolve("tokenizer.json"), Json.write(ChatVocabulary.tokenizerJson()));
        Files.writeString(directory.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"PreTrainedTokenizerFast\", \"eos_token\": \"<end>\"}\n");
        return directory;
    }

    /** Trains 2 steps from the pretrained model, with a checkpoint and an export at step 2. */
    private Path pretrainedRun() throws IOException {
        Path pretrained = pretrainedModel();
        Path data = TinyRuns.writeDataset(temp.resolve("data"), "training", 60, 3);
        Path config = temp.resolve("from-pretrained.yaml");
        Files.writeString(config, """
                training:
                  train_iters: 2
                  logs:
                    interval: 1
                  checkpoint:
                    interval: 2
                  export:
                    format: llama
                    interval: 2
                batch:
                  micro_batch_size: 2
                  sequence_length: 16
                  batch_size: 2
                data:
                  datasets:
                    training:
                      type: memmap
                      path: %s
                pretrained:
                  format: llama
                  path: %s
                run:
                  experiment_dir: %s
                """.formatted(data, pretrained, temp.resolve("run")));
        CliRun trained = cli("train", config.toString());
        assertEquals(ExitCodes.OK, trained.exitCode(), trained.err());
        return temp.resolve("run");
    }

    @Test
    void aRunFromPretrainedRecordsTheImportedArchitectureSoExportAndGenerateReadIt() throws Exception {
        Path run = pretrainedRun();
        String resolved = Files.readString(run.resolve(org.trainbench.engine.run.RunDirectory.RESOLVED_CONFIG));
        assertTrue(resolved.contains("hidden_size: 16") && resolved.contains("num_layers: 2") && resolved.contains("vocab_size: 48")
                && resolved.contains("ffn_hidden_size: 32") && resolved.contains("head_groups: 1"), resolved);
        assertEquals(PRETRAINED, TrainingPlans.from(TrainingConfigFile.read(run.resolve(org.trainbench.engine.run.RunDirectory.RESOLVED_CONFIG), List.of()).config(),
                null, note -> { }).architecture());

        Path output = temp.resolve("hf");
        CliRun exported = cli("export", run.toString(), "--output", output.toString());
        assertEquals(ExitCodes.OK, exported.exitCode(), exported.err());
        assertFalse(exported.err().contains("pretrained-architecture-mismatch"), exported.err());
        assertEquals(PRETRAINED, HfLlamaConfig.read(output).architecture());

        CliRun generated = cli("generate", run.toString(), "--prompt", "ab", "--max-new-tokens", "4", "--ids");
        assertEquals(ExitCodes.OK, generated.exitCode(), generated.err());
        assertFalse(generated.out().isBlank(), "the pretrained model's tokenizer encodes the text prompt");
    }

    @Test
    void theCliExportAndTheExportWrittenDuringTrainingAreTheSameFilesWithTheRunsTokenizerAndSpecialTokens() throws Exception {
        Path run = pretrainedRun();
        Path duringTraining = run.resolve("export/step-2");
        Path byCli = temp.resolve("hf");
        CliRun exported = cli("export", run.resolve("checkpoints/step-2").toString(), "--output", byCli.toString());
        assertEquals(ExitCodes.OK, exported.exitCode(), exported.err());

        assertEquals(files(duringTraining), files(byCli));
        for (String name : files(byCli).keySet()) {
            assertArrayEquals(Files.readAllBytes(duringTraining.resolve(name)), Files.readAllBytes(byCli.resolve(name)), name);
        }
        assertTrue(files(byCli).containsKey("tokenizer.json") && files(byCli).containsKey("tokenizer_config.json"), files(byCli).toString());
        HfLlamaConfig config = HfLlamaConfig.read(byCli);
        assertEquals(CONTEXT, config.maxPositionEmbeddings(), "the pretrained model's context length, not 2048");
        assertEquals(ChatVocabulary.USER, config.bosTokenId());
        assertEquals(List.of(ChatVocabulary.END), config.eosTokenIds());
        assertEquals(new HfLlamaConfig.GenerationTokens(ChatVocabulary.USER, List.of(ChatVocabulary.END)),
                HfLlamaConfig.readGenerationConfig(byCli).orElseThrow());
    }

    @Test
    void aRunsOwnTokenizerAndEosGoIntoItsExportWithTheTrainingSequenceLength() throws Exception {
        Path data = TinyRuns.writeDataset(temp.resolve("data"), "training", 60, 3);
        Path run = temp.resolve("run");
        ChatVocabulary.writeTokenizerFiles(run); // as the demo does: tokenizer.json, its config, generation_config.json with eos <end>
        Path config = TinyRuns.writeConfig(temp.resolve("tiny.yaml"), data.toString(), run);
        CliRun trained = cli("train", config.toString(), "--set", "training.train_iters=2", "--set", "model.base_model.vocab_size=48");
        assertEquals(ExitCodes.OK, trained.exitCode(), trained.err());

        Path output = temp.resolve("hf");
        CliRun exported = cli("export", run.toString(), "--output", output.toString());
        assertEquals(ExitCodes.OK, exported.exitCode(), exported.err());
        assertEquals(Files.readString(run.resolve("tokenizer.json")), Files.readString(output.resolve("tokenizer.json")));
        assertEquals(Files.readString(run.resolve("tokenizer_config.json")), Files.readString(output.resolve("tokenizer_config.json")));
        HfLlamaConfig exportedConfig = HfLlamaConfig.read(output);
        assertEquals(16, exportedConfig.maxPositionEmbeddings(), "batch.sequence_length, as the training export writes it");
        assertEquals(List.of(ChatVocabulary.END), exportedConfig.eosTokenIds());
        assertEquals(List.of(ChatVocabulary.END), HfLlamaConfig.readGenerationConfig(output).orElseThrow().eosTokenIds());
    }

    private static Map<String, Long> files(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return new java.util.TreeMap<>(entries.collect(java.util.stream.Collectors.toMap(p -> p.getFileName().toString(), p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            })));
        }
    }
}
