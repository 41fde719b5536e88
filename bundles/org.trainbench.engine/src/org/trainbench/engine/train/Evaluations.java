package org.trainbench.engine.train;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import org.trainbench.engine.model.SequenceBatch;
import org.trainbench.engine.run.MetricsRecord;
import org.trainbench.engine.train.backend.ModelBackend;
import org.trainbench.engine.train.distributed.DataParallel;
import org.trainbench.engine.train.sampling.SequenceSampler;

/**
 * The evaluators of a run ({@code training.evaluators}) and its test set ({@code training.test_iters}): each evaluator
 * has its own sampler, seeded from the data seed and its dataset's name, and continues through its dataset where its
 * previous evaluation stopped (as Fast-LLM does); that position and the number of evaluations are in the checkpoint
 * ({@link CheckpointState}). An evaluation's loss is the mean over all counted targets of its batches, summed over the
 * ranks; it is written as a {@code validation} (or {@code test}) line and told to the listener.
 */
final class Evaluations {

    /** An evaluator with its sampler and how many evaluations it has made. */
    static final class Evaluator {
        final TrainingPlan.Evaluation evaluation;
        final SequenceSampler sampler;
        long runs;

        Evaluator(TrainingPlan.Evaluation evaluation, SequenceSampler sampler) {
            this.evaluation = evaluation;
            this.sampler = sampler;
        }
    }

    private final TrainingPlan plan;
    private final RunDatasets datasets;
    private final MicroBatches batches;
    private final DataParallel group;
    private final RunLog log;
    private final Map<String, Evaluator> evaluators = new LinkedHashMap<>();

    /** Opens a sampler for every evaluator of the plan. */
    Evaluations(TrainingPlan plan, RunDatasets datasets, MicroBatches batches, DataParallel group, RunLog log) throws IOException {
        this.plan = plan;
        this.datasets = datasets;
        this.batches = batches;
        this.group = group;
        this.log = log;
        for (TrainingPlan.Evaluation evaluation : plan.evaluations()) {
            evaluators.put(evaluation.name(), new Evaluator(evaluation, seededSampler(evaluation.datasetName())));
        }
    }

    private SequenceSampler seededSampler(String datasetName) throws IOException {
        return datasets.sampler(datasetName, plan.dataSeed() + datasetName.hashCode());
    }

    /** Every evaluator, in the order of the config. */
    Collection<Evaluator> all() {
        return evaluators.values();
    }

    /** Runs the evaluators due after {@code step}: at their interval, and after the last step ({@code done}). */
    void evaluateDue(ModelBackend backend, long step, long consumedTokens, boolean done) {
        for (Evaluator e : evaluators.values()) {
            if (e.evaluation.periodic().at(step) || done && e.evaluation.periodic().enabled()) {
                evaluate(backend, e, step, consumedTokens);
            }
        }
    }

    /** Runs every evaluator once (a run with nothing to train). */
    void evaluateAll(ModelBackend backend, long step, long consumedTokens) {
        for (Evaluator e : evaluators.values()) {
            evaluate(backend, e, step, consumedTokens);
        }
    }

    private void evaluate(ModelBackend backend, Evaluator e, long step, long consumedTokens) {
        long start = System.nanoTime();
        Result result = loss(backend, e.sampler, e.evaluation.iterations());
        e.runs++;
        log.record(new MetricsRecord.Evaluation(MetricsRecord.now(), false, step, e.evaluation.name(), e.evaluation.datasetName(),
                result.loss, e.evaluation.iterations(), result.counted, consumedTokens, (System.nanoTime() - start) / 1e9));
        log.listener().evaluated(e.evaluation.name(), step, result.loss);
    }

    /**
     * After the last step: {@code test_iters} batches of the dataset named {@value TrainingPlan#TEST}, from the start of
     * a sampler of its own. Nothing when test_iters is 0; a warning when there is no such dataset.
     */
    void test(ModelBackend backend, long step, long consumedTokens) throws IOException {
        if (plan.testIters() == 0) {
            return;
        }
        if (!plan.datasets().containsKey(TrainingPlan.TEST)) {
            log.say("warning: training.test_iters is " + plan.testIters() + " but data.datasets has no '" + TrainingPlan.TEST
                    + "' dataset; no test evaluation");
            return;
        }
        SequenceSampler sampler = seededSampler(TrainingPlan.TEST);
        long start = System.nanoTime();
        Result result = loss(backend, sampler, plan.testIters());
        log.record(new MetricsRecord.Evaluation(MetricsRecord.now(), true, step, TrainingPlan.TEST, TrainingPlan.TEST, result.loss,
                plan.testIters(), result.counted, consumedTokens, (System.nanoTime() - start) / 1e9));
        log.listener().evaluated(TrainingPlan.TEST, step, result.loss);
    }

    private record Result(double loss, long counted) {
    }

    /** The mean loss over all counted targets of {@code iterations} batches of batch_size sequences, on every rank. */
    private Result loss(ModelBackend backend, SequenceSampler sampler, int iterations) {
        double lossSum = 0;
        long counted = 0;
        for (int iteration = 0; iteration < iterations; iteration++) {
            for (SequenceBatch batch : batches.next(sampler, plan.batchSize())) {
                int c = batch.countedTargets();
                // with ZeRO 3 a loss gathers the weights, a collective: every rank computes every batch of its share
                if (c > 0 || group.distributed() && group.zeroStage() == org.trainbench.engine.train.distributed.ZeroStage.WEIGHTS) {
                    lossSum += (double) backend.loss(batch) * c;
                    counted += c;
                }
            }
        }
        double[] totals = group.communicator().allReduceSum(lossSum, counted);
        lossSum = totals[0];
        counted = (long) totals[1];
        return new Result(counted == 0 ? Double.NaN : lossSum / counted, counted);
    }
}
