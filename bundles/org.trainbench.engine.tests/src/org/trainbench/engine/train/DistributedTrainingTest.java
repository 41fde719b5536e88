package org.trainbench.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainbench.engine.cli.CliRun.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.cli.CliRun;
import org.trainbench.engine.cli.ExitCodes;
import org.trainbench.engine.train.checkpoint.CheckpointStore;

/**
 * {@code trainbench train --workers N} end to end: worker JVMs on this host over the loopback TCP communicator, against
 * one process training the same config. The tiny config's global batch is 2 micro-batches of 2 sequences, one per
 * worker with 2 workers.
 *
 * <p>What is bit-identical and why: ZeRO 0, 1, 2 and 3 with the same workers give the same checkpoint bytes (the summed
 * gradients are the same reduce-scatter in rank order, the norm is the same shard partials added in rank order, AdamW
 * is element-wise, and ZeRO 3's gathered weights are the bits the owning rank holds). N workers against one process: the first step's loss is the same double (same weights, same
 * micro-batches; its sum of two terms is the same in either grouping), later steps agree to float rounding, since one
 * process accumulates the micro-batch gradients in place where the workers add them after: within 1e-5 relative.
 */
class DistributedTrainingTest {
    private static final double TOLERANCE = 1e-5;

    @TempDir
    Path temp;

    private Path config() throws IOException {
        Path data = temp.resolve("data");
        TinyRuns.writeDataset(data, "training", 300, 3);
        Path file = temp.resolve("tiny.yaml");
        // the schedule is fixed by decay_iterations, so that train_iters may change between segments of one run
        TinyRuns.writeConfig(file, data.resolve("training").toString(), temp.resolve("run"));
        Files.writeString(file, Files.readString(file).replace("warmup_iterations: 1", "warmup_iterations: 1\n    decay_iterations: 8")
                .replace("  logs:\n    interval: 2", "  logs:\n    interval: 1"));
        return file;
    }

    private Process launch(String name, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("train"));
        all.addAll(List.of(args));
        return WorkerProcesses.start(temp.resolve(name + ".log"), Map.of(), all.toArray(String[]::new));
    }

    private String finish(Process process, String name, int seconds) throws Exception {
        boolean ended = process.waitFor(seconds, TimeUnit.SECONDS);
        String log = Files.readString(temp.resolve(name + ".log"));
        if (!ended) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(name + " did not end within " + seconds + " s:\n" + log);
        }
        return log;
    }

    /** The worker with this RANK in its environment (Linux: /proc/PID/environ of our own processes). */
    private static ProcessHandle rank(List<ProcessHandle> workers, int rank) throws IOException {
        for (ProcessHandle worker : workers) {
            String environ = new String(Files.readAllBytes(Path.of("/proc", Long.toString(worker.pid()), "environ")));
            if (List.of(environ.split("\0")).contains("RANK=" + rank)) {
                return worker;
            }
        }
        throw new AssertionError("no worker of rank " + rank + " among " + workers);
    }

    private static List<Double> losses(Path run) throws IOException {
        return TinyRuns.ofType(TinyRuns.metrics(run), "train").stream().map(l -> ((Number) l.get("loss")).doubleValue()).toList();
    }

    private static void assertClose(List<Double> expected, List<Double> actual, String what) {
        assertEquals(expected.size(), actual.size(), what);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), TOLERANCE * Math.abs(expected.get(i)), what + " at line " + (i + 1));
        }
    }

    @Test
    void twoWorkersTrainAsOneProcessAndZeroStagesOneTwoAndThreeGiveTheSameBytesAsNoZero() throws Exception {
        Path file = config();
        CliRun one = cli("train", file.toString(), "--set", "run.experiment_dir=" + temp.resolve("one"));
        assertEquals(ExitCodes.OK, one.exitCode(), one.err());
        List<Double> reference = losses(temp.resolve("one"));

        List<Process> runs = new ArrayList<>();
        for (int stage = 0; stage <= 3; stage++) {
            List<String> args = new ArrayList<>(List.of(file.toString(), "--workers", "2", "--set", "run.experiment_dir=" + temp.resolve("zero" + stage)));
            if (stage > 0) {
                args.addAll(List.of("--set", "model.multi_stage.zero_stage=" + stage));
            }
            if (stage == 3) { // rank 0's export gathers the weights: the reference for the export that merges the shards
                args.addAll(List.of("--set", "training.export.format=llama", "--set", "training.export.interval=4"));
            }
            runs.add(launch("zero" + stage, args.toArray(String[]::new)));
        }
        for (int stage = 0; stage <= 3; stage++) {
            String log = finish(runs.get(stage), "zero" + stage, 180);
            assertEquals(0, runs.get(stage).exitValue(), log);
            assertTrue(log.contains("rank 0 of 2 workers, ZeRO stage " + stage), log);
        }
        List<Double> two = losses(temp.resolve("zero0"));
        assertEquals(reference.getFirst(), two.getFirst(), 0.0, "step 1: same weights, same micro-batches");
        assertClose(reference, two, "2 workers against 1 process");
        for (int stage = 1; stage <= 3; stage++) {
            assertEquals(two, losses(temp.resolve("zero" + stage)), "ZeRO " + stage + " losses");
            for (int rank = 0; rank < 2; rank++) {
                String f = CheckpointStore.shardFileName(rank, 2);
                assertArrayEquals(Files.readAllBytes(temp.resolve("zero0/checkpoints/step-4").resolve(f)),
                        Files.readAllBytes(temp.resolve("zero" + stage + "/checkpoints/step-4").resolve(f)), "ZeRO " + stage + " " + f);
            }
        }
        // a sharded checkpoint is listed like any other, and exporting it merges the shards into the weights rank 0 exported
        CheckpointStore store = new CheckpointStore(temp.resolve("zero3/checkpoints"), 0, m -> { });
        assertEquals(List.of(2L, 4L), store.steps());
        assertEquals(4L, store.latestValid().orElseThrow().step());
        assertTrue(CheckpointStore.isSharded(store.pathOf(4)));
        assertTrue(Files.notExists(store.pathOf(4).resolve(CheckpointStore.MODEL_FILE)), "no whole-model file in a sharded checkpoint");
        Path merged = temp.resolve("merged");
        CliRun exported = cli("export", store.pathOf(4).toString(), "--format", "llama", "--output", merged.toString());
        assertEquals(ExitCodes.OK, exported.exitCode(), exported.err());
        Path duringTraining = org.trainbench.engine.run.RunDirectory.of(temp.resolve("zero3")).exports()
                .resolve(org.trainbench.engine.run.StepDirectory.name(4));
        org.trainbench.engine.model.LlamaModel fromShards = org.trainbench.engine.hf.HfLlamaFormat.load(merged);
        org.trainbench.engine.model.LlamaModel fromRankZero = org.trainbench.engine.hf.HfLlamaFormat.load(duringTraining);
        for (int i = 0; i < fromShards.parameters().size(); i++) {
            assertArrayEquals(fromRankZero.parameters().get(i).data(), fromShards.parameters().get(i).data(),
                    fromShards.parameters().get(i).name());
        }
        long zero2 = sentBytesPerStep(temp.resolve("zero2"));
        long zero3 = sentBytesPerStep(temp.resolve("zero3"));
        assertTrue(zero2 > 0, "ZeRO 2 sends");
        // one micro-batch per rank and step: ZeRO 2 sends a reduce-scatter and an all-gather, ZeRO 3 two all-gathers and a
        // reduce-scatter, each (N-1)/N of the model, plus the same few small messages: 1.5 times, within the headers
        assertEquals(1.5, (double) zero3 / zero2, 0.02, "ZeRO 3 against ZeRO 2 bytes per step: " + zero3 + " / " + zero2);
    }

    private static long sentBytesPerStep(Path run) throws IOException {
        return ((Number) TinyRuns.ofType(TinyRuns.metrics(run), "train").getFirst().get("sent_bytes_per_step")).longValue();
    }

    @Test
    void aRunOfOneProcessResumesInTwoZeroThreeWorkersAndContinuesTheCurve() throws Exception {
        Path file = config();
        CliRun reference = cli("train", file.toString(), "--set", "run.experiment_dir=" + temp.resolve("reference"), "--set",
                "training.train_iters=8");
        assertEquals(ExitCodes.OK, reference.exitCode(), reference.err());

        CliRun first = cli("train", file.toString());
        assertEquals(ExitCodes.OK, first.exitCode(), first.err());
        Process second = launch("second", file.toString(), "--workers", "2", "--set", "model.multi_stage.zero_stage=3", "--set",
                "training.train_iters=8");
        String log = finish(second, "second", 180);
        assertEquals(0, second.exitValue(), log);
        assertTrue(log.contains("resuming from checkpoint " + temp.resolve("run/checkpoints/step-4")), log);
        assertTrue(log.contains("ZeRO stage 3"), log);
        assertClose(losses(temp.resolve("reference")), losses(temp.resolve("run")), "1 process then 2 ZeRO 3 workers against 1 process");
    }

    @Test
    void aRunOfTwoWorkersResumesInOneProcessAndContinuesTheCurve() throws Exception {
        Path file = config();
        CliRun reference = cli("train", file.toString(), "--set", "run.experiment_dir=" + temp.resolve("reference"), "--set",
                "training.train_iters=8");
        assertEquals(ExitCodes.OK, reference.exitCode(), reference.err());

        Process first = launch("first", file.toString(), "--workers", "2", "--set", "model.multi_stage.zero_stage=2");
        String log = finish(first, "first", 120);
        assertEquals(0, first.exitValue(), log);
        assertTrue(CheckpointStore.isSharded(temp.resolve("run/checkpoints/step-4")), "2 workers wrote a sharded checkpoint");
        CliRun second = cli("train", file.toString(), "--set", "training.train_iters=8");
        assertEquals(ExitCodes.OK, second.exitCode(), second.err());
        assertTrue(second.err().contains("resuming from checkpoint " + temp.resolve("run/checkpoints/step-4")), second.err());
        assertClose(losses(temp.resolve("reference")), losses(temp.resolve("run")), "2 workers then 1 process against 1 process");
    }

    @Test
    void aKilledWorkerStopsTheOtherWithinTheTimeoutNamingItAndTheLastCheckpointLoads() throws Exception {
        Path file = config();
        Process launcher = launch("killed", file.toString(), "--workers", "2", "--set", "training.train_iters=100000", "--set",
                "model.distributed.timeout=5", "--set", "training.checkpoint.keep=2");
        Path firstCheckpoint = temp.resolve("run/checkpoints/step-2");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Files.notExists(firstCheckpoint) && System.nanoTime() < deadline && launcher.isAlive()) {
            Thread.sleep(20);
        }
        assertTrue(Files.exists(firstCheckpoint), Files.readString(temp.resolve("killed.log")));
        List<ProcessHandle> workers = launcher.children().toList();
        assertEquals(2, workers.size());
        ProcessHandle rankOne = rank(workers, 1);
        long killedAt = System.nanoTime();
        rankOne.destroyForcibly();
        String log = finish(launcher, "killed", 30);
        double seconds = (System.nanoTime() - killedAt) / 1e9;
        assertTrue(seconds < 5 + 5, "stopped " + seconds + " s after the kill");
        assertNotEquals(0, launcher.exitValue(), log);
        assertTrue(log.contains("the connection to rank 1 closed"), log);
        assertTrue(log.contains("rank 1 was killed"), log);
        assertTrue(workers.stream().noneMatch(ProcessHandle::isAlive), "no worker is left running");

        CheckpointStore store = new CheckpointStore(temp.resolve("run/checkpoints"), 0, m -> { });
        long last = store.latestValid().orElseThrow().step();
        CliRun resumed = cli("train", file.toString(), "--set", "training.train_iters=" + (last + 1));
        assertEquals(ExitCodes.OK, resumed.exitCode(), resumed.err());
        assertTrue(resumed.err().contains("resuming from checkpoint " + store.pathOf(last)), resumed.err());
    }

    @Test
    void aWorkerKilledWhileWritingItsShardLeavesThePreviousCheckpointThatResumesWithoutWorkers() throws Exception {
        Path file = config();
        Path marker = temp.resolve("rank1-wrote-step-4");
        Process launcher = WorkerProcesses.start(temp.resolve("sharded.log"),
                Map.of(), List.of("-Dtrainbench.test.pauseAfterShard=1:4:" + marker),
                "train", file.toString(), "--workers", "2", "--set", "training.train_iters=8", "--set", "model.distributed.timeout=5",
                "--set", "model.multi_stage.zero_stage=3");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (Files.notExists(marker) && System.nanoTime() < deadline && launcher.isAlive()) {
            Thread.sleep(20);
        }
        assertTrue(Files.exists(marker), Files.readString(temp.resolve("sharded.log")));
        Path checkpoints = temp.resolve("run/checkpoints");
        Path temporary = checkpoints.resolve(org.trainbench.engine.run.StepDirectory.temporaryName(4));
        assertTrue(Files.isRegularFile(temporary.resolve(CheckpointStore.shardFileName(1, 2))), "rank 1's shard is written");
        assertTrue(Files.notExists(checkpoints.resolve("step-4")), "not complete while rank 1 has not passed the barrier");
        rank(launcher.children().toList(), 1).destroyForcibly();
        String log = finish(launcher, "sharded", 30);
        assertNotEquals(0, launcher.exitValue(), log);
        assertTrue(log.contains("checkpoint 4 shards written"), log);

        CheckpointStore store = new CheckpointStore(checkpoints, 0, m -> { });
        assertEquals(List.of(2L), store.steps(), "the half-written checkpoint is no step-N");
        assertTrue(CheckpointStore.isSharded(store.pathOf(2)));
        CliRun resumed = cli("train", file.toString(), "--set", "training.train_iters=6");
        assertEquals(ExitCodes.OK, resumed.exitCode(), resumed.err());
        assertTrue(resumed.err().contains("removing incomplete checkpoint directory " + temporary), resumed.err());
        assertTrue(resumed.err().contains("resuming from checkpoint " + store.pathOf(2)), resumed.err());
        assertEquals(List.of(2L, 4L, 6L), store.steps());
        assertTrue(!CheckpointStore.isSharded(store.pathOf(6)), "one process writes the one-process layout");
    }

    @Test
    void aHungWorkerStopsTheOtherAfterTheTimeoutAndIsKilled() throws Exception {
        Path file = config();
        // 5 s: long enough that a loaded 2-core machine does not trip it before the worker is stopped on purpose
        Process launcher = launch("hung", file.toString(), "--workers", "2", "--set", "training.train_iters=100000", "--set",
                "model.distributed.timeout=5");
        Path firstCheckpoint = temp.resolve("run/checkpoints/step-2");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Files.notExists(firstCheckpoint) && System.nanoTime() < deadline && launcher.isAlive()) {
            Thread.sleep(20);
        }
        assertTrue(launcher.isAlive(), "the run ended before a worker was stopped:\n" + Files.readString(temp.resolve("hung.log")));
        List<ProcessHandle> workers = launcher.children().toList();
        ProcessHandle rankOne = rank(workers, 1);
        new ProcessBuilder("kill", "-STOP", Long.toString(rankOne.pid())).start().waitFor();
        String log = finish(launcher, "hung", 40);
        assertTrue(log.contains("no data from rank 1 for 5.0 s (model.distributed.timeout)"), log);
        assertTrue(workers.stream().noneMatch(ProcessHandle::isAlive), "the hung worker was killed");
    }

    @Test
    void workersWhoseConfigsDifferAreRefusedBeforeTraining() throws Exception {
        Path file = config();
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        List<Process> ranks = new ArrayList<>();
        for (int rank = 0; rank < 2; rank++) {
            ranks.add(WorkerProcesses.start(temp.resolve("rank" + rank + ".log"),
                    Map.of("RANK", "" + rank, "WORLD_SIZE", "2", "MASTER_ADDR", "127.0.0.1", "MASTER_PORT", "" + port),
                    "train", file.toString(), "--set", "optimizer.learning_rate.base=" + (rank == 0 ? "0.01" : "0.02")));
        }
        for (int rank = 0; rank < 2; rank++) {
            String log = finish(ranks.get(rank), "rank" + rank, 60);
            assertEquals(ExitCodes.FAILED, ranks.get(rank).exitValue(), log);
            assertTrue(log.contains("rank 1's resolved config differs from rank 0's"), log);
        }
        assertTrue(Files.notExists(temp.resolve("run/metrics.jsonl")), "nothing was trained");
    }

    @Test
    void aTakenPortAndTooFewMicroBatchesAreRefusedBeforeAnyWorkerTrains() throws Exception {
        Path file = config();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CliRun busy = cli("train", file.toString(), "--workers", "2", "--master-port", "" + taken.getLocalPort());
            assertEquals(ExitCodes.USAGE, busy.exitCode());
            assertTrue(busy.err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), busy.err());
        }
        Process uneven = launch("uneven", file.toString(), "--workers", "3");
        String log = finish(uneven, "uneven", 60);
        assertEquals(ExitCodes.FAILED, uneven.exitValue(), log);
        assertTrue(log.contains("2 micro-batches of 2, which 3 workers cannot share evenly"), log);
        assertTrue(Files.notExists(temp.resolve("run/metrics.jsonl")), "nothing was trained");
    }
}
