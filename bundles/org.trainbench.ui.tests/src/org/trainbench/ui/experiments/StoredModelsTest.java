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
