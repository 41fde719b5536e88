package org.trainbench.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.tensor.Parameter;
import org.trainbench.engine.train.checkpoint.CheckpointStore;

class TrainerTest {
    /**
     * Said when losses that must be bit-identical differ in the last digits: the trainer's own state (AdamW, data
     * positions) is reproducible, so such a difference comes from a forward/backward whose rounding changes with the
     * JIT tier (e.g. reduceLanes(ADD) or lanewise(EXP), which HotSpot compiles differently from the interpreter).
     */
    private static final String REPRODUCIBILITY = " (tiny differences mean LlamaModel.forwardBackward is not bit-reproducible across JIT tiers)";

    @TempDir
    Path temp;

    private RunOutcome run(TrainingPlan plan, TinyRuns.Recorder recorder, StopSignal stop) throws IOException {
        return new Trainer(plan, recorder, null, null).run(Trainer.ResumePolicy.AUTO, stop);
    }

    @Test
    void stoppingAfterThreeStepsAndResumingGivesTheSameLossesBitForBitAsSixStepsInARow() throws IOException {
        TrainingPlan straight = TinyRuns.plan(temp.resolve("data"), temp.resolve("straight"), 6, 0);
        TinyRuns.Recorder uninterrupted = new TinyRuns.Recorder();
        Trainer straightTrainer = new Trainer(straight, uninterrupted, null, null);
        assertEquals(RunOutcome.Status.FINISHED, straightTrainer.run(Trainer.ResumePolicy.AUTO, new StopSignal()).status());

        TrainingPlan interrupted = TinyRuns.plan(temp.resolve("data"), temp.resolve("interrupted"), 6, 0);
        TinyRuns.Recorder first = new TinyRuns.Recorder();
        StopSignal stop = new StopSignal();
        first.afterStep.put(3L, () -> stop.request("test"));
        RunOutcome stopped = run(interrupted, first, stop);
        assertEquals(RunOutcome.Status.STOPPED, stopped.status());
        assertEquals(3, stopped.step());
        assertTrue(Files.isDirectory(temp.resolve("interrupted/checkpoints/step-3")), "a stop writes a checkpoint even without an interval");

        TinyRuns.Recorder second = new TinyRuns.Recorder();
        Trainer resumedTrainer = new Trainer(interrupted, second, null, null);
        RunOutcome resumed = resumedTrainer.run(Trainer.ResumePolicy.AUTO, new StopSignal());
        assertEquals(RunOutcome.Status.FINISHED, resumed.status());
        assertTrue(second.messages.stream().anyMatch(m -> m.startsWith("resuming from checkpoint")), second.messages.toString());

        List<Double> combined = new java.util.ArrayList<>(first.losses);
        combined.addAll(second.losses);
        assertEquals(6, combined.size());
        for (int i = 0; i < 6; i++) {
            assertEquals(Double.doubleToRawLongBits(uninterrupted.losses.get(i)), Double.doubleToRawLongBits(combined.get(i)),
                    "step " + (i + 1) + ": " + uninterrupted.losses.get(i) + " vs " + combined.get(i) + REPRODUCIBILITY);
        }
        List<Parameter> a = straightTrainer.model().parameters();
        List<Parameter> b = resumedTrainer.model().parameters();
        for (int p = 0; p < a.size(); p++) {
            assertTrue(java.util.Arrays.equals(a.get(p).data(), b.get(p).data()), "final weights of " + a.get(p).name());
        }
        // Validation continues through its dataset across the resume, too.
        List<Object> straightValidation = TinyRuns.ofType(TinyRuns.metrics(temp.resolve("straight")), "validation").stream()
                .map(l -> l.get("loss")).toList();
        List<Object> resumedValidation = TinyRuns.ofType(TinyRuns.metrics(temp.resolve("interrupted")), "validation").stream()
                .map(l -> l.get("loss")).toList();
        assertEquals(straightValidation, resumedValidation);
    }

    @Test
    void theSameConfigAndSeedGiveIdenticalLossesAndTheLossFalls() throws IOException {
        TinyRuns.Recorder one = new TinyRuns.Recorder();
        TinyRuns.Recorder two = new TinyRuns.Recorder();
        run(TinyRuns.plan(temp.resolve("data"), temp.resolve("one"), 12, 0), one, new StopSignal());
        run(TinyRuns.plan(temp.resolve("data"), temp.resolve("two"), 12, 0), two, new StopSignal());
        assertEquals(one.losses, two.losses, REPRODUCIBILITY);
        double firstLoss = one.losses.getFirst();
        assertEquals(Math.log(TinyRuns.VOCAB), firstLoss, 0.3, "an untrained model is near uniform");
        assertTrue(one.losses.getLast() < firstLoss - 0.5, "12 steps on counting documents lower the loss: " + one.losses);
    }

    @Test
    void gradientAccumulationOverMicroBatchesMatchesOneBigMicroBatch() throws IOException {
        TrainingPlan accumulated = TinyRuns.plan(temp.resolve("data"), temp.resolve("acc"), 3, 0);
        TinyRuns.Recorder split = new TinyRuns.Recorder();
        TinyRuns.Recorder whole = new TinyRuns.Recorder();
        run(TinyRuns.withMicroBatch(accumulated, 1, temp.resolve("micro1")), split, new StopSignal());
        run(TinyRuns.withMicroBatch(accumulated, 4, temp.resolve("micro4")), whole, new StopSignal());
        for (int i = 0; i < 3; i++) {
            assertEquals(whole.losses.get(i), split.losses.get(i), 1e-5, "step " + (i + 1));
        }
    }

    @Test
    void metricsJsonlHasStartTrainValidationCheckpointAndFinishLines() throws IOException {
        Path dir = temp.resolve("run");
        run(TinyRuns.plan(temp.resolve("data"), dir, 4, 2), new TinyRuns.Recorder(), new StopSignal());
        List<Map<String, Object>> lines = TinyRuns.metrics(dir);
        assertEquals("started", lines.getFirst().get("event"));
        assertEquals(4L, lines.getFirst().get("train_iters"));
        assertEquals(ProcessHandle.current().pid(), ((Number) lines.getFirst().get("pid")).longValue());
        assertNotNull(lines.getFirst().get("host"));
        List<Map<String, Object>> train = TinyRuns.ofType(lines, "train");
        assertEquals(4, train.size());
        Map<String, Object> second = train.get(1);
        for (String key : List.of("step", "consumed_tokens", "loss", "lr", "grad_norm", "tokens_per_s", "elapsed_s", "memory_bytes", "time")) {
            assertNotNull(second.get(key), key + " in " + second);
        }
        assertEquals(2L, second.get("step"));
        assertEquals(2L * 4 * 16, second.get("consumed_tokens"));
        // Step 2 is the end of warmup: the base rate.
        assertEquals(3e-2, (Double) second.get("lr"), 1e-15);
        List<Map<String, Object>> validation = TinyRuns.ofType(lines, "validation");
        assertEquals(List.of(2L, 4L), validation.stream().map(l -> l.get("step")).toList());
        assertEquals("validation", validation.getFirst().get("dataset"));
        assertEquals(List.of(2L, 4L), TinyRuns.events(lines, "checkpoint_saved").stream().map(l -> l.get("step")).toList());
        assertEquals("checkpoints/step-4", TinyRuns.events(lines, "checkpoint_saved").getLast().get("path"));
        assertEquals("finished", lines.getLast().get("event"));
        assertTrue(Files.readString(dir.resolve("config.resolved.yaml")).contains("train_iters: 4"));
        assertTrue(Files.readString(dir.resolve("logs/train.log")).contains("checkpoint written"));
    }

    @Test
    void aNonFiniteLossStopsTheRunWithAClearMessageAndKeepsTheLastCheckpoint() throws IOException {
        Path dir = temp.resolve("nan");
        TinyRuns.Recorder recorder = new TinyRuns.Recorder();
        TrainingPlan plan = TinyRuns.plan(temp.resolve("data"), dir, 6, 2);
        Trainer trainer = new Trainer(plan, recorder, null, null);
        // After step 3 a weight goes bad (as an overflow would make it): step 4's loss is NaN.
        recorder.afterStep.put(3L, () -> trainer.model().parameter("model.norm.weight").data()[0] = Float.NaN);
        RunOutcome outcome = trainer.run(Trainer.ResumePolicy.AUTO, new StopSignal());
        assertEquals(RunOutcome.Status.FAILED, outcome.status());
        assertTrue(outcome.message().contains("training loss is NaN at step 4"), outcome.message());
        assertTrue(outcome.message().contains("step-2 is intact"), outcome.message());
        CheckpointStore.verify(dir.resolve("checkpoints/step-2"), 2);
        assertFalse(Files.exists(dir.resolve("checkpoints/step-4")));
        Map<String, Object> failed = TinyRuns.metrics(dir).getLast();
        assertEquals("failed", failed.get("event"));
        assertEquals(4L, failed.get("step"));
    }

    @Test
    void refusingToResumeFailsWhenCheckpointsExist() throws IOException {
        Path dir = temp.resolve("refuse");
        TrainingPlan plan = TinyRuns.plan(temp.resolve("data"), dir, 2, 2);
        run(plan, new TinyRuns.Recorder(), new StopSignal());
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> new Trainer(plan, new TinyRuns.Recorder(), null, null).run(Trainer.ResumePolicy.NEVER, new StopSignal()));
        assertTrue(error.getMessage().contains("run.experiment_dir"), error.getMessage());
    }

    @Test
    void aCompletedRunResumedWithMoreIterationsContinuesFromItsLastCheckpoint() throws IOException {
        Path dir = temp.resolve("extend");
        TrainingPlan plan = TinyRuns.plan(temp.resolve("data"), dir, 2, 2);
        run(plan, new TinyRuns.Recorder(), new StopSignal());
        TinyRuns.Recorder more = new TinyRuns.Recorder();
        RunOutcome outcome = run(TinyRuns.withIters(plan, 4), more, new StopSignal());
        assertEquals(4, outcome.step());
        assertEquals(2, more.losses.size());
        assertEquals(2L, TinyRuns.events(TinyRuns.metrics(dir), "started").getLast().get("resumed_from_step"));
    }

    @Test
    void aCorruptNewestCheckpointIsReportedAndTheRunResumesFromThePreviousOne() throws IOException {
        Path dir = temp.resolve("corrupt");
        TinyRuns.Recorder first = new TinyRuns.Recorder();
        run(TinyRuns.plan(temp.resolve("data"), dir, 4, 2), first, new StopSignal());
        Path optimizer = dir.resolve("checkpoints/step-4/optimizer.safetensors");
        byte[] bytes = Files.readAllBytes(optimizer);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(optimizer, bytes);

        TinyRuns.Recorder second = new TinyRuns.Recorder();
        RunOutcome outcome = run(TinyRuns.plan(temp.resolve("data"), dir, 6, 2), second, new StopSignal());
        assertEquals(RunOutcome.Status.FINISHED, outcome.status());
        String messages = String.join("\n", second.messages);
        assertTrue(messages.contains(optimizer.toString()) && messages.contains("checksum mismatch"), messages);
        assertTrue(messages.contains("falling back to the previous checkpoint"), messages);
        assertTrue(messages.contains("resuming from checkpoint " + dir.resolve("checkpoints/step-2")), messages);
        // Steps 3 and 4 are made again from step 2 and give the same losses as the first time.
        assertEquals(4, second.losses.size());
        assertEquals(first.losses.subList(2, 4), second.losses.subList(0, 2), REPRODUCIBILITY);
        CheckpointStore.verify(dir.resolve("checkpoints/step-4"), 4);
    }

    @Test
    void testItersEvaluateTheTestDatasetAfterTheLastStep() throws IOException {
        Path dir = temp.resolve("test-iters");
        TrainingPlan plan = TinyRuns.variant(TinyRuns.plan(temp.resolve("data"), dir, 3, 0), 2, TrainingPlan.Periodic.NEVER, null);
        run(plan, new TinyRuns.Recorder(), new StopSignal());
        List<Map<String, Object>> lines = TinyRuns.metrics(dir);
        List<Map<String, Object>> test = TinyRuns.ofType(lines, "test");
        assertEquals(1, test.size());
        assertEquals(3L, test.getFirst().get("step"));
        assertEquals(2L, test.getFirst().get("iterations"));
        assertTrue((Double) test.getFirst().get("loss") > 0);
    }

    @Test
    void everyLineOfARunReadsBackAsItsTypedRecordAndIsWrittenAgainByteForByte() throws Exception {
        Path dir = temp.resolve("typed");
        TrainingPlan plan = TinyRuns.variant(TinyRuns.plan(temp.resolve("data"), dir, 4, 2), 2, TrainingPlan.Periodic.every(4), null);
        new Trainer(plan, new TinyRuns.Recorder(), null, HuggingFaceLlama.exporter(plan)).run(Trainer.ResumePolicy.AUTO, new StopSignal());
        java.util.Set<String> kinds = new java.util.TreeSet<>();
        for (String line : Files.readAllLines(org.trainbench.engine.run.RunDirectory.of(dir).metrics())) {
            org.trainbench.engine.run.MetricsRecord record = org.trainbench.engine.run.MetricsRecord.parse(line, "metrics.jsonl");
            assertEquals(line, org.trainbench.engine.json.Json.write(record.toJson()));
            kinds.add(record.getClass().getSimpleName() + (record instanceof org.trainbench.engine.run.MetricsRecord.Evaluation e && e.test() ? " test" : ""));
        }
        assertEquals(java.util.Set.of("CheckpointSaved", "Evaluation", "Evaluation test", "ExportWritten", "Finished", "Started", "Train"), kinds);
    }

    @Test
    void anExportedModelStartsAnotherRunAsPretrainedWithIdenticalWeights() throws IOException {
        Path first = temp.resolve("exporting");
        TrainingPlan exporting = TinyRuns.variant(TinyRuns.plan(temp.resolve("data"), first, 4, 0), 0, TrainingPlan.Periodic.every(2), null);
        Trainer trainer = new Trainer(exporting, new TinyRuns.Recorder(), null, HuggingFaceLlama.exporter(exporting));
        trainer.run(Trainer.ResumePolicy.AUTO, new StopSignal());
        assertEquals(List.of(2L, 4L), TinyRuns.events(TinyRuns.metrics(first), "export_written").stream().map(l -> l.get("step")).toList());
        assertTrue(Files.isRegularFile(first.resolve("export/step-4/config.json")));

        TrainingPlan.Pretrained pretrained = new TrainingPlan.Pretrained("llama", first.resolve("export/step-4"), true);
        TrainingPlan continuing = TinyRuns.variant(TinyRuns.withIters(TinyRuns.plan(temp.resolve("data"), temp.resolve("continuing"), 1, 0), 0),
                0, TrainingPlan.Periodic.NEVER, pretrained);
        Trainer second = new Trainer(continuing, new TinyRuns.Recorder(), HuggingFaceLlama.loader(), null);
        second.run(Trainer.ResumePolicy.AUTO, new StopSignal());
        List<Parameter> a = trainer.model().parameters();
        List<Parameter> b = second.model().parameters();
        for (int p = 0; p < a.size(); p++) {
            assertTrue(java.util.Arrays.equals(a.get(p).data(), b.get(p).data()), a.get(p).name());
        }
    }
}
