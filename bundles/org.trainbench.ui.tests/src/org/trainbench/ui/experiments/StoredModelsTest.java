package org.trainbench.ui.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredModelsTest {
    @TempDir
    Path dir;

    @Test
    void listsCheckpointsAndExportsWithStepSizeAndTheLossesAtTheirStep() throws IOException {
        Path runDir = dir.resolve("run");
        RunFollower follower = new RunFollower(runDir, "run", new EngineProcesses());
        try (FakeRun run = new FakeRun(runDir, 300, 1024, 0.1, 1.0)) {
            run.started(0).train(10, 100, 10).validation(100).checkpoint(100, 1000).train(110, 200, 10).checkpoint(200, 2000).export(200, 500);
        }
        Files.createDirectories(runDir.resolve("checkpoints/.tmp-step-300"));
        Files.createDirectories(runDir.resolve("checkpoints/step-250"));
        follower.refresh(Instant.now());
        Instant before = Instant.now().minusSeconds(60);

        List<StoredModel> models = StoredModels.list(runDir, follower.metrics());
        assertEquals(4, models.size(), models.toString());
        StoredModel first = models.get(0);
        assertEquals(StoredModel.Kind.CHECKPOINT, first.kind());
        assertEquals(100, first.step());
        long expectedSize = 1000 + "{\"step\":100}".length() + "{\"format\":\"trainbench-checkpoint\",\"step\":100}".length();
        assertEquals(expectedSize, first.sizeBytes());
        assertTrue(first.complete());
        assertTrue(first.time().isAfter(before));
        try (FakeRun reference = new FakeRun(dir.resolve("reference"), 300, 1024, 0.1, 1.0)) {
            assertEquals(reference.loss(100), first.trainLoss(), 1e-12);
            assertEquals(reference.validationLoss(100), first.validationLoss(), 1e-12);
            assertEquals(reference.validationLoss(100), models.get(1).validationLoss(), 1e-12, "no later validation: the last one");
            assertEquals(reference.loss(200), models.get(1).trainLoss(), 1e-12);
        }
        assertEquals(200, models.get(1).step());
        assertEquals(250, models.get(2).step());
        assertFalse(models.get(2).complete(), "no manifest yet");
        StoredModel export = models.get(3);
        assertEquals(StoredModel.Kind.EXPORT, export.kind());
        assertEquals("llama", export.format());
        assertEquals(500 + 2, export.sizeBytes());
    }

    @Test
    void aShardedCheckpointOfSeveralWorkersIsListedLikeAnyOther() throws IOException {
        Path runDir = dir.resolve("run");
        try (FakeRun run = new FakeRun(runDir, 300, 1024, 0.1, 1.0)) {
            run.started(0).train(10, 100, 10);
        }
        // what two workers write: each rank its shard, then rank 0 the manifest (org.trainbench.engine's CheckpointStore)
        org.trainbench.engine.tensor.Parameter weight = new org.trainbench.engine.tensor.Parameter("model.norm.weight", new int[] {40}, false);
        org.trainbench.engine.train.optim.AdamW adam = new org.trainbench.engine.train.optim.AdamW(
                org.trainbench.engine.train.optim.AdamW.Settings.fastLlmDefaults(), List.of(weight));
        org.trainbench.engine.train.checkpoint.CheckpointStore store = new org.trainbench.engine.train.checkpoint.CheckpointStore(
                runDir.resolve("checkpoints"), 0, m -> { });
        assertTrue(store.beginSharded(100));
        store.writeShard(100, 0, 2, 0, 20, List.of(weight), adam);
        store.writeShard(100, 1, 2, 20, 40, List.of(weight), adam);
        Path checkpoint = store.completeSharded(100, 2, List.of(weight), adam, java.util.Map.of("step", 100L));
        assertTrue(org.trainbench.engine.train.checkpoint.CheckpointStore.isSharded(checkpoint));
        RunFollower follower = new RunFollower(runDir, "run", new EngineProcesses());
        follower.refresh(Instant.now());

        List<StoredModel> models = StoredModels.list(runDir, follower.metrics());

        assertEquals(List.of("checkpoint 100 trainbench"), models.stream().map(m -> m.kind().label() + " " + m.step() + " " + m.format()).toList());
        assertTrue(models.getFirst().complete());
        long bytes = 0;
        try (var files = Files.list(checkpoint)) {
            for (Path file : files.toList()) {
                bytes += Files.size(file);
            }
        }
        assertEquals(bytes, models.getFirst().sizeBytes(), "both shards, the state and the manifest");
    }

    @Test
    void anExportWithoutAnEventTakesItsFormatAndWeightTypeFromConfigJsonAndAFurtherExportOfAStepIsListedAfterIt()
            throws IOException {
        Path runDir = dir.resolve("run");
        try (FakeRun run = new FakeRun(runDir, 300, 1024, 0.1, 1.0)) {
            run.started(0).train(10, 100, 10).checkpoint(100, 1000);
        }
        // What trainbench export writes (no metrics line): config.json with model_type and torch_dtype.
        Path exports = runDir.resolve("export");
        Files.createDirectories(exports.resolve("step-100-2"));
        Files.writeString(exports.resolve("step-100-2/config.json"), "{\"model_type\": \"llama\", \"torch_dtype\": \"bfloat16\"}");
        Files.createDirectories(exports.resolve("step-100"));
        Files.writeString(exports.resolve("step-100/config.json"), "{\"model_type\": \"llama\", \"torch_dtype\": \"float32\"}");
        // The engine's staging folder of an export in progress, and a folder that is no export.
        Files.createDirectories(exports.resolve(".step-100-3.export-123"));
        Files.createDirectories(exports.resolve("notes"));
        RunFollower follower = new RunFollower(runDir, "run", new EngineProcesses());
        follower.refresh(Instant.now());

        List<StoredModel> models = StoredModels.list(runDir, follower.metrics());

        assertEquals(List.of("checkpoint 100 trainbench", "export 100 llama (float32)", "export 100 llama (bfloat16)"),
                models.stream().map(m -> m.kind().label() + " " + m.step() + " " + m.format()).toList());
        assertEquals(exports.resolve("step-100-2"), models.get(2).path());
    }

    @Test
    void deletingRemovesTheWholeDirectory() throws IOException {
        Path runDir = dir.resolve("run");
        try (FakeRun run = new FakeRun(runDir, 300, 1024, 0.1, 1.0)) {
            run.started(0).train(10).checkpoint(10, 100).checkpoint(20, 100);
        }
        RunFollower follower = new RunFollower(runDir, "run", new EngineProcesses());
        follower.refresh(Instant.now());
        StoredModel doomed = StoredModels.list(runDir, follower.metrics()).getFirst();
        StoredModels.delete(doomed);
        assertFalse(Files.exists(doomed.path()));
        assertFalse(Files.exists(runDir.resolve("checkpoints/.deleting-step-10")));
        assertEquals(List.of(20L), StoredModels.list(runDir, follower.metrics()).stream().map(StoredModel::step).toList());
    }
}
