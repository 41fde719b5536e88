package org.trainbench.engine.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.trainbench.engine.config.check.TrainingEstimate;
import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.model.SequenceBatch;
import org.trainbench.engine.run.MetricsRecord;
import org.trainbench.engine.run.RunDirectory;
import org.trainbench.engine.train.backend.BackendProvider;
import org.trainbench.engine.train.backend.CpuBackend;
import org.trainbench.engine.train.backend.ModelBackend;
import org.trainbench.engine.train.checkpoint.CheckpointMismatchException;
import org.trainbench.engine.train.distributed.Communicator;
import org.trainbench.engine.train.distributed.CommunicatorException;
import org.trainbench.engine.train.distributed.DataParallel;
import org.trainbench.engine.train.optim.AdamW;
import org.trainbench.engine.train.optim.NonFiniteGradientException;
import org.trainbench.engine.train.sampling.SequenceSampler;

/**
 * Runs a {@link TrainingPlan} in its experiment directory: samples batches, accumulates gradients over micro-batches,
 * steps AdamW on the schedule, evaluates, exports, checkpoints, and writes metrics.jsonl and logs/train.log.
 *
 * <p>Step k (1-based): zero the gradients; take the next batch_size samples of the training sampler; run
 * forward/backward on each micro-batch of micro_batch_size samples with loss scale {@code counted_i / counted_step},
 * so the step's gradient is that of the mean loss over all counted targets of the step, whatever the micro-batch
 * split (as Fast-LLM normalizes by the labels in the batch); update with the rate of step k. The step's loss is the
 * same token-weighted mean.
 *
 * <p>After the step, in this order (Fast-LLM's): log (every logs.interval steps and at the last step), evaluators
 * (at their interval and after the last step), export, checkpoint (at its interval, after the last step, and when a
 * stop was requested).
 *
 * <p>Each concern has its own class, which this one calls in that order: {@link Resume} (where the run starts),
 * {@link RunDatasets} and {@link MicroBatches} (the data), {@link LogInterval} and {@link RunLog} (metrics.jsonl,
 * train.log, the listener), {@link Evaluations} (evaluators and the test set), {@link Exports}, and {@link Checkpoints}
 * with {@link CheckpointState} (what a checkpoint holds besides the tensors). The numbers of a step are the
 * {@link ModelBackend}'s.
 *
 * <p>Everything a later step depends on (weights, moments, optimizer step, data positions of the training and every
 * evaluation sampler) is in the checkpoint, and nothing else is random, so a resumed run continues bit for bit.
 *
 * <p>Data parallel ({@link DataParallel}, one trainer per worker process): every rank draws the same global batches
 * and runs its own contiguous share of their micro-batches; the counted targets are summed over the ranks first, so
 * each micro-batch's loss scale is {@code counted_i / counted_global_batch} and the summed gradient is one process's;
 * the backend sums gradients before the update. Rank 0 alone takes the run-directory lock, chooses the checkpoint to
 * resume from, and writes metrics, logs, checkpoints and exports; the others compute. A stop request on any rank stops
 * every rank after the same step.
 */
public final class Trainer {

    /** Whether a run may continue from a checkpoint found in its experiment directory. */
    public enum ResumePolicy {
        /** Continue from the newest intact checkpoint when there is one. */
        AUTO,
        /** Refuse to start when the experiment directory already holds checkpoints. */
        NEVER
    }

    private final TrainingPlan plan;
    private final TrainingListener listener;
    private final PretrainedLoader pretrainedLoader;
    private final ModelExporter exporter;
    private final BackendProvider backendProvider;
    private final DataParallel group;

    private LlamaModel model;
    /** The backend of the run in progress, closed when it ends. */
    private ModelBackend backend;

    /**
     * @param pretrainedLoader used when {@code pretrained.model_weights} is on; may be null otherwise
     * @param exporter         used for {@code training.export}; may be null when exports are off
     */
    public Trainer(TrainingPlan plan, TrainingListener listener, PretrainedLoader pretrainedLoader, ModelExporter exporter) {
        this(plan, listener, pretrainedLoader, exporter, CpuBackend.PROVIDER);
    }

    /**
     * @param backend where the model steps run ({@link CpuBackend#PROVIDER}, or one found by
     *                {@link org.trainbench.engine.train.backend.Backends#named}); data, schedule, evaluation, checkpoints
     *                and metrics are the same for every backend
     */
    public Trainer(TrainingPlan plan, TrainingListener listener, PretrainedLoader pretrainedLoader, ModelExporter exporter,
            BackendProvider backend) {
        this(plan, listener, pretrainedLoader, exporter, backend, DataParallel.single());
    }

    /**
     * @param group the data-parallel group this trainer is one rank of ({@link DataParallel#single()} for one process)
     * @throws IllegalArgumentException when the batch's micro-batches cannot be split evenly over the group's ranks
     */
    public Trainer(TrainingPlan plan, TrainingListener listener, PretrainedLoader pretrainedLoader, ModelExporter exporter,
            BackendProvider backend, DataParallel group) {
        int microBatches = plan.batchSize() / plan.microBatchSize();
        if (microBatches % group.worldSize() != 0) {
            throw new IllegalArgumentException("batch.batch_size " + plan.batchSize() + " is " + microBatches + " micro-batches of "
                    + plan.microBatchSize() + ", which " + group.worldSize() + " workers cannot share evenly: make batch_size / micro_batch_size"
                    + " a multiple of the number of workers");
        }
        this.group = group;
        this.backendProvider = backend;
        this.plan = plan;
        this.listener = listener;
        this.pretrainedLoader = pretrainedLoader;
        this.exporter = exporter;
    }

    /** The model of the last {@link #run} (its weights as of the last step), for the demo's sample generations. */
    public LlamaModel model() {
        return model;
    }

    /**
     * Runs to train_iters, a stop request, or a failure. Failures during training (non-finite loss, I/O) are
     * reported as a {@code failed} event and a FAILED outcome; checkpoints already written stay as they are.
     *
     * @throws IOException              when the experiment directory cannot be prepared (nothing was trained)
     * @throws IllegalStateException    when the policy is NEVER and checkpoints exist
     * @throws CheckpointMismatchException when the newest intact checkpoint does not fit this plan
     * @throws org.trainbench.engine.files.ProtectedFilesException when another trainer uses the experiment directory,
     *                                     or every checkpoint in it is corrupt (nothing is changed then)
     */
    public RunOutcome run(ResumePolicy policy, StopSignal stop) throws IOException {
        RunLog log = new RunLog(listener);
        RunDatasets datasets = new RunDatasets(plan);
        try (RunDirectoryLock lock = group.writesFiles() ? RunDirectoryLock.acquire(plan.experimentDir(), listener::message) : null) {
            return runInDirectory(policy, stop, log, datasets);
        } finally {
            datasets.close();
            if (backend != null) {
                backend.close();
                backend = null;
            }
            log.close();
            stop.runEnded();
        }
    }

    private RunOutcome runInDirectory(ResumePolicy policy, StopSignal stop, RunLog log, RunDatasets datasets) throws IOException {
        RunDirectory run = RunDirectory.of(plan.experimentDir());
        Communicator communicator = group.communicator();
        Checkpoints checkpoints = new Checkpoints(plan, group, log);
        if (group.writesFiles()) {
            log.openTrainLog(run);
            checkpoints.prepare(policy);
        }

        MicroBatches batches = new MicroBatches(plan, group);
        SequenceSampler training = plan.trainIters() > 0 ? datasets.sampler(TrainingPlan.TRAINING, plan.dataSeed()) : null;
        Evaluations evaluations = new Evaluations(plan, datasets, batches, group, log);

        model = null;
        Resume.Start start = Resume.choose(plan, policy, group, checkpoints.store(), pretrainedLoader, training, evaluations, log);
        model = start.model();
        AdamW optimizer = start.optimizer();
        long step = start.counters().step();
        long consumedTokens = start.counters().consumedTokens();
        double elapsedBefore = start.counters().elapsedSeconds();
        backend = backendProvider.open(model, optimizer, plan, group);
        if (start.fresh()) {
            backend.initializeWeights(plan.modelSeed());
        } else {
            backend.copyFromHost();
        }
        log.say("backend " + backend.description());

        if (group.writesFiles()) {
            log.openMetrics(run);
        }
        if (group.writesFiles() && plan.resolvedConfig() != null) {
            Files.writeString(run.resolvedConfig(), plan.resolvedConfig(), StandardCharsets.UTF_8);
        }
        log.record(started(step, start.resumedFrom(), training, evaluations));
        if (training != null) {
            log.say(training.description());
        }
        evaluations.all().stream().map(e -> e.sampler).distinct().forEach(s -> log.say(s.description()));
        Exports exports = new Exports(plan, exporter, group, log);
        exports.warnIfUnavailable();

        long runStart = System.nanoTime();
        double lastLoss = Double.NaN;
        Path lastCheckpoint = null;
        if (plan.trainIters() == 0) {
            // Evaluation only, as Fast-LLM does when there is nothing to train.
            evaluations.evaluateAll(backend, step, consumedTokens);
            evaluations.test(backend, step, consumedTokens);
            log.record(new MetricsRecord.Finished(MetricsRecord.now(), step, null, null));
            return new RunOutcome(RunOutcome.Status.FINISHED, step, lastLoss, "nothing to train (train_iters: 0)", null);
        }
        if (step >= plan.trainIters()) {
            log.say("training already completed (step " + step + " of " + plan.trainIters() + "); nothing to do");
            log.record(new MetricsRecord.Finished(MetricsRecord.now(), step, null, null));
            return new RunOutcome(RunOutcome.Status.FINISHED, step, lastLoss, "already complete", null);
        }

        LogInterval interval = new LogInterval(TrainingEstimate.flopsPerToken(plan.architecture().parameterCount(),
                plan.architecture().numLayers(), plan.architecture().hiddenSize(), plan.sequenceLength()), group.distributed(), runStart);
        try {
            while (step < plan.trainIters()) {
                long stepStart = System.nanoTime();
                long sentBefore = communicator.bytesSent();
                backend.zeroGradients();
                Gradients gradients = accumulateGradients(batches.next(training, plan.batchSize()), stop);
                backend.synchronizeGradients();
                double loss = gradients.loss();
                boolean stopAgreed = gradients.stopAgreed();
                if (!Double.isFinite(loss)) {
                    return fail(log, step + 1, consumedTokens, "training loss is " + loss + " at step " + (step + 1)
                            + "; the run stops here and its weights are not saved. " + checkpoints.lastCheckpointText()
                            + " Lower optimizer.learning_rate.base, raise warmup_iterations or check the data.", loss);
                }
                double rate = plan.learningRate().learningRate(step + 1);
                AdamW.Update update;
                try {
                    update = backend.update(rate);
                } catch (NonFiniteGradientException e) {
                    return fail(log, step + 1, consumedTokens, "step " + (step + 1) + ": " + e.getMessage() + ". "
                            + checkpoints.lastCheckpointText(), loss);
                }
                step++;
                consumedTokens += plan.tokensPerStep();
                lastLoss = loss;
                long now = System.nanoTime();
                double stepSeconds = (now - stepStart) / 1e9;
                double elapsed = elapsedBefore + (now - runStart) / 1e9;
                interval.add(plan.tokensPerStep(), loss, communicator.bytesSent() - sentBefore);
                listener.stepFinished(step, plan.trainIters(), loss, rate, update.gradientNorm(), plan.tokensPerStep() / stepSeconds, elapsed);

                boolean done = step >= plan.trainIters();
                if (plan.logs().at(step) || done) {
                    log.record(interval.close(now, step, consumedTokens, rate, update.gradientNorm(), elapsed, backend));
                }
                evaluations.evaluateDue(backend, step, consumedTokens, done);
                if (done) {
                    evaluations.test(backend, step, consumedTokens);
                }
                if (exports.due(step, done)) {
                    exports.write(backend, model, step);
                }
                boolean stopping = (group.distributed() ? stopAgreed : stop.isRequested()) && !done;
                if (checkpoints.due(step, done, stopping)) {
                    lastCheckpoint = checkpoints.save(backend, new CheckpointState.Counters(step, consumedTokens,
                            elapsedBefore + (System.nanoTime() - runStart) / 1e9), model.parameters(), optimizer, training, evaluations);
                }
                if (stopping) {
                    log.record(new MetricsRecord.Stopped(MetricsRecord.now(), step, stopReason(stop), run.relative(lastCheckpoint)));
                    log.say("stopped at step " + step + " (" + stopReason(stop) + "); checkpoint " + lastCheckpoint
                            + " written, run the same command again to resume");
                    return new RunOutcome(RunOutcome.Status.STOPPED, step, lastLoss, "stopped on request", lastCheckpoint);
                }
            }
        } catch (IOException | UncheckedIOException | CheckpointMismatchException | CommunicatorException e) {
            return fail(log, step, consumedTokens, "step " + step + ": " + e.getMessage(), lastLoss);
        }
        backend.copyToHost();
        log.record(new MetricsRecord.Finished(MetricsRecord.now(), step, lastLoss, consumedTokens));
        log.say("finished: " + step + " steps, last loss " + String.format(Locale.ROOT, "%.4f", lastLoss));
        return new RunOutcome(RunOutcome.Status.FINISHED, step, lastLoss, "finished", lastCheckpoint);
    }

    /**
     * What the forward/backward passes of one step gave.
     *
     * @param loss       the step's loss: the mean over the counted targets of the whole global batch, all ranks
     * @param stopAgreed some rank was asked to stop, so every rank stops after this step
     */
    private record Gradients(double loss, boolean stopAgreed) {
    }

    /**
     * Forward and backward over this rank's micro-batches of the step, each with loss scale
     * {@code counted_i / counted_global_batch}, so that the summed gradient is that of the step's mean loss.
     */
    private Gradients accumulateGradients(List<SequenceBatch> microBatches, StopSignal stop) {
        Communicator communicator = group.communicator();
        long ownCounted = 0;
        for (SequenceBatch batch : microBatches) {
            ownCounted += batch.countedTargets();
        }
        long counted = (long) communicator.allReduceSum(ownCounted)[0];
        double lossSum = 0;
        for (SequenceBatch batch : microBatches) {
            int c = batch.countedTargets();
            float scale = counted == 0 ? 0f : (float) c / counted;
            float loss = backend.forwardBackward(batch, scale);
            lossSum += (double) loss * c;
        }
        // one exchange for the loss and whether any rank was asked to stop, so that all stop after this step
        double[] totals = communicator.allReduceSum(lossSum, stop.isRequested() ? 1 : 0);
        return new Gradients(counted == 0 ? 0.0 : totals[0] / counted, totals[1] > 0);
    }

    /** The {@code started} line of a run segment. Readers (the IDE) tell a killed engine from a quiet one by its pid and host. */
    private MetricsRecord.Started started(long step, Long resumedFrom, SequenceSampler training, Evaluations evaluations) {
        Map<String, MetricsRecord.DatasetSummary> datasets = new LinkedHashMap<>();
        if (training != null) {
            datasets.put(TrainingPlan.TRAINING, summary(training));
        }
        evaluations.all().forEach(e -> datasets.put(e.evaluation.datasetName(), summary(e.sampler)));
        return new MetricsRecord.Started(MetricsRecord.now(), step, plan.trainIters(), resumedFrom, plan.batchSize(), plan.sequenceLength(),
                plan.tokensPerStep(), plan.architecture().parameterCount(), backend.description(),
                group.distributed() ? group.worldSize() : null, group.distributed() ? group.zeroStage().number() : null,
                ProcessHandle.current().pid(), RunDirectoryLock.hostName(), datasets);
    }

    private static MetricsRecord.DatasetSummary summary(SequenceSampler sampler) {
        return new MetricsRecord.DatasetSummary(sampler.description(), sampler.skippedDocuments());
    }

    private static String stopReason(StopSignal stop) {
        return stop.reason() != null ? stop.reason() : "another worker was asked to stop";
    }

    private static RunOutcome fail(RunLog log, long step, long consumedTokens, String message, double loss) {
        log.record(new MetricsRecord.Failed(MetricsRecord.now(), step, message, consumedTokens));
        log.say("error: " + message);
        return new RunOutcome(RunOutcome.Status.FAILED, step, loss, message, null);
    }
}
