package org.trainbench.engine.train;

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

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.TestFixtures;
import org.trainbench.engine.cli.CliRun;
import org.trainbench.engine.cli.ExitCodes;
import org.trainbench.engine.data.MemmapDatasetWriter;
import org.trainbench.engine.data.TokenDataType;
import org.trainbench.engine.files.FileTree;
import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.train.checkpoint.CheckpointStore;
import org.trainbench.engine.train.optim.AdamW;

/**
 * Corrupt and wrong inputs, as a new user hands them over: every command answers with a message that names the file
 * (and the fault), a documented exit code, no Java stack trace, and deletes or changes none of the inputs.
 */
class CorruptInputsTest {
    @TempDir
    Path temp;

    /** One probe: what to break, the command to run, the exit code and what the message must name. */
    record Probe(String name, Setup setup, int exitCode, List<String> mentions) {
        @Override
        public String toString() {
            return name;
        }
    }

    @FunctionalInterface
    interface Setup {
        /** Breaks something under {@code temp}; returns the command line, with {@code @} for the temp folder. */
        String[] apply(Path temp) throws IOException;
    }

    static final byte[] BINARY = {'{', '"', 'a', (byte) 0xff, (byte) 0xfe, 0, 1, 2, '"', '}'};

    static Stream<Probe> probes() {
        return Stream.of(
                new Probe("binary training config", t -> {
                    Files.write(t.resolve("config.yaml"), BINARY);
                    return new String[] {"train", "@/config.yaml"};
                }, ExitCodes.USAGE, List.of("not UTF-8 text at byte 3 of", "config.yaml")),
                new Probe("binary config given to validate", t -> {
                    Files.write(t.resolve("config.yaml"), BINARY);
                    return new String[] {"validate", "@/config.yaml"};
                }, ExitCodes.USAGE, List.of("config.yaml: not UTF-8 text at byte 3 ", "save the config as UTF-8")),
                new Probe("binary tokenizer.json", t -> {
                    Files.write(Files.createDirectories(t.resolve("tok")).resolve("tokenizer.json"), BINARY);
                    return new String[] {"tokenize", "@/tok", "--text", "hi"};
                }, ExitCodes.USAGE, List.of("not UTF-8 text at byte 3 of", "tokenizer.json")),
                new Probe("binary config.json of a Hugging Face directory", t -> {
                    Path hf = copyTinyLlama(t);
                    Files.write(hf.resolve("config.json"), BINARY);
                    return new String[] {"generate", "@/hf", "--prompt-ids", "1,2"};
                }, ExitCodes.USAGE, List.of("not UTF-8 text at byte 3 of", "config.json")),
                new Probe("config.json with vocab_size 1e12", t -> {
                    Path hf = copyTinyLlama(t);
                    Files.writeString(hf.resolve("config.json"), Files.readString(hf.resolve("config.json"))
                            .replaceFirst("\"vocab_size\": *\\d+", "\"vocab_size\": 1e12"));
                    return new String[] {"generate", "@/hf", "--prompt-ids", "1,2"};
                }, ExitCodes.USAGE, List.of("config.json", "vocab_size", "1.0E12")),
                new Probe("config.json with vocab_size 4294967344 (48 after narrowing)", t -> {
                    Path hf = copyTinyLlama(t);
                    Files.writeString(hf.resolve("config.json"), Files.readString(hf.resolve("config.json"))
                            .replaceFirst("\"vocab_size\": *\\d+", "\"vocab_size\": 4294967344"));
                    return new String[] {"generate", "@/hf", "--prompt-ids", "1,2"};
                }, ExitCodes.USAGE, List.of("config.json", "vocab_size", "4294967344")),
                new Probe("tokenizer.json with a negative id", t -> {
                    Files.writeString(Files.createDirectories(t.resolve("tok")).resolve("tokenizer.json"),
                            "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"h\": 0, \"i\": -7}, \"merges\": []}}");
                    return new String[] {"tokenize", "@/tok", "--text", "hi"};
                }, ExitCodes.USAGE, List.of("tokenizer.json", "-7")),
                new Probe("config.resolved.yaml that no longer matches the checkpoint (generate)", t -> {
                    Path run = trainedRun(t);
                    Path resolved = run.resolve("config.resolved.yaml");
                    Files.writeString(resolved, Files.readString(resolved).replace("ffn_hidden_size: 32", "ffn_hidden_size: 48"));
                    return new String[] {"generate", "@/run", "--prompt-ids", "1,2"};
                }, ExitCodes.FAILED, List.of("model.safetensors", "config.resolved.yaml")),
                new Probe("config.resolved.yaml that no longer matches the checkpoint (export)", t -> {
                    Path run = trainedRun(t);
                    Path resolved = run.resolve("config.resolved.yaml");
                    Files.writeString(resolved, Files.readString(resolved).replace("ffn_hidden_size: 32", "ffn_hidden_size: 48"));
                    return new String[] {"export", "@/run", "--output", "@/hf"};
                }, ExitCodes.FAILED, List.of("model.safetensors", "config.resolved.yaml")),
                new Probe("checkpoint whose manifest matches a wrongly shaped tensor", t -> {
                    Path run = trainedRun(t);
                    LlamaModel other = LlamaModel.create(LlamaArchitecture.llama(TinyRuns.VOCAB, 16, 2, 2, 1, 40), 1);
                    new CheckpointStore(run.resolve("checkpoints"), 0, m -> { }).save(8, other.parameters(),
                            new AdamW(new AdamW.Settings(0.9, 0.95, 1e-8, 0.1, 1.0), other.parameters()), Map.of("step", 8L));
                    return new String[] {"generate", "@/run", "--prompt-ids", "1,2"};
                }, ExitCodes.FAILED, List.of("step-8", "model.safetensors", "shape")),
                new Probe("garbage dataset YAML", t -> {
                    Files.writeString(t.resolve("fast_llm_config_training.yaml"), "path: [unclosed\n  : : :\n");
                    return new String[] {"train", config(t, "type: file\n      path: " + t.resolve("fast_llm_config_training.yaml"))};
                }, ExitCodes.USAGE, List.of("fast_llm_config_training.yaml")),
                new Probe("dataset YAML that is a plain sentence", t -> {
                    Files.writeString(t.resolve("fast_llm_config_training.yaml"), "hello there, not a config\n");
                    return new String[] {"train", config(t, "type: file\n      path: " + t.resolve("fast_llm_config_training.yaml"))};
                }, ExitCodes.USAGE, List.of("fast_llm_config_training.yaml")),
                new Probe("binary dataset YAML", t -> {
                    Files.write(t.resolve("fast_llm_config_training.yaml"), BINARY);
                    return new String[] {"train", config(t, "type: file\n      path: " + t.resolve("fast_llm_config_training.yaml"))};
                }, ExitCodes.USAGE, List.of("fast_llm_config_training.yaml", "not UTF-8 text at byte 3")),
                new Probe("deleted .bin of a dataset", t -> {
                    Path prefix = TinyRuns.writeDataset(t.resolve("data"), "training", 60, 3);
                    Files.delete(Path.of(prefix + ".bin"));
                    return new String[] {"train", config(t, "type: memmap\n      path: " + prefix)};
                }, ExitCodes.USAGE, List.of("training.bin", "training.idx", "config.yaml")),
                new Probe("token id beyond the vocabulary in a .bin", t -> {
                    Path prefix = t.resolve("data/training");
                    Files.createDirectories(prefix.getParent());
                    try (MemmapDatasetWriter writer = MemmapDatasetWriter.create(prefix, TokenDataType.UINT16, false)) {
                        for (int d = 0; d < 40; d++) {
                            writer.add(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 900}, null);
                        }
                        writer.commit();
                    }
                    return new String[] {"train", config(t, "type: memmap\n      path: " + prefix)};
                }, ExitCodes.FAILED, List.of("training.bin", "900", "vocab_size")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("probes")
    void namesTheFileAndTheFaultWithoutAStackTraceAndDeletesNothing(Probe probe) throws IOException {
        String[] args = probe.setup().apply(temp);
        for (int i = 0; i < args.length; i++) {
            args[i] = args[i].replace("@", temp.toString());
        }
        Map<String, String> before = FileTree.snapshot(temp);
        CliRun run = cli(args);
        String where = probe.name() + "\nstdout: " + run.out() + "\nstderr: " + run.err();
        assertFalse(run.printedStackTrace(), where);
        assertEquals(probe.exitCode(), run.exitCode(), where);
        for (String mention : probe.mentions()) {
            assertTrue(run.err().contains(mention), "the message names " + mention + ": " + where);
        }
        Map<String, String> after = FileTree.snapshot(temp);
        before.forEach((file, content) -> {
            if (!file.endsWith("metrics.jsonl") && !file.endsWith("train.log")) {
                assertEquals(content, after.get(file), file + " was deleted or changed: " + where);
            }
        });
    }

    private static Path copyTinyLlama(Path temp) throws IOException {
        Path hf = Files.createDirectories(temp.resolve("hf"));
        try (Stream<Path> files = Files.list(TestFixtures.path("hf-tiny-llama/model"))) {
            for (Path file : files.toList()) {
                Files.copy(file, hf.resolve(file.getFileName()));
            }
        }
        return hf;
    }

    private static Path trainedRun(Path temp) throws IOException {
        Path data = temp.resolve("data");
        TinyRuns.writeDataset(data, "training", 60, 3);
        Path file = TinyRuns.writeConfig(temp.resolve("tiny.yaml"), data.resolve("training").toString(), temp.resolve("run"));
        CliRun trained = cli("train", file.toString(), "--set", "training.train_iters=2");
        assertEquals(ExitCodes.OK, trained.exitCode(), trained.err());
        return temp.resolve("run");
    }

    /** The tiny config with its training dataset replaced by {@code dataset} (the lines under data.datasets.training). */
    private static String config(Path temp, String dataset) throws IOException {
        Path file = TinyRuns.writeConfig(temp.resolve("config.yaml"), "PLACEHOLDER", temp.resolve("run"));
        Files.writeString(file, Files.readString(file).replace("type: memmap\n      path: PLACEHOLDER", dataset));
        return file.toString();
    }
}
