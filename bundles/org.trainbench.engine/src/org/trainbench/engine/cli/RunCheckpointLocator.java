package org.trainbench.engine.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.tokenizer.Tokenizer;
import org.trainbench.engine.train.TrainingConfigFile;
import org.trainbench.engine.train.TrainingPlans;
import org.trainbench.engine.train.checkpoint.CheckpointStore;
import org.trainbench.engine.train.checkpoint.CheckpointStore.Checkpoint;

/**
 * Finds a model for {@code trainbench generate} in a run's experiment directory (its newest checkpoint that verifies)
 * or in one checkpoint directory ({@code EXPERIMENT/checkpoints/step-N}). The architecture comes from the run's
 * config.resolved.yaml, bound as {@code trainbench train} binds it; the weights from the checkpoint's model file; the
 * tokenizer from a tokenizer.json in the experiment directory when there is one (otherwise prompts go in as ids).
 */
final class RunCheckpointLocator {
    static final String RESOLVED_CONFIG = "config.resolved.yaml";

    /** Where fallback remarks (a corrupt newest checkpoint) go; set by the command before locating. */
    static volatile Consumer<String> messages = System.err::println;

    private RunCheckpointLocator() {
    }

    static Optional<GenerateCommand.LoadedModel> locate(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            return Optional.empty();
        }
        Path absolute = path.toAbsolutePath().normalize();
        if (Files.isRegularFile(absolute.resolve(RESOLVED_CONFIG)) && Files.isDirectory(absolute.resolve(CheckpointStore.DIRECTORY))) {
            CheckpointStore store = new CheckpointStore(absolute.resolve(CheckpointStore.DIRECTORY), Integer.MAX_VALUE, messages);
            Checkpoint checkpoint = store.latestValid().orElseThrow(() -> new IllegalArgumentException(absolute.resolve(
                    CheckpointStore.DIRECTORY) + ": expected a complete checkpoint (step-N with manifest.json), found none that verifies"));
            return Optional.of(load(absolute, checkpoint));
        }
        Path checkpoints = absolute.getParent();
        if (Files.isRegularFile(absolute.resolve(CheckpointStore.MANIFEST_FILE)) && checkpoints != null
                && checkpoints.getFileName().toString().equals(CheckpointStore.DIRECTORY)
                && absolute.getFileName().toString().matches("step-\\d+")) {
            Path experiment = checkpoints.getParent();
            if (!Files.isRegularFile(experiment.resolve(RESOLVED_CONFIG))) {
                throw new IllegalArgumentException(experiment.resolve(RESOLVED_CONFIG) + ": missing; the checkpoint " + absolute
                        + " needs its run's resolved config for the model architecture");
            }
            long step = Long.parseLong(absolute.getFileName().toString().substring("step-".length()));
            CheckpointStore.verify(absolute, step);
            return Optional.of(load(experiment, new Checkpoint(step, absolute)));
        }
        return Optional.empty();
    }

    private static GenerateCommand.LoadedModel load(Path experiment, Checkpoint checkpoint) throws IOException {
        Path configFile = experiment.resolve(RESOLVED_CONFIG);
        LlamaArchitecture architecture;
        try {
            TrainingConfigFile file = TrainingConfigFile.read(configFile, List.of());
            architecture = TrainingPlans.from(file.config(), null, note -> { }).architecture();
        } catch (TrainingConfigFile.InvalidConfigException e) {
            throw new IllegalArgumentException(configFile + ": expected a valid training config: " + e.getMessage(), e);
        }
        LlamaModel model = LlamaModel.empty(architecture);
        CheckpointStore.restore(checkpoint, model.parameters(), null);
        Optional<Tokenizer> tokenizer = Files.isRegularFile(experiment.resolve("tokenizer.json"))
                ? Optional.of(Tokenizer.load(experiment)) : Optional.empty();
        return new GenerateCommand.LoadedModel(model, tokenizer, List.of(), "checkpoint " + checkpoint.directory());
    }
}
