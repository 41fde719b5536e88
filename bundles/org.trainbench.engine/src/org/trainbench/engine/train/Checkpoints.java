package org.trainbench.engine.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.trainbench.engine.run.MetricsRecord;
import org.trainbench.engine.run.RunDirectory;
import org.trainbench.engine.tensor.Parameter;
import org.trainbench.engine.train.Trainer.ResumePolicy;
import org.trainbench.engine.train.backend.ModelBackend;
import org.trainbench.engine.train.checkpoint.CheckpointStore;
import org.trainbench.engine.train.distributed.DataParallel;
import org.trainbench.engine.train.optim.AdamW;
import org.trainbench.engine.train.sampling.SequenceSampler;

/**
 * The checkpoints a run writes into {@code checkpoints/} ({@link CheckpointStore} for the files and their atomicity,
 * {@link CheckpointState} for state.json): at {@code training.checkpoint.interval}, after the last step, and when a
 * stop was requested. With several ranks every rank copies its state to the host (a collective with ZeRO) and rank 0
 * alone writes.
 */
final class Checkpoints {
    private final TrainingPlan plan;
    private final DataParallel group;
    private final RunLog log;
    private final RunDirectory run;
    private final CheckpointStore store;

    Checkpoints(TrainingPlan plan, DataParallel group, RunLog log) {
        this.plan = plan;
        this.group = group;
        this.log = log;
        this.run = RunDirectory.of(plan.experimentDir());
        this.store = new CheckpointStore(run.checkpoints(), plan.keepCheckpoints(), log::say);
    }

    CheckpointStore store() {
        return store;
    }

    /**
     * Before anything else of a run, on the rank that writes files: removes what a killed save left, and refuses to
     * start over checkpoints when resuming was refused.
     *
     * @throws IllegalStateException when the policy is NEVER and checkpoints exist
     */
    void prepare(ResumePolicy policy) throws IOException {
        store.removeLeftovers();
        if (policy == ResumePolicy.NEVER && !store.steps().isEmpty()) {
            throw new IllegalStateException(run.root() + " already holds checkpoints " + store.steps()
                    + " and resuming was refused (--no-resume): set run.experiment_dir to a new directory or delete "
                    + store.directory());
        }
    }

    /** Whether a checkpoint is due after {@code step}. */
    boolean due(long step, boolean done, boolean stopping) {
        return plan.checkpoints().at(step) || done && plan.checkpoints().enabled() || stopping;
    }

    /** Writes the checkpoint of {@code step} and its {@code checkpoint_saved} line; returns its directory. */
    Path save(ModelBackend backend, CheckpointState.Counters counters, List<Parameter> parameters, AdamW optimizer,
            SequenceSampler training, Evaluations evaluations) throws IOException {
        long start = System.nanoTime();
        backend.copyToHost(); // a collective with ZeRO: every rank, before rank 0 alone writes
        if (!group.writesFiles()) {
            return store.pathOf(counters.step());
        }
        Path written = store.save(counters.step(), parameters, optimizer, CheckpointState.write(plan, counters, training, evaluations));
        log.record(new MetricsRecord.CheckpointSaved(MetricsRecord.now(), counters.step(), run.relative(written),
                (System.nanoTime() - start) / 1e9));
        log.say("checkpoint written: " + written);
        return written;
    }

    /** For a failure's message: which checkpoint a new run resumes from. */
    String lastCheckpointText() {
        try {
            List<Long> steps = store.steps();
            return steps.isEmpty() ? "No checkpoint was written before." : "Checkpoint " + store.pathOf(steps.getLast())
                    + " is intact and a new run resumes from it.";
        } catch (IOException e) {
            return "";
        }
    }
}
