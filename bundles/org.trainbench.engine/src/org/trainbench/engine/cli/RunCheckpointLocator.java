package org.trainbench.engine.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.trainbench.engine.tokenizer.Tokenizer;
import org.trainbench.engine.train.CheckpointModels;
import org.trainbench.engine.train.CheckpointModels.CheckpointModel;

/**
 * The {@code trainbench generate} locator for runs: an experiment directory (its newest checkpoint that verifies) or
 * one checkpoint directory ({@code EXPERIMENT/checkpoints/step-N}), loaded by {@link CheckpointModels} exactly as
 * {@code trainbench export} loads them, plus the tokenizer.json of the experiment directory when there is one
 * (otherwise prompts go in as ids) and the end-of-sequence ids of its generation_config.json (the demo writes both).
 */
final class RunCheckpointLocator {

    /** Where fallback remarks (a corrupt newest checkpoint) go; set by the command before locating. */
    static volatile Consumer<String> messages = System.err::println;

    private RunCheckpointLocator() {
    }

    static Optional<GenerateCommand.LoadedModel> locate(Path path) throws IOException {
        if (!CheckpointModels.recognizes(path)) {
            return Optional.empty();
        }
        CheckpointModel loaded = CheckpointModels.load(path, messages);
        Path experiment = loaded.experiment();
        Optional<Tokenizer> tokenizer = Files.isRegularFile(experiment.resolve("tokenizer.json"))
                ? Optional.of(Tokenizer.load(experiment)) : Optional.empty();
        List<Integer> stop = GenerateCommand.stopTokens(experiment).orElse(List.of());
        return Optional.of(new GenerateCommand.LoadedModel(loaded.model(), tokenizer, stop,
                "checkpoint " + loaded.checkpoint().directory(), loaded.positions()));
    }
}
