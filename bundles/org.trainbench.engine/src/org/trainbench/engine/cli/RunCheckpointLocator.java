package org.trainbench.engine.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.trainbench.engine.tokenizer.Tokenizer;
import org.trainbench.engine.train.CheckpointModels;
import org.trainbench.engine.train.CheckpointModels.CheckpointModel;
import org.trainbench.engine.train.RunTokenizer;

/**
 * The {@code trainbench generate} locator for runs: an experiment directory (its newest checkpoint that verifies) or
 * one checkpoint directory ({@code EXPERIMENT/checkpoints/step-N}), loaded by {@link CheckpointModels} exactly as
 * {@code trainbench export} loads them, with the run's tokenizer and end-of-sequence ids ({@link RunTokenizer}: the
 * experiment directory's, else the pretrained model's; without a tokenizer, prompts go in as ids).
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
        RunTokenizer runTokenizer = RunTokenizer.of(loaded.plan(), loaded.experiment());
        Optional<Tokenizer> tokenizer = runTokenizer.tokenizerDirectory() == null ? Optional.empty()
                : Optional.of(Tokenizer.load(runTokenizer.tokenizerDirectory()));
        List<Integer> stop = runTokenizer.eosTokenIds();
        return Optional.of(new GenerateCommand.LoadedModel(loaded.model(), tokenizer, stop,
                "checkpoint " + loaded.checkpoint().directory(), loaded.positions()));
    }
}
