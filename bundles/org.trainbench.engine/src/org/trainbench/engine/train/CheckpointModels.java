package org.trainbench.engine.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.run.RunDirectory;
import org.trainbench.engine.run.StepDirectory;
import org.trainbench.engine.train.checkpoint.CheckpointMismatchException;
import org.trainbench.engine.train.checkpoint.CheckpointStore.Checkpoint;
import org.trainbench.engine.train.checkpoint.CheckpointStore;

/**
 * The model of a run's checkpoint: either an experiment directory (its newest checkpoint that verifies) or one
 * checkpoint directory ({@code EXPERIMENT/checkpoints/step-N}). The architecture comes from the run's
 * config.resolved.yaml, bound as {@code trainbench train} binds it; the weights from the checkpoint.
 */
public final class CheckpointModels {
    /** A restored model, where it came from, the plan its run's resolved config gives, and the positions it is made for. */
    public record CheckpointModel(LlamaModel model, Path experiment, Checkpoint checkpoint, TrainingPlan plan, PositionLimit positions) {
    }

    private CheckpointModels() {
    }

    /**
     * Whether PATH looks like what {@link #load} reads: an experiment directory (a resolved config) or a checkpoint
     * directory of a run ({@code checkpoints/step-N} with a manifest). Cheap: looks at names, reads nothing.
     */
    public static boolean recognizes(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        return Files.isDirectory(absolute)
                && (Files.isRegularFile(absolute.resolve(RunDirectory.RESOLVED_CONFIG)) || isCheckpointDirectory(absolute));
    }

    private static boolean isCheckpointDirectory(Path absolute) {
        Path parent = absolute.getParent();
        return Files.isRegularFile(absolute.resolve(CheckpointStore.MANIFEST_FILE)) && parent != null
                && parent.getFileName().toString().equals(RunDirectory.CHECKPOINTS) && StepDirectory.stepOf(absolute) >= 0;
    }

    /**
     * @param messages where remarks about skipped (corrupt) newer checkpoints go
     * @throws IllegalArgumentException naming the path when it is neither an experiment directory with a complete
     *                                  checkpoint nor a checkpoint directory of a run
     */
    public static CheckpointModel load(Path path, Consumer<String> messages) throws IOException {
        Path absolute = path.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new IllegalArgumentException(absolute + ": expected an experiment directory or a checkpoint directory"
                    + " (EXPERIMENT/" + RunDirectory.CHECKPOINTS + "/" + StepDirectory.TEMPLATE + "), found no directory");
        }
        if (Files.isRegularFile(absolute.resolve(RunDirectory.RESOLVED_CONFIG))) {
            Path checkpoints = RunDirectory.of(absolute).checkpoints();
            Checkpoint checkpoint = Files.isDirectory(checkpoints)
                    ? new CheckpointStore(checkpoints, Integer.MAX_VALUE, messages).latestValid().orElse(null) : null;
            if (checkpoint == null) {
                throw new IllegalArgumentException(checkpoints + ": expected a complete checkpoint (step-N with "
                        + CheckpointStore.MANIFEST_FILE + "), found none that verifies; train the run first");
            }
            return restore(absolute, checkpoint);
        }
        if (isCheckpointDirectory(absolute)) {
            Path experiment = absolute.getParent().getParent();
            if (!Files.isRegularFile(experiment.resolve(RunDirectory.RESOLVED_CONFIG))) {
                throw new IllegalArgumentException(experiment.resolve(RunDirectory.RESOLVED_CONFIG) + ": missing; the checkpoint "
                        + absolute + " needs its run's resolved config for the model architecture");
            }
            long step = StepDirectory.stepOf(absolute);
            CheckpointStore.verify(absolute, step);
            return restore(experiment, new Checkpoint(step, absolute));
        }
        throw new IllegalArgumentException(absolute + ": expected an experiment directory (with " + RunDirectory.RESOLVED_CONFIG
                + " and " + RunDirectory.CHECKPOINTS + "/) or a checkpoint directory (" + RunDirectory.CHECKPOINTS + "/" + StepDirectory.TEMPLATE
                + " with " + CheckpointStore.MANIFEST_FILE
                + "), found neither");
    }

    private static CheckpointModel restore(Path experiment, Checkpoint checkpoint) throws IOException {
        Path configFile = RunDirectory.of(experiment).resolvedConfig();
        TrainingPlan plan;
        try {
            TrainingConfigFile file = TrainingConfigFile.read(configFile, List.of());
            plan = TrainingPlans.from(file.config(), null, note -> { });
        } catch (TrainingConfigFile.InvalidConfigException e) {
            throw new IllegalArgumentException(configFile + ": expected a valid training config: " + e.getMessage(), e);
        }
        LlamaModel model = LlamaModel.empty(plan.architecture());
        try {
            CheckpointStore.restore(checkpoint, model.parameters(), null);
        } catch (CheckpointMismatchException e) {
            throw new CheckpointMismatchException(e.getMessage() + " (the architecture is read from " + configFile
                    + "): restore the run's " + RunDirectory.RESOLVED_CONFIG + " as it was when the checkpoint was written, or export and"
                    + " generate from the run that wrote this checkpoint");
        }
        return new CheckpointModel(model, experiment, checkpoint, plan, HuggingFaceLlama.positionLimit(plan, configFile));
    }
}
