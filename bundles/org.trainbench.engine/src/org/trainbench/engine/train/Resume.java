package org.trainbench.engine.train;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.train.Trainer.ResumePolicy;
import org.trainbench.engine.train.checkpoint.CheckpointStore;
import org.trainbench.engine.train.distributed.DataParallel;
import org.trainbench.engine.train.optim.AdamW;
import org.trainbench.engine.train.sampling.SequenceSampler;

/**
 * Where a run starts: from the newest intact checkpoint of its directory (weights, moments, counters and sampler
 * positions; with several ranks, the one rank 0 chose, on every rank), else from the pretrained weights
 * ({@code pretrained.model_weights}), else from a fresh model that the backend initializes from the model seed.
 */
final class Resume {

    /**
     * A run's starting point on the host.
     *
     * @param resumedFrom the checkpoint's step, or null when the run does not resume
     * @param fresh       the weights are still to be initialized (neither a checkpoint nor pretrained weights)
     */
    record Start(LlamaModel model, AdamW optimizer, CheckpointState.Counters counters, Long resumedFrom, boolean fresh) {
    }

    private Resume() {
    }

    /**
     * @param training null when the run trains nothing
     * @throws org.trainbench.engine.train.checkpoint.CheckpointMismatchException when the checkpoint does not fit the plan
     * @throws IllegalStateException when pretrained weights are asked for and no loader is given
     */
    static Start choose(TrainingPlan plan, ResumePolicy policy, DataParallel group, CheckpointStore store, PretrainedLoader pretrainedLoader,
            SequenceSampler training, Evaluations evaluations, RunLog log) throws IOException {
        Optional<CheckpointStore.Checkpoint> latest = group.writesFiles() && policy == ResumePolicy.AUTO ? store.resumePoint() : Optional.empty();
        if (group.distributed()) {
            // rank 0 chooses, so that every rank restores the same checkpoint
            long chosen = (long) group.communicator().allReduceSum(latest.map(c -> c.step() + 1.0).orElse(0.0))[0] - 1;
            latest = chosen < 0 ? Optional.empty() : Optional.of(new CheckpointStore.Checkpoint(chosen, store.pathOf(chosen)));
        }
        if (latest.isPresent()) {
            CheckpointStore.Checkpoint checkpoint = latest.get();
            LlamaModel model = LlamaModel.empty(plan.architecture());
            AdamW optimizer = new AdamW(plan.optimizer(), model.parameters());
            Map<String, Object> state = CheckpointStore.restore(checkpoint, model.parameters(), optimizer);
            CheckpointState.Counters counters = CheckpointState.counters(state);
            CheckpointState.restorePositions(state, plan, training, evaluations, checkpoint.directory(), log);
            log.say("resuming from checkpoint " + checkpoint.directory() + " (step " + counters.step() + " of " + plan.trainIters() + ")");
            return new Start(model, optimizer, counters, counters.step(), false);
        }
        LlamaModel model;
        boolean pretrained = plan.pretrained() != null && plan.pretrained().modelWeights();
        if (pretrained) {
            if (pretrainedLoader == null) {
                throw new IllegalStateException("pretrained.model_weights is on but no importer for format '" + plan.pretrained().format()
                        + "' is available");
            }
            log.say("loading pretrained weights from " + plan.pretrained().path());
            model = pretrainedLoader.load(plan.pretrained(), plan.architecture());
        } else {
            model = LlamaModel.empty(plan.architecture());
        }
        return new Start(model, new AdamW(plan.optimizer(), model.parameters()), new CheckpointState.Counters(0, 0, 0), null, !pretrained);
    }
}
