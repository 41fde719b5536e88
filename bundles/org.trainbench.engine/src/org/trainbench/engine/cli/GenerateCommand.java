package org.trainbench.engine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.trainbench.engine.files.TextFiles;
import org.trainbench.engine.hf.HfLlamaConfig;
import org.trainbench.engine.hf.HfLlamaFormat;
import org.trainbench.engine.json.Json;
import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.run.RunDirectory;
import org.trainbench.engine.run.StepDirectory;
import org.trainbench.engine.tokenizer.Tokenizer;
import org.trainbench.engine.tokenizer.TokenizerFormatException;
import org.trainbench.engine.train.PositionLimit;
import org.trainbench.engine.train.checkpoint.CheckpointStore;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trainbench generate PATH --prompt TEXT}: samples a continuation on the CPU in fp32 and prints only the
 * continuation. Greedy by default (temperature 0), which reproduces transformers' {@code generate(do_sample=False)}.
 *
 * <p>PATH is resolved by the {@link ModelLocator}s in {@link #LOCATORS}, first match wins: a Hugging Face Llama
 * directory (config.json, safetensors, tokenizer.json for text prompts), or a run's experiment directory or one of
 * its checkpoints ({@link RunCheckpointLocator}: architecture from the run's resolved config, weights from the
 * checkpoint's model.safetensors).
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Sample text from a checkpoint, an experiment directory or a Hugging Face Llama directory.")
public final class GenerateCommand implements Callable<Integer> {

    /**
     * A model ready to sample from, with what is needed to encode prompts and stop, and the positions it is made for
     * (a prompt plus the tokens to generate must fit in them).
     */
    public record LoadedModel(LlamaModel model, Optional<Tokenizer> tokenizer, List<Integer> stopTokens, String description,
            PositionLimit positions) {
    }

    /** Recognizes one kind of PATH and loads the model behind it. */
    @FunctionalInterface
    public interface ModelLocator {
        /** Empty when PATH is not of this locator's kind; an exception naming the file when it is but is broken. */
        Optional<LoadedModel> locate(Path path) throws IOException;
    }

    /** Tried in order. Experiment directories and checkpoints: add their locator here. */
    static final List<ModelLocator> LOCATORS = List.of(GenerateCommand::huggingFaceDirectory, RunCheckpointLocator::locate);

    @Parameters(index = "0", paramLabel = "PATH",
            description = "A Hugging Face Llama directory (config.json, *.safetensors, tokenizer.json), an experiment directory "
                    + "(its newest complete checkpoint) or a checkpoint directory (EXPERIMENT/checkpoints/step-N).")
    Path path;

    static final class Prompt {
        @Option(names = "--prompt", paramLabel = "TEXT", description = "Prompt text, encoded with the model's tokenizer.json (BOS added as the tokenizer does).")
        String text;

        @Option(names = "--prompt-ids", paramLabel = "IDS", split = ",", description = "Prompt as token ids, e.g. 1,2,3 (no tokenizer needed).")
        int[] ids;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Prompt prompt;

    @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "64", description = "Most tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0", description = "0 = greedy (default); above 0, softmax sampling at that temperature.")
    float temperature;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the sampler (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--ids", description = "Print the generated token ids (space separated) instead of text.")
    boolean printIds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (maxNewTokens < 0) {
            err.println("trainbench generate: --max-new-tokens must be >= 0, got " + maxNewTokens);
            return ExitCodes.USAGE;
        }
        if (!Float.isFinite(temperature) || temperature < 0) {
            err.println("trainbench generate: --temperature must be a number >= 0 (0 = greedy), got " + temperature);
            return ExitCodes.USAGE;
        }
        if (!Files.exists(path)) {
            err.println("trainbench generate: " + path + " does not exist; expected a Hugging Face Llama directory, an experiment "
                    + "directory or a checkpoint directory");
            return ExitCodes.USAGE;
        }
        LoadedModel loaded;
        RunCheckpointLocator.messages = err::println;
        try {
            loaded = locate(path);
        } catch (TokenizerFormatException | IllegalArgumentException e) {
            err.println("trainbench generate: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (IOException e) {
            err.println("trainbench generate: cannot read " + path + ": " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (loaded == null) {
            err.println("trainbench generate: " + path + " is not a Hugging Face Llama directory (config.json with "
                    + "model.safetensors or model.safetensors.index.json), not an experiment directory (" + RunDirectory.RESOLVED_CONFIG
                    + " and " + RunDirectory.CHECKPOINTS + "/ with a complete checkpoint) and not a checkpoint directory ("
                    + RunDirectory.CHECKPOINTS + "/" + StepDirectory.TEMPLATE + " with " + CheckpointStore.MANIFEST_FILE + ")");
            return ExitCodes.USAGE;
        }
        int[] ids;
        if (prompt.ids != null) {
            ids = prompt.ids;
        } else if (loaded.tokenizer().isPresent()) {
            ids = loaded.tokenizer().get().encode(prompt.text, true).ids();
        } else {
            err.println("trainbench generate: " + path + " has no tokenizer.json, so --prompt TEXT cannot be encoded;"
                    + " copy the tokenizer files next to the weights or pass --prompt-ids");
            return ExitCodes.USAGE;
        }
        int vocab = loaded.model().architecture().vocabSize();
        if (ids.length == 0) {
            err.println("trainbench generate: the prompt encodes to no tokens; give a non-empty prompt");
            return ExitCodes.USAGE;
        }
        for (int id : ids) {
            if (id < 0 || id >= vocab) {
                err.println("trainbench generate: prompt token id " + id + " is outside the model's vocabulary 0.." + (vocab - 1));
                return ExitCodes.USAGE;
            }
        }
        PositionLimit limit = loaded.positions();
        if (ids.length > limit.positions()) {
            err.println("trainbench generate: the prompt has " + ids.length + " tokens, more than the model's "
                    + limit.positions() + " positions (" + limit.source() + "); shorten the prompt");
            return ExitCodes.USAGE;
        }
        if ((long) ids.length + maxNewTokens > limit.positions()) {
            err.println("trainbench generate: --max-new-tokens " + maxNewTokens + " after a prompt of " + ids.length
                    + " tokens runs past the model's " + limit.positions() + " positions (" + limit.source()
                    + "); pass --max-new-tokens " + (limit.positions() - ids.length) + " or less");
            return ExitCodes.USAGE;
        }
        int[] stop = loaded.stopTokens().stream().mapToInt(Integer::intValue).toArray();
        int[] generated = loaded.model().generate(ids, maxNewTokens, temperature, seed, stop);
        if (printIds || loaded.tokenizer().isEmpty()) {
            StringBuilder line = new StringBuilder();
            for (int id : generated) {
                line.append(line.isEmpty() ? "" : " ").append(id);
            }
            out.println(line);
        } else {
            out.println(loaded.tokenizer().get().decode(generated, true));
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** The first locator's answer, or null when none recognizes PATH. */
    static LoadedModel locate(Path path) throws IOException {
        for (ModelLocator locator : LOCATORS) {
            Optional<LoadedModel> found = locator.locate(path);
            if (found.isPresent()) {
                return found.get();
            }
        }
        return null;
    }

    /** A Hugging Face Llama directory; stops at generation_config.json's eos_token_id, else config.json's. */
    static Optional<LoadedModel> huggingFaceDirectory(Path path) throws IOException {
        if (!Files.isDirectory(path) || !Files.isRegularFile(path.resolve(HfLlamaConfig.FILE))) {
            return Optional.empty();
        }
        HfLlamaConfig config = HfLlamaConfig.read(path);
        LlamaModel model = HfLlamaFormat.load(path);
        Optional<Tokenizer> tokenizer = Files.isRegularFile(path.resolve("tokenizer.json"))
                ? Optional.of(Tokenizer.load(path)) : Optional.empty();
        List<Integer> stop = stopTokens(path).orElse(config.eosTokenIds());
        return Optional.of(new LoadedModel(model, tokenizer, stop, "Hugging Face Llama " + path,
                new PositionLimit(config.maxPositionEmbeddings(), "max_position_embeddings of " + path.resolve(HfLlamaConfig.FILE))));
    }

    /** The eos_token_id (one id or a list) of DIRECTORY/generation_config.json; empty when there is none. */
    static Optional<List<Integer>> stopTokens(Path directory) throws IOException {
        return HfLlamaConfig.readGenerationConfig(directory).map(HfLlamaConfig.GenerationTokens::eosTokenIds).filter(ids -> !ids.isEmpty());
    }
}
