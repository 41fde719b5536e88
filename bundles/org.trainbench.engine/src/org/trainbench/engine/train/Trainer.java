package org.trainbench.engine.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.trainbench.engine.config.check.TrainingEstimate;
import org.trainbench.engine.data.DatasetSource;
import org.trainbench.engine.data.DocumentDataset;
import org.trainbench.engine.data.VocabularyCheckedDataset;
import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.model.SequenceBatch;
import org.trainbench.engine.run.MetricsLog;
import org.trainbench.engine.run.MetricsRecord;
import org.trainbench.engine.run.RunDirectory;
import org.trainbench.engine.run.StepDirectory;
import org.trainbench.engine.tensor.Parameter;
import org.trainbench.engine.train.backend.BackendProvider;
import org.trainbench.engine.train.backend.CpuBackend;
import org.trainbench.engine.train.backend.ModelBackend;
import org.trainbench.engine.train.checkpoint.CheckpointMismatchException;
import org.trainbench.engine.train.checkpoint.CheckpointStore;
import org.trainbench.engine.train.distributed.Communicator;
import org.trainbench.engine.train.distributed.CommunicatorException;
import org.trainbench.engine.train.distributed.DataParallel;
import org.trainbench.engine.train.optim.AdamW;
import org.trainbench.engine.train.optim.NonFiniteGradientException;
import org.trainbench.engine.train.sampling.BatchLayout;
import org.trainbench.engine.train.sampling.BlendedSampler;
import org.trainbench.engine.train.sampling.DocumentPacker;
import org.trainbench.engine.train.sampling.PackedSequence;
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
    private final BatchLayout layout;
    private final BackendProvider backendProvider;
    private final DataParallel group;

    private final List<DocumentDataset> openDatasets = new ArrayList<>();
    private Path logFile;
    private MetricsLog metrics;
    private LlamaModel model;
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
        this.layout = new BatchLayout(plan.crossDocumentAttention(), plan.useLossMaskingSpans());
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
        try (RunDirectoryLock lock = group.writesFiles() ? RunDirectoryLock.acquire(plan.experimentDir(), listener::message) : null) {
            return runInDirectory(policy, stop);
        } finally {
            for (DocumentDataset dataset : openDatasets) {
                dataset.close();
            }
            openDatasets.clear();
            if (backend != null) {
                backend.close();
                backend = null;
            }
            if (metrics != null) {
                metrics.close();
                metrics = null;
            }
            stop.runEnded();
        }
    }

    private RunOutcome runInDirectory(ResumePolicy policy, StopSignal stop) throws IOException {
        RunDirectory run = RunDirectory.of(plan.experimentDir());
        Path dir = run.root();
        Communicator communicator = group.communicator();
        CheckpointStore store = new CheckpointStore(run.checkpoints(), plan.keepCheckpoints(), this::say);
        if (group.writesFiles()) {
            Files.createDirectories(run.logs());
            logFile = run.trainLog();
            store.removeLeftovers();
            if (policy == ResumePolicy.NEVER && !store.steps().isEmpty()) {
                throw new IllegalStateException(dir + " already holds checkpoints " + store.steps()
                        + " and resuming was refused (--no-resume): set run.experiment_dir to a new directory or delete "
                        + store.directory());
            }
        }

        SequenceSampler training = plan.trainIters() > 0 ? sampler(TrainingPlan.TRAINING, plan.dataSeed()) : null;
        Map<String, EvaluationState> evaluations = new LinkedHashMap<>();
        for (TrainingPlan.Evaluation evaluation : plan.evaluations()) {
            evaluations.put(evaluation.name(), new EvaluationState(evaluation,
                    sampler(evaluation.datasetName(), plan.dataSeed() + evaluation.datasetName().hashCode())));
        }

        model = null;
        AdamW optimizer = null;
        long step = 0;
        long consumedTokens = 0;
        double elapsedBefore = 0;
        Long resumedFrom = null;
        Optional<CheckpointStore.Checkpoint> latest = group.writesFiles() && policy == ResumePolicy.AUTO ? store.resumePoint() : Optional.empty();
        if (group.distributed()) {
            // rank 0 chooses, so that every rank restores the same checkpoint
            long chosen = (long) communicator.allReduceSum(latest.map(c -> c.step() + 1.0).orElse(0.0))[0] - 1;
            latest = chosen < 0 ? Optional.empty() : Optional.of(new CheckpointStore.Checkpoint(chosen, store.pathOf(chosen)));
        }
        if (latest.isPresent()) {
            CheckpointStore.Checkpoint checkpoint = latest.get();
            model = LlamaModel.empty(plan.architecture());
            optimizer = new AdamW(plan.optimizer(), model.parameters());
            Map<String, Object> state = CheckpointStore.restore(checkpoint, model.parameters(), optimizer);
            step = number(state, "step");
            consumedTokens = number(state, "consumed_tokens");
            elapsedBefore = state.get("elapsed_s") instanceof Number n ? n.doubleValue() : 0;
            restorePositions(state, training, evaluations, checkpoint.directory());
            resumedFrom = step;
            say("resuming from checkpoint " + checkpoint.directory() + " (step " + step + " of " + plan.trainIters() + ")");
        } else {
            if (plan.pretrained() != null && plan.pretrained().modelWeights()) {
                if (pretrainedLoader == null) {
                    throw new IllegalStateException("pretrained.model_weights is on but no importer for format '" + plan.pretrained().format()
                            + "' is available");
                }
                say("loading pretrained weights from " + plan.pretrained().path());
                model = pretrainedLoader.load(plan.pretrained(), plan.architecture());
            } else {
                model = LlamaModel.empty(plan.architecture());
            }
            optimizer = new AdamW(plan.optimizer(), model.parameters());
        }
        boolean fresh = latest.isEmpty() && (plan.pretrained() == null || !plan.pretrained().modelWeights());
        backend = backendProvider.open(model, optimizer, plan, group);
        if (fresh) {
            backend.initializeWeights(plan.modelSeed());
        } else {
            backend.copyFromHost();
        }
        say("backend " + backend.description());

        if (group.writesFiles()) {
            metrics = MetricsLog.open(run);
        }
        if (group.writesFiles() && plan.resolvedConfig() != null) {
            Files.writeString(run.resolvedConfig(), plan.resolvedConfig(), StandardCharsets.UTF_8);
        }
        Map<String, MetricsRecord.DatasetSummary> datasetInfo = new LinkedHashMap<>();
        if (training != null) {
            datasetInfo.put(TrainingPlan.TRAINING, datasetSummary(training));
        }
        evaluations.forEach((name, e) -> datasetInfo.put(e.evaluation.datasetName(), datasetSummary(e.sampler)));
        // Readers (the IDE) tell a killed engine from a quiet one by checking this process (pid) on this host.
        record(new MetricsRecord.Started(MetricsRecord.now(), step, plan.trainIters(), resumedFrom, plan.batchSize(), plan.sequenceLength(),
                plan.tokensPerStep(), plan.architecture().parameterCount(), backend.description(),
                group.distributed() ? group.worldSize() : null, group.distributed() ? group.zeroStage().number() : null,
                ProcessHandle.current().pid(), RunDirectoryLock.hostName(), datasetInfo));
        if (training != null) {
            say(training.description());
        }
        evaluations.values().stream().map(e -> e.sampler).distinct().forEach(s -> say(s.description()));
        if (plan.exportFormat() != null && plan.exports().enabled() && exporter == null) {
            say("warning: training.export.format is " + plan.exportFormat() + " but no exporter is available; exports are skipped");
        }

        long runStart = System.nanoTime();
        long intervalStart = runStart;
        long intervalTokens = 0;
        double intervalLossSum = 0;
        int intervalSteps = 0;
        long intervalSentBytes = 0;
        double lastLoss = Double.NaN;
        Path lastCheckpoint = null;
        List<Parameter> parameters = model.parameters();
        double flopsPerToken = TrainingEstimate.flopsPerToken(plan.architecture().parameterCount(), plan.architecture().numLayers(),
                plan.architecture().hiddenSize(), plan.sequenceLength());
        if (plan.trainIters() == 0) {
            // Evaluation only, as Fast-LLM does when there is nothing to train.
            for (EvaluationState e : evaluations.values()) {
                evaluate(e, step, consumedTokens);
            }
            runTest(step, consumedTokens);
            record(new MetricsRecord.Finished(MetricsRecord.now(), step, null, null));
            return new RunOutcome(RunOutcome.Status.FINISHED, step, lastLoss, "nothing to train (train_iters: 0)", null);
        }
        if (step >= plan.trainIters()) {
            say("training already completed (step " + step + " of " + plan.trainIters() + "); nothing to do");
            record(new MetricsRecord.Finished(MetricsRecord.now(), step, null, null));
            return new RunOutcome(RunOutcome.Status.FINISHED, step, lastLoss, "already complete", null);
        }

        try {
            while (step < plan.trainIters()) {
                long stepStart = System.nanoTime();
                long sentBefore = communicator.bytesSent();
                backend.zeroGradients();
                List<SequenceBatch> microBatches = nextMicroBatches(training, plan.batchSize());
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
                lossSum = totals[0];
                boolean stopAgreed = totals[1] > 0;
                backend.synchronizeGradients();
                double loss = counted == 0 ? 0.0 : lossSum / counted;
                if (!Double.isFinite(loss)) {
                    return fail(step + 1, consumedTokens, "training loss is " + loss + " at step " + (step + 1)
                            + "; the run stops here and its weights are not saved. " + lastCheckpointText(store)
                            + " Lower optimizer.learning_rate.base, raise warmup_iterations or check the data.", loss);
                }
                double rate = plan.learningRate().learningRate(step + 1);
                AdamW.Update update;
                try {
                    update = backend.update(rate);
                } catch (NonFiniteGradientException e) {
                    return fail(step + 1, consumedTokens, "step " + (step + 1) + ": " + e.getMessage() + ". " + lastCheckpointText(store),
                            loss);
                }
                step++;
                consumedTokens += plan.tokensPerStep();
                lastLoss = loss;
                long now = System.nanoTime();
                double stepSeconds = (now - stepStart) / 1e9;
                double elapsed = elapsedBefore + (now - runStart) / 1e9;
                intervalTokens += plan.tokensPerStep();
                intervalLossSum += loss;
                intervalSteps++;
                intervalSentBytes += communicator.bytesSent() - sentBefore;
                listener.stepFinished(step, plan.trainIters(), loss, rate, update.gradientNorm(), plan.tokensPerStep() / stepSeconds, elapsed);

                boolean done = step >= plan.trainIters();
                if (plan.logs().at(step) || done) {
                    double seconds = (now - intervalStart) / 1e9;
                    double tokensPerSecond = seconds > 0 ? intervalTokens / seconds : 0.0;
                    record(new MetricsRecord.Train(MetricsRecord.now(), step, consumedTokens, intervalLossSum / intervalSteps, rate,
                            update.gradientNorm(), tokensPerSecond, elapsed, Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory(),
                            backend.peakMemoryBytes() >= 0 ? backend.peakMemoryBytes() : -1,
                            backend.peakFlops() > 0 ? tokensPerSecond * flopsPerToken / backend.peakFlops() : Double.NaN, intervalSteps,
                            group.distributed() ? intervalSentBytes / intervalSteps : -1));
                    intervalSentBytes = 0;
                    intervalStart = now;
                    intervalTokens = 0;
                    intervalLossSum = 0;
                    intervalSteps = 0;
                }
                for (EvaluationState e : evaluations.values()) {
                    if (e.evaluation.periodic().at(step) || done && e.evaluation.periodic().enabled()) {
                        evaluate(e, step, consumedTokens);
                    }
                }
                if (done) {
                    runTest(step, consumedTokens);
                }
                if (plan.exportFormat() != null && exporter != null && (plan.exports().at(step) || done && plan.exports().enabled())) {
                    export(step);
                }
                boolean stopping = (group.distributed() ? stopAgreed : stop.isRequested()) && !done;
                if (plan.checkpoints().at(step) || done && plan.checkpoints().enabled() || stopping) {
                    lastCheckpoint = saveCheckpoint(store, step, consumedTokens, elapsedBefore + (System.nanoTime() - runStart) / 1e9,
                            parameters, optimizer, training, evaluations);
                }
                if (stopping) {
                    record(new MetricsRecord.Stopped(MetricsRecord.now(), step, stopReason(stop), run.relative(lastCheckpoint)));
                    say("stopped at step " + step + " (" + stopReason(stop) + "); checkpoint " + lastCheckpoint
                            + " written, run the same command again to resume");
                    return new RunOutcome(RunOutcome.Status.STOPPED, step, lastLoss, "stopped on request", lastCheckpoint);
                }
            }
        } catch (IOException | UncheckedIOException | CheckpointMismatchException | CommunicatorException e) {
            return fail(step, consumedTokens, "step " + step + ": " + e.getMessage(), lastLoss);
        }
        backend.copyToHost();
        record(new MetricsRecord.Finished(MetricsRecord.now(), step, lastLoss, consumedTokens));
        say("finished: " + step + " steps, last loss " + String.format(java.util.Locale.ROOT, "%.4f", lastLoss));
        return new RunOutcome(RunOutcome.Status.FINISHED, step, lastLoss, "finished", lastCheckpoint);
    }

    private static String stopReason(StopSignal stop) {
        return stop.reason() != null ? stop.reason() : "another worker was asked to stop";
    }

    /** Appends to metrics.jsonl on the rank that writes the run's files. */
    private void record(MetricsRecord line) {
        if (metrics != null) {
            metrics.append(line);
        }
    }

    private static MetricsRecord.DatasetSummary datasetSummary(SequenceSampler sampler) {
        return new MetricsRecord.DatasetSummary(sampler.description(), sampler.skippedDocuments());
    }

    private RunOutcome fail(long step, long consumedTokens, String message, double loss) {
        record(new MetricsRecord.Failed(MetricsRecord.now(), step, message, consumedTokens));
        say("error: " + message);
        return new RunOutcome(RunOutcome.Status.FAILED, step, loss, message, null);
    }

    private static String lastCheckpointText(CheckpointStore store) {
        try {
            List<Long> steps = store.steps();
            return steps.isEmpty() ? "No checkpoint was written before." : "Checkpoint " + store.pathOf(steps.getLast())
                    + " is intact and a new run resumes from it.";
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * This rank's micro-batches of the next global batch of {@code sequences} samples: every rank draws all of them, so
     * samplers stay at the same position on every rank, and keeps its contiguous share of the micro-batches.
     */
    private List<SequenceBatch> nextMicroBatches(SequenceSampler sampler, int sequences) {
        int count = (sequences + plan.microBatchSize() - 1) / plan.microBatchSize();
        int first = count * group.rank() / group.worldSize();
        int end = count * (group.rank() + 1) / group.worldSize();
        List<SequenceBatch> batches = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            List<PackedSequence> samples = new ArrayList<>(plan.microBatchSize());
            for (int i = 0; i < plan.microBatchSize(); i++) {
                samples.add(sampler.next());
            }
            if (index >= first && index < end) {
                batches.add(layout.toBatch(samples));
            }
        }
        return batches;
    }

    /** One evaluation: {@code iterations} batches, loss averaged over all counted targets. */
    private void evaluate(EvaluationState e, long step, long consumedTokens) {
        long start = System.nanoTime();
        double lossSum = 0;
        long counted = 0;
        for (int iteration = 0; iteration < e.evaluation.iterations(); iteration++) {
            for (SequenceBatch batch : nextMicroBatches(e.sampler, plan.batchSize())) {
                int c = batch.countedTargets();
                if (c > 0) {
                    lossSum += (double) backend.loss(batch) * c;
                    counted += c;
                }
            }
        }
        e.runs++;
        double[] totals = group.communicator().allReduceSum(lossSum, counted);
        lossSum = totals[0];
        counted = (long) totals[1];
        double loss = counted == 0 ? Double.NaN : lossSum / counted;
        record(new MetricsRecord.Evaluation(MetricsRecord.now(), false, step, e.evaluation.name(), e.evaluation.datasetName(), loss,
                e.evaluation.iterations(), counted, consumedTokens, (System.nanoTime() - start) / 1e9));
        listener.evaluated(e.evaluation.name(), step, loss);
    }

    private void runTest(long step, long consumedTokens) throws IOException {
        if (plan.testIters() == 0) {
            return;
        }
        if (!plan.datasets().containsKey(TrainingPlan.TEST)) {
            say("warning: training.test_iters is " + plan.testIters() + " but data.datasets has no '" + TrainingPlan.TEST
                    + "' dataset; no test evaluation");
            return;
        }
        EvaluationState test = new EvaluationState(new TrainingPlan.Evaluation(TrainingPlan.TEST, TrainingPlan.TEST,
                TrainingPlan.Periodic.NEVER, plan.testIters()), sampler(TrainingPlan.TEST, plan.dataSeed() + TrainingPlan.TEST.hashCode()));
        long start = System.nanoTime();
        double lossSum = 0;
        long counted = 0;
        for (int iteration = 0; iteration < plan.testIters(); iteration++) {
            for (SequenceBatch batch : nextMicroBatches(test.sampler, plan.batchSize())) {
                int c = batch.countedTargets();
                if (c > 0) {
                    lossSum += (double) backend.loss(batch) * c;
                    counted += c;
                }
            }
        }
        double[] totals = group.communicator().allReduceSum(lossSum, counted);
        lossSum = totals[0];
        counted = (long) totals[1];
        double loss = counted == 0 ? Double.NaN : lossSum / counted;
        record(new MetricsRecord.Evaluation(MetricsRecord.now(), true, step, TrainingPlan.TEST, TrainingPlan.TEST, loss, plan.testIters(),
                counted, consumedTokens, (System.nanoTime() - start) / 1e9));
        listener.evaluated(TrainingPlan.TEST, step, loss);
    }

    private void export(long step) throws IOException {
        backend.copyToHost(); // a collective with ZeRO: every rank, before rank 0 alone writes
        if (!group.writesFiles()) {
            return;
        }
        RunDirectory run = RunDirectory.of(plan.experimentDir());
        Path exports = run.exports();
        Path target = run.export(step);
        if (Files.exists(target)) {
            return;
        }
        Path temporary = exports.resolve(StepDirectory.temporaryName(step));
        Files.createDirectories(temporary);
        exporter.export(model, temporary);
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target);
        }
        record(new MetricsRecord.ExportWritten(MetricsRecord.now(), step, plan.exportFormat(), run.relative(target)));
        say("export (" + plan.exportFormat() + ") written to " + target);
        if (plan.keepExports() > 0) {
            List<Path> all = StepDirectory.list(exports);
            for (int i = 0; i < all.size() - plan.keepExports(); i++) {
                deleteRecursively(all.get(i));
            }
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private Path saveCheckpoint(CheckpointStore store, long step, long consumedTokens, double elapsed, List<Parameter> parameters,
            AdamW optimizer, SequenceSampler training, Map<String, EvaluationState> evaluations) throws IOException {
        long start = System.nanoTime();
        backend.copyToHost(); // a collective with ZeRO: every rank, before rank 0 alone writes
        if (!group.writesFiles()) {
            return store.pathOf(step);
        }
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("step", step);
        state.put("consumed_tokens", consumedTokens);
        state.put("elapsed_s", elapsed);
        state.put("train_iters", plan.trainIters());
        state.put("batch_size", plan.batchSize());
        state.put("sequence_length", plan.sequenceLength());
        Map<String, Object> seeds = new LinkedHashMap<>();
        seeds.put("model", plan.modelSeed());
        seeds.put("data", plan.dataSeed());
        state.put("seeds", seeds);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(TrainingPlan.TRAINING, training.position());
        for (EvaluationState e : evaluations.values()) {
            Map<String, Object> evaluation = new LinkedHashMap<>();
            evaluation.put("runs", e.runs);
            evaluation.put("position", e.sampler.position());
            data.put("evaluation:" + e.evaluation.name(), evaluation);
        }
        state.put("data", data);
        Path written = store.save(step, parameters, optimizer, state);
        record(new MetricsRecord.CheckpointSaved(MetricsRecord.now(), step, RunDirectory.of(plan.experimentDir()).relative(written),
                (System.nanoTime() - start) / 1e9));
        say("checkpoint written: " + written);
        return written;
    }

    @SuppressWarnings("unchecked")
    private void restorePositions(Map<String, Object> state, SequenceSampler training, Map<String, EvaluationState> evaluations,
            Path checkpoint) {
        if (!(state.get("data") instanceof Map<?, ?> data)) {
            throw new CheckpointMismatchException(checkpoint + "/state.json has no data positions");
        }
        try {
            if (training != null) {
                training.restore(longs(data.get(TrainingPlan.TRAINING)));
            }
            for (EvaluationState e : evaluations.values()) {
                if (data.get("evaluation:" + e.evaluation.name()) instanceof Map<?, ?> saved) {
                    e.runs = ((Number) saved.get("runs")).longValue();
                    e.sampler.restore(longs(saved.get("position")));
                } else {
                    say("evaluator " + e.evaluation.name() + " is new since checkpoint " + checkpoint + "; it starts at the beginning of "
                            + e.evaluation.datasetName());
                }
            }
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            throw new CheckpointMismatchException("the data position saved in " + checkpoint
                    + "/state.json does not fit the datasets of this config (" + e.getMessage()
                    + "); was data.datasets changed? Use a new run.experiment_dir for a different dataset");
        }
        if (state.get("sequence_length") instanceof Number saved && saved.intValue() != plan.sequenceLength()) {
            say("warning: batch.sequence_length changed from " + saved + " to " + plan.sequenceLength()
                    + " since the checkpoint; the run continues but does not reproduce an uninterrupted one");
        }
        if (state.get("batch_size") instanceof Number saved && saved.intValue() != plan.batchSize()) {
            say("warning: batch.batch_size changed from " + saved + " to " + plan.batchSize() + " since the checkpoint");
        }
    }

    private static long[] longs(Object list) {
        return ((List<?>) list).stream().mapToLong(v -> ((Number) v).longValue()).toArray();
    }

    private static long number(Map<String, Object> state, String key) {
        if (state.get(key) instanceof Number n) {
            return n.longValue();
        }
        throw new CheckpointMismatchException("checkpoint state.json has no '" + key + "'");
    }

    private SequenceSampler sampler(String datasetName, long seed) throws IOException {
        DatasetSource source = plan.datasets().get(datasetName);
        if (source == null) {
            throw new IllegalArgumentException("data.datasets." + datasetName + ": not defined");
        }
        return sampler(source, seed);
    }

    private SequenceSampler sampler(DatasetSource source, long seed) throws IOException {
        if (source instanceof DatasetSource.Blended blended) {
            List<SequenceSampler> components = new ArrayList<>();
            for (int i = 0; i < blended.datasets().size(); i++) {
                components.add(sampler(blended.datasets().get(i), seed + 1 + i));
            }
            return new BlendedSampler(components, blended.weights());
        }
        DocumentDataset dataset = VocabularyCheckedDataset.of(source, source.open(), plan.architecture().vocabSize());
        openDatasets.add(dataset);
        return new DocumentPacker(dataset, plan.sequenceLength(), plan.truncateDocuments(), seed, plan.shuffling());
    }

    private void say(String text) {
        listener.message(text);
        if (logFile != null) {
            try {
                Files.writeString(logFile, java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " " + text + "\n",
                        StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                // The log file is a convenience copy; the listener has the message.
            }
        }
    }

    /** An evaluator with its sampler and how many evaluations it has made. */
    private static final class EvaluationState {
        final TrainingPlan.Evaluation evaluation;
        final SequenceSampler sampler;
        long runs;

        EvaluationState(TrainingPlan.Evaluation evaluation, SequenceSampler sampler) {
            this.evaluation = evaluation;
            this.sampler = sampler;
        }
    }
}
