package org.trainbench.engine.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.trainbench.engine.run.MetricsRecord;
import org.trainbench.engine.run.RunDirectory;
import org.trainbench.engine.tensor.Parameter;
import org.trainbench.engine.train.Trainer.ResumePolicy;
import org.trainbench.engine.train.backend.ModelBackend;
import org.trainbench.engine.train.checkpoint.CheckpointStore;
import org.trainbench.engine.train.distributed.Communicator;
import org.trainbench.engine.train.distributed.DataParallel;
import org.trainbench.engine.train.distributed.FlatPartition;
import org.trainbench.engine.train.optim.AdamW;
import org.trainbench.engine.train.sampling.SequenceSampler;

/**
 * The checkpoints a run writes into {@code checkpoints/} ({@link CheckpointStore} for the files and their atomicity,
 * {@link CheckpointState} for state.json): at {@code training.checkpoint.interval}, after the last step, and when a
 * stop was requested. One process writes the one-process layout. Several ranks write a sharded checkpoint: rank 0
 * prepares {@code .tmp-step-N/}, every rank writes its {@link org.trainbench.engine.train.distributed.FlatPartition} shard
 * of weights and moments into it in parallel, and after a barrier rank 0 writes state.json and the manifest and renames
 * the directory; a final barrier keeps the ranks in step.
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
        Path written;
        if (group.distributed()) {
            written = saveSharded(backend, counters, parameters, optimizer, training, evaluations);
            if (!group.writesFiles()) {
                return written;
            }
        } else {
            backend.copyToHost();
            written = store.save(counters.step(), parameters, optimizer, CheckpointState.write(plan, counters, training, evaluations));
        }
        log.record(new MetricsRecord.CheckpointSaved(MetricsRecord.now(), counters.step(), run.relative(written),
                (System.nanoTime() - start) / 1e9));
        log.say("checkpoint written: " + written);
        return written;
    }

    private Path saveSharded(ModelBackend backend, CheckpointState.Counters counters, List<Parameter> parameters, AdamW optimizer,
            SequenceSampler training, Evaluations evaluations) throws IOException {
        long step = counters.step();
        backend.copyShardToHost();
        Communicator communicator = group.communicator();
        // rank 0 prepares the directory and says whether there is anything to write (an intact step-N is kept)
        double skip = group.writesFiles() && !store.beginSharded(step) ? 1 : 0;
        if (communicator.allReduceSum(skip)[0] > 0) {
            return store.pathOf(step);
        }
        FlatPartition partition = group.partition(optimizer.flatSize());
        store.writeShard(step, group.rank(), group.worldSize(), partition.start(group.rank()), partition.end(group.rank()), parameters,
                optimizer);
        pauseForTest(step);
        communicator.barrier("checkpoint " + step + " shards written");
        Path written = store.pathOf(step);
        if (group.writesFiles()) {
            written = store.completeSharded(step, group.worldSize(), parameters, optimizer,
                    CheckpointState.write(plan, counters, training, evaluations));
        }
        communicator.barrier("checkpoint " + step + " complete");
        return written;
    }

    /**
     * Test hook ({@code -Dtrainbench.test.pauseAfterShard=RANK:STEP:MARKER}): that rank, after writing its shard of that
     * step, creates the MARKER file and sleeps, so that a test can kill it in the middle of a sharded checkpoint.
     */
    private void pauseForTest(long step) throws IOException {
        String hook = System.getProperty("trainbench.test.pauseAfterShard");
        if (hook == null) {
            return;
        }
        String[] parts = hook.split(":", 3);
        if (Integer.parseInt(parts[0]) == group.rank() && Long.parseLong(parts[1]) == step) {
            Files.writeString(Path.of(parts[2]), "rank " + group.rank() + " wrote its shard of step " + step);
            try {
                Thread.sleep(120_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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
