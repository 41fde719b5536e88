package org.trainbench.engine.train.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.tensor.Parameter;
import org.trainbench.engine.train.distributed.FlatPartition;
import org.trainbench.engine.train.optim.AdamW;

class CheckpointStoreTest {
    @TempDir
    Path dir;

    private final List<String> messages = new ArrayList<>();

    private static List<Parameter> parameters(float base) {
        Parameter weight = new Parameter("model.layers.0.mlp.up_proj.weight", new int[] {3, 5}, true);
        Parameter norm = new Parameter("model.norm.weight", new int[] {5}, false);
        for (int i = 0; i < weight.size(); i++) {
            weight.data()[i] = base + i * 0.1f;
            weight.grad()[i] = (i % 3 - 1) * 0.01f;
        }
        for (int i = 0; i < norm.size(); i++) {
            norm.data()[i] = 1 + base * i;
            norm.grad()[i] = 0.02f * i;
        }
        return List.of(weight, norm);
    }

    private CheckpointStore store(int keep) {
        return new CheckpointStore(dir.resolve("checkpoints"), keep, messages::add);
    }

    private Path saveAt(CheckpointStore store, long step, float base) throws IOException {
        List<Parameter> params = parameters(base);
        AdamW adam = new AdamW(AdamW.Settings.fastLlmDefaults(), params);
        for (int i = 0; i < step; i++) {
            adam.update(1e-2);
        }
        return store.save(step, params, adam, Map.of("step", step, "data", Map.of("training", new long[] {0, 3, 1, 7})));
    }

    /**
     * Checkpoints are written by the engine's one safetensors writer (they had a writer of their own before): the
     * model file is byte for byte what that writer produced (8-byte length, compact JSON header padded with spaces to
     * 8 bytes, F32 data), so checkpoints written before still read, and this one reads in older builds.
     */
    @Test
    void theModelFileKeepsTheCheckpointLayoutByteForByte() throws IOException {
        List<Parameter> params = parameters(0.25f);
        Path checkpoint = store(1).save(0, params, new AdamW(AdamW.Settings.fastLlmDefaults(), params), Map.of("step", 0L));
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"model.layers.0.mlp.up_proj.weight\":{\"dtype\":\"F32\",\"shape\":[3,5],\"data_offsets\":[0,60]},"
                + "\"model.norm.weight\":{\"dtype\":\"F32\",\"shape\":[5],\"data_offsets\":[60,80]}}";
        int padded = (header.length() + 7) / 8 * 8;
        java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(8 + padded).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put((header + " ".repeat(padded - header.length())).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        expected.write(head.array());
        for (Parameter p : params) {
            java.nio.ByteBuffer data = java.nio.ByteBuffer.allocate(4 * p.size()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            data.asFloatBuffer().put(p.data());
            expected.write(data.array());
        }
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(checkpoint.resolve(CheckpointStore.MODEL_FILE)));
    }

    @Test
    void aSavedCheckpointRestoresWeightsMomentsStepAndStateExactly() throws IOException {
        List<Parameter> params = parameters(0.5f);
        AdamW adam = new AdamW(AdamW.Settings.fastLlmDefaults(), params);
        adam.update(1e-2);
        adam.update(5e-3);
        CheckpointStore store = store(5);
        store.save(2, params, adam, Map.of("step", 2L, "consumed_tokens", 256L));

        List<Parameter> restored = parameters(9f);
        AdamW restoredAdam = new AdamW(AdamW.Settings.fastLlmDefaults(), restored);
        CheckpointStore.Checkpoint latest = store.latestValid().orElseThrow();
        assertEquals(2, latest.step());
        Map<String, Object> state = CheckpointStore.restore(latest, restored, restoredAdam);
        for (int p = 0; p < params.size(); p++) {
            assertArrayEquals(params.get(p).data(), restored.get(p).data());
            assertArrayEquals(adam.firstMoment(p), restoredAdam.firstMoment(p));
            assertArrayEquals(adam.secondMoment(p), restoredAdam.secondMoment(p));
        }
        assertEquals(2L, restoredAdam.step());
        assertEquals(256L, state.get("consumed_tokens"));
        assertTrue(messages.isEmpty(), messages.toString());
    }

    @Test
    void rotationKeepsOnlyTheNewestCheckpoints() throws IOException {
        CheckpointStore store = store(2);
        for (long step = 1; step <= 4; step++) {
            saveAt(store, step, step);
        }
        assertEquals(List.of(3L, 4L), store.steps());
    }

    @Test
    void aCheckpointKilledWhileWritingIsIgnoredAndTheLatestCompleteOneIsUsed() throws IOException {
        CheckpointStore store = store(0);
        saveAt(store, 4, 1f);
        Path six = saveAt(store, 6, 2f);
        // Simulate a kill: a half-written temporary directory for step 8 ...
        Path partial = Files.createDirectories(dir.resolve("checkpoints/.tmp-step-8"));
        Files.write(partial.resolve("model.safetensors"), new byte[] {1, 2, 3});
        // ... and a step-6 directory whose model file lost its tail (e.g. a copy cut short).
        Path model = six.resolve(CheckpointStore.MODEL_FILE);
        try (FileChannel channel = FileChannel.open(model, StandardOpenOption.WRITE)) {
            channel.truncate(Files.size(model) - 17);
        }

        store.removeLeftovers();
        assertFalse(Files.exists(partial), "the interrupted temporary directory is removed");
        CheckpointStore.Checkpoint latest = store.latestValid().orElseThrow();
        assertEquals(4, latest.step());
        String report = String.join("\n", messages);
        assertTrue(report.contains(".tmp-step-8"), report);
        assertTrue(report.contains(model.toString()), "the message names the damaged file: " + report);
        assertTrue(report.contains("truncated"), report);
        assertTrue(report.contains("falling back to the previous checkpoint"), report);
    }

    @Test
    void aChecksumMismatchIsReportedAndThePreviousCheckpointIsUsed() throws IOException {
        CheckpointStore store = store(0);
        saveAt(store, 2, 1f);
        Path four = saveAt(store, 4, 2f);
        Path optimizer = four.resolve(CheckpointStore.OPTIMIZER_FILE);
        byte[] bytes = Files.readAllBytes(optimizer);
        bytes[bytes.length - 3] ^= 0x40;
        Files.write(optimizer, bytes);

        CheckpointStore.Checkpoint latest = store.latestValid().orElseThrow();
        assertEquals(2, latest.step());
        String report = String.join("\n", messages);
        assertTrue(report.contains(optimizer.toString()) && report.contains("checksum mismatch"), report);
        CorruptCheckpointException error = assertThrows(CorruptCheckpointException.class, () -> CheckpointStore.verify(four, 4));
        assertEquals(optimizer, error.file());
    }

    @Test
    void aCheckpointWithoutManifestIsIncomplete() throws IOException {
        CheckpointStore store = store(0);
        Path two = saveAt(store, 2, 1f);
        Files.delete(two.resolve(CheckpointStore.MANIFEST_FILE));
        assertTrue(store.latestValid().isEmpty());
        assertTrue(messages.getFirst().contains("manifest.json: missing"), messages.getFirst());
    }

    @Test
    void savingAStepWhoseCheckpointIsCorruptReplacesIt() throws IOException {
        CheckpointStore store = store(0);
        Path two = saveAt(store, 2, 1f);
        Files.write(two.resolve(CheckpointStore.STATE_FILE), "{}".getBytes());
        saveAt(store, 2, 3f);
        CheckpointStore.verify(two, 2);
        assertTrue(messages.getFirst().startsWith("replacing corrupt checkpoint"), messages.getFirst());
    }

    @Test
    void restoringIntoAnotherArchitectureNamesTheTensorAndBothShapes() throws IOException {
        CheckpointStore store = store(0);
        saveAt(store, 1, 1f);
        Parameter wider = new Parameter("model.layers.0.mlp.up_proj.weight", new int[] {3, 6}, true);
        Parameter norm = new Parameter("model.norm.weight", new int[] {5}, false);
        CheckpointMismatchException error = assertThrows(CheckpointMismatchException.class,
                () -> CheckpointStore.restore(store.latestValid().orElseThrow(), List.of(wider, norm), null));
        assertTrue(error.getMessage().contains("model.layers.0.mlp.up_proj.weight") && error.getMessage().contains("[3, 5]")
                && error.getMessage().contains("[3, 6]"), error.getMessage());
    }

    /** Every rank's part of a sharded save, as the ranks of a run do it (rank 0 begins and completes). */
    private static Path saveSharded(CheckpointStore store, long step, FlatPartition partition, List<Parameter> params, AdamW adam)
            throws IOException {
        assertTrue(store.beginSharded(step));
        for (int rank = partition.parts() - 1; rank >= 0; rank--) { // any order: the ranks write in parallel
            store.writeShard(step, rank, partition.parts(), partition.start(rank), partition.end(rank), params, adam);
        }
        return store.completeSharded(step, partition.parts(), params, adam, Map.of("step", step, "consumed_tokens", 64L * step));
    }

    @Test
    void aShardedCheckpointRestoresExactlyWhateverTheShardsAndIsListedLikeAnyOther() throws IOException {
        List<Parameter> params = parameters(0.5f);
        AdamW adam = new AdamW(AdamW.Settings.fastLlmDefaults(), params);
        adam.update(1e-2);
        adam.update(5e-3);
        CheckpointStore store = store(0);
        // 20 elements: an even split of 7, 7 and 6, and the run's 64-aligned split (rank 0 all, ranks 1 and 2 empty)
        Path split = saveSharded(store, 2, FlatPartition.of(20, 3, 1), params, adam);
        Path aligned = saveSharded(store, 4, FlatPartition.of(20, 3), params, adam);
        assertEquals(List.of(2L, 4L), store.steps());
        assertEquals(4L, store.latestValid().orElseThrow().step());
        try (var files = Files.list(split)) {
            assertEquals(List.of("manifest.json", "shard-00000-of-00003.safetensors", "shard-00001-of-00003.safetensors",
                    "shard-00002-of-00003.safetensors", "state.json"), files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        for (Path checkpoint : List.of(split, aligned)) {
            assertTrue(CheckpointStore.isSharded(checkpoint));
            List<Parameter> restored = parameters(9f);
            AdamW restoredAdam = new AdamW(AdamW.Settings.fastLlmDefaults(), restored);
            Map<String, Object> state = CheckpointStore.restore(new CheckpointStore.Checkpoint(
                    org.trainbench.engine.run.StepDirectory.stepOf(checkpoint), checkpoint), restored, restoredAdam);
            for (int p = 0; p < params.size(); p++) {
                assertArrayEquals(params.get(p).data(), restored.get(p).data(), checkpoint + " " + p);
                assertArrayEquals(adam.firstMoment(p), restoredAdam.firstMoment(p));
                assertArrayEquals(adam.secondMoment(p), restoredAdam.secondMoment(p));
            }
            assertEquals(2L, restoredAdam.step());
            assertEquals(64L * org.trainbench.engine.run.StepDirectory.stepOf(checkpoint), ((Number) state.get("consumed_tokens")).longValue());
        }
        assertFalse(CheckpointStore.isSharded(saveAt(store, 6, 1f)), "one process keeps the one-process layout");
        assertTrue(messages.isEmpty(), messages.toString());
    }

    @Test
    void aDamagedShardIsNamedAndThePreviousCheckpointIsUsed() throws IOException {
        List<Parameter> params = parameters(0.5f);
        AdamW adam = new AdamW(AdamW.Settings.fastLlmDefaults(), params);
        CheckpointStore store = store(0);
        saveSharded(store, 2, FlatPartition.of(20, 2, 1), params, adam);
        Path four = saveSharded(store, 4, FlatPartition.of(20, 2, 1), params, adam);
        Path shard = four.resolve(CheckpointStore.shardFileName(1, 2));
        byte[] bytes = Files.readAllBytes(shard);
        bytes[bytes.length - 3] ^= 0x40;
        Files.write(shard, bytes);

        assertEquals(2L, store.latestValid().orElseThrow().step());
        String report = String.join("\n", messages);
        assertTrue(report.contains(shard.toString()) && report.contains("checksum mismatch"), report);
    }

    @Test
    void aShardWrittenWithoutTheOthersIsNoCheckpoint() throws IOException {
        List<Parameter> params = parameters(0.5f);
        AdamW adam = new AdamW(AdamW.Settings.fastLlmDefaults(), params);
        CheckpointStore store = store(0);
        saveSharded(store, 2, FlatPartition.of(20, 2, 1), params, adam);
        assertTrue(store.beginSharded(4));
        store.writeShard(4, 0, 2, 0, 10, params, adam); // rank 1 was killed before writing
        IOException error = assertThrows(IOException.class, () -> store.completeSharded(4, 2, params, adam, Map.of("step", 4L)));
        assertTrue(error.getMessage().contains("rank 1 did not write its shard"), error.getMessage());
        assertEquals(List.of(2L), store.steps());
        store.removeLeftovers();
        assertTrue(Files.notExists(dir.resolve("checkpoints/.tmp-step-4")));
    }

    @Test
    void restoringAShardedCheckpointIntoAnotherArchitectureNamesTheTensor() throws IOException {
        List<Parameter> params = parameters(0.5f);
        CheckpointStore store = store(0);
        saveSharded(store, 1, FlatPartition.of(20, 2, 1), params, new AdamW(AdamW.Settings.fastLlmDefaults(), params));
        Parameter wider = new Parameter("model.layers.0.mlp.up_proj.weight", new int[] {3, 6}, true);
        Parameter norm = new Parameter("model.norm.weight", new int[] {4}, false);
        CheckpointMismatchException error = assertThrows(CheckpointMismatchException.class,
                () -> CheckpointStore.restore(store.latestValid().orElseThrow(), List.of(wider, norm), null));
        assertTrue(error.getMessage().contains("model.layers.0.mlp.up_proj.weight[3, 5]") && error.getMessage().contains("[3, 6]"),
                error.getMessage());
    }
}
