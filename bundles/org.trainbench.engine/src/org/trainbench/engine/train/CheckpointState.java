package org.trainbench.engine.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.trainbench.engine.train.checkpoint.CheckpointMismatchException;
import org.trainbench.engine.train.checkpoint.CheckpointStore;
import org.trainbench.engine.train.sampling.SequenceSampler;

/**
 * What a checkpoint's {@code state.json} holds besides the tensors (which {@link CheckpointStore} writes, adding
 * {@code optimizer_step}): the run's counters, its seeds and the position of every sampler, so that a resumed run draws
 * the same data as an uninterrupted one (docs/RUN_DIRECTORY.md). Its keys are written and read here.
 */
final class CheckpointState {
    private static final String STEP = "step";
    private static final String CONSUMED_TOKENS = "consumed_tokens";
    private static final String ELAPSED_S = "elapsed_s";
    private static final String TRAIN_ITERS = "train_iters";
    private static final String BATCH_SIZE = "batch_size";
    private static final String SEQUENCE_LENGTH = "sequence_length";
    private static final String SEEDS = "seeds";
    private static final String MODEL_SEED = "model";
    private static final String DATA_SEED = "data";
    private static final String DATA = "data";
    private static final String EVALUATION_PREFIX = "evaluation:";
    private static final String RUNS = "runs";
    private static final String POSITION = "position";

    /** Where a checkpoint's run stood: steps done, tokens consumed, and training time over all its segments. */
    record Counters(long step, long consumedTokens, double elapsedSeconds) {
    }

    private CheckpointState() {
    }

    /** The state of a run after {@code step}, in the order it is written. */
    static Map<String, Object> write(TrainingPlan plan, Counters counters, SequenceSampler training, Evaluations evaluations) {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put(STEP, counters.step());
        state.put(CONSUMED_TOKENS, counters.consumedTokens());
        state.put(ELAPSED_S, counters.elapsedSeconds());
        state.put(TRAIN_ITERS, plan.trainIters());
        state.put(BATCH_SIZE, plan.batchSize());
        state.put(SEQUENCE_LENGTH, plan.sequenceLength());
        Map<String, Object> seeds = new LinkedHashMap<>();
        seeds.put(MODEL_SEED, plan.modelSeed());
        seeds.put(DATA_SEED, plan.dataSeed());
        state.put(SEEDS, seeds);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(TrainingPlan.TRAINING, training.position());
        for (Evaluations.Evaluator e : evaluations.all()) {
            Map<String, Object> evaluation = new LinkedHashMap<>();
            evaluation.put(RUNS, e.runs);
            evaluation.put(POSITION, e.sampler.position());
            data.put(EVALUATION_PREFIX + e.evaluation.name(), evaluation);
        }
        state.put(DATA, data);
        return state;
    }

    /**
     * The counters of a restored state.
     *
     * @throws CheckpointMismatchException when the step or the consumed tokens are missing
     */
    static Counters counters(Map<String, Object> state) {
        return new Counters(number(state, STEP), number(state, CONSUMED_TOKENS),
                state.get(ELAPSED_S) instanceof Number n ? n.doubleValue() : 0);
    }

    /**
     * Moves the samplers to the positions of a restored state. An evaluator the checkpoint does not know starts at the
     * beginning of its dataset; a changed sequence length or batch size is warned about.
     *
     * @param training null when the run trains nothing
     * @throws CheckpointMismatchException when the positions do not fit the datasets of this plan
     */
    static void restorePositions(Map<String, Object> state, TrainingPlan plan, SequenceSampler training, Evaluations evaluations,
            Path checkpoint, RunLog log) {
        if (!(state.get(DATA) instanceof Map<?, ?> data)) {
            throw new CheckpointMismatchException(checkpoint + "/" + CheckpointStore.STATE_FILE + " has no data positions");
        }
        try {
            if (training != null) {
                training.restore(longs(data.get(TrainingPlan.TRAINING)));
            }
            for (Evaluations.Evaluator e : evaluations.all()) {
                if (data.get(EVALUATION_PREFIX + e.evaluation.name()) instanceof Map<?, ?> saved) {
                    e.runs = ((Number) saved.get(RUNS)).longValue();
                    e.sampler.restore(longs(saved.get(POSITION)));
                } else {
                    log.say("evaluator " + e.evaluation.name() + " is new since checkpoint " + checkpoint + "; it starts at the beginning of "
                            + e.evaluation.datasetName());
                }
            }
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            throw new CheckpointMismatchException("the data position saved in " + checkpoint
                    + "/" + CheckpointStore.STATE_FILE + " does not fit the datasets of this config (" + e.getMessage()
                    + "); was data.datasets changed? Use a new run.experiment_dir for a different dataset");
        }
        if (state.get(SEQUENCE_LENGTH) instanceof Number saved && saved.intValue() != plan.sequenceLength()) {
            log.say("warning: batch.sequence_length changed from " + saved + " to " + plan.sequenceLength()
                    + " since the checkpoint; the run continues but does not reproduce an uninterrupted one");
        }
        if (state.get(BATCH_SIZE) instanceof Number saved && saved.intValue() != plan.batchSize()) {
            log.say("warning: batch.batch_size changed from " + saved + " to " + plan.batchSize() + " since the checkpoint");
        }
    }

    private static long[] longs(Object list) {
        return ((List<?>) list).stream().mapToLong(v -> ((Number) v).longValue()).toArray();
    }

    private static long number(Map<String, Object> state, String key) {
        if (state.get(key) instanceof Number n) {
            return n.longValue();
        }
        throw new CheckpointMismatchException("checkpoint " + CheckpointStore.STATE_FILE + " has no '" + key + "'");
    }
}
