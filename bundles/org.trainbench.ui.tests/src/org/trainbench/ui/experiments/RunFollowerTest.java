package org.trainbench.ui.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFollowerTest {
    @TempDir
    Path dir;

    private final EngineProcesses processes = new EngineProcesses();

    private RunFollower follower(Path run) {
        return new RunFollower(run, run.getFileName().toString(), processes);
    }

    @Test
    void aRunIsRunningWithItsStepLossThroughputAndEtaUntilItFinishes() throws IOException {
        Path runDir = dir.resolve("pretrain");
        try (FakeRun run = new FakeRun(runDir, 1000, 4096, 0.5, 2.0)) {
            RunFollower follower = follower(runDir);
            assertEquals(RunStatus.WAITING, follower.refresh(Instant.now()).status());

            run.started(0).train(10, 200, 10);
            RunSnapshot running = follower.refresh(Instant.now());
            assertEquals(RunStatus.RUNNING, running.status());
            assertEquals(200, running.step());
            assertEquals(1000, running.trainIters());
            assertEquals(run.loss(200), running.lastLoss(), 1e-12);
            assertEquals(run.tokensPerSecond(200), running.tokensPerSecond(), 1e-6);
            // 800 steps left at 0.5 s each
            assertEquals(Duration.ofSeconds(400), running.eta());
            assertEquals(0.2, running.progress(), 1e-12);

            run.train(210, 1000, 10).finished(1000);
            RunSnapshot finished = follower.refresh(Instant.now());
            assertEquals(RunStatus.FINISHED, finished.status());
            assertEquals(1000, finished.step());
            assertNull(finished.eta());
        }
    }

    @Test
    void aStoppedRunIsRunningAgainOnceResumed() throws IOException {
        Path runDir = dir.resolve("sft");
        try (FakeRun run = new FakeRun(runDir, 300, 1024, 0.1, 1.0)) {
            RunFollower follower = follower(runDir);
            run.started(0).train(10, 100, 10).checkpoint(100, 64).event("stopped", 100, "reason", "SIGTERM");
            RunSnapshot stopped = follower.refresh(Instant.now());
            assertEquals(RunStatus.STOPPED, stopped.status());
            assertTrue(stopped.detail().startsWith("SIGTERM; run the same config again"), "the status says stopped, the detail"
                    + " does not repeat it: " + stopped.detail());

            run.started(100).train(110);
            assertEquals(RunStatus.RUNNING, follower.refresh(Instant.now()).status());
        }
    }

    @Test
    void aResumeFromAnEarlierCheckpointReplacesTheStepsItRedoes() throws IOException {
        Path runDir = dir.resolve("crashed");
        try (FakeRun run = new FakeRun(runDir, 300, 1024, 0.1, 1.0)) {
            RunFollower follower = follower(runDir);
            run.started(0).train(10, 120, 10);
            follower.refresh(Instant.now());
            Series before = follower.metrics().train();
            run.started(100).train(110, 150, 10);
            follower.refresh(Instant.now());
            Series after = follower.metrics().train();
            assertEquals(15, after.count());
            for (int i = 1; i < after.count(); i++) {
                assertTrue(after.value(Metric.STEP, i) > after.value(Metric.STEP, i - 1), "steps ascend after a resume");
            }
            assertEquals(12, before.count(), "a view taken before the resume keeps its rows");
            assertEquals(120, before.last(Metric.STEP));
        }
    }

    @Test
    void aReportedFailureCarriesTheEngineMessageAndTheLastLogLines() throws IOException {
        Path runDir = dir.resolve("diverged");
        try (FakeRun run = new FakeRun(runDir, 300, 1024, 0.1, 1.0)) {
            run.started(0).train(10, 50, 10).log("step 51: loss is NaN")
                    .event("failed", 51, "message", "training loss is NaN at step 51; lower optimizer.learning_rate.base");
            RunSnapshot failed = follower(runDir).refresh(Instant.now());
            assertEquals(RunStatus.FAILED, failed.status());
            assertEquals("training loss is NaN at step 51; lower optimizer.learning_rate.base", failed.detail());
            assertEquals("step 51: loss is NaN", failed.logTail().getLast());
            assertEquals(51, failed.step());
        }
    }

    @Test
    void aRunWhoseEngineProcessDiedWithoutATerminalEventFailed() throws Exception {
        Path runDir = dir.resolve("killed");
        try (FakeRun run = new FakeRun(runDir, 300, 1024, 0.1, 1.0)) {
            run.started(0).train(10, 40, 10).log("training step 40");
            Process engine = new ProcessBuilder("true").start();
            engine.waitFor();
            processes.register(runDir, engine.toHandle());
            RunSnapshot snapshot = follower(runDir).refresh(Instant.now());
            assertEquals(RunStatus.FAILED, snapshot.status());
            assertTrue(snapshot.detail().contains("process ended"), snapshot.detail());
            assertEquals("training step 40", snapshot.logTail().getLast());
        }
    }

    @Test
    void aRunWithAPidOfThisMachineFailsOnceThatProcessIsGone() throws Exception {
        Path runDir = dir.resolve("pid");
        try (FakeRun run = new FakeRun(runDir, 300, 1024, 0.1, 1.0)) {
            Process engine = new ProcessBuilder("sleep", "30").start();
            try {
                run.event("started", 0, "train_iters", 300);
                run.event("started", 0, "pid", engine.pid());
                RunFollower follower = follower(runDir);
                // No host: another machine's pid may be anything, so it is not checked.
                assertEquals(RunStatus.RUNNING, follower.refresh(Instant.now()).status());
                String host = java.net.InetAddress.getLocalHost().getHostName();
                run.raw("{\"type\":\"event\",\"time\":\"" + Instant.now() + "\",\"event\":\"started\",\"step\":0,\"pid\":" + engine.pid()
                        + ",\"host\":\"" + host + "\"}\n");
                assertEquals(RunStatus.RUNNING, follower.refresh(Instant.now()).status());
                engine.destroyForcibly().waitFor();
                assertEquals(RunStatus.FAILED, follower.refresh(Instant.now()).status());
            } finally {
                engine.destroyForcibly();
            }
        }
    }

    @Test
    void aRunThatCannotBeCheckedFailsAfterStayingSilentTooLong() throws IOException {
        Path runDir = dir.resolve("silent");
        try (FakeRun run = new FakeRun(runDir, 300, 1024, 0.1, 1.0)) {
            run.started(0).train(10, 40, 10);
            RunFollower follower = follower(runDir);
            Instant lastWrite = Files.getLastModifiedTime(org.trainbench.engine.run.RunDirectory.of(runDir).metrics()).toInstant();
            assertEquals(RunStatus.RUNNING, follower.refresh(lastWrite.plus(Duration.ofMinutes(9))).status());
            RunSnapshot silent = follower.refresh(lastWrite.plus(Duration.ofMinutes(11)));
            assertEquals(RunStatus.FAILED, silent.status());
            assertTrue(silent.detail().startsWith("nothing written for 11 min"), silent.detail());
        }
    }

    @Test
    void aNewExperimentWithoutAnyRunIsNotStartedAndWaitsOnceLaunched() throws Exception {
        Path runDir = dir.resolve("new-experiment");
        RunFollower follower = follower(runDir);
        RunSnapshot notStarted = follower.refresh(Instant.now());
        assertEquals(RunStatus.NOT_STARTED, notStarted.status());
        assertEquals("not started", notStarted.status().label());
        assertTrue(notStarted.detail().contains("Run As > Trainbench Training Run"), notStarted.detail());
        Files.createDirectories(runDir.resolve("data")); // the demo template writes its dataset before any run
        assertEquals(RunStatus.NOT_STARTED, follower.refresh(Instant.now()).status());
        assertTrue(follower.stop().isEmpty());

        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            AtomicBoolean stopped = new AtomicBoolean();
            processes.register(runDir, sleeper.toHandle(), () -> stopped.set(true));
            assertEquals(RunStatus.WAITING, follower.refresh(Instant.now()).status());
            follower.stop().orElseThrow().run();
            assertTrue(stopped.get(), "the launcher's stop is what Stop runs");
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
        RunSnapshot endedEarly = follower.refresh(Instant.now());
        assertEquals(RunStatus.FAILED, endedEarly.status());
        assertTrue(endedEarly.detail().contains("Console"), endedEarly.detail());
        assertEquals(RunStatus.FAILED, follower.refresh(Instant.now()).status(), "and stays failed, not missing");
    }

    @Test
    void aRunStartedFromTheCommandLineOnThisMachineIsStoppedWithSigterm() throws Exception {
        Path runDir = dir.resolve("cli-run");
        Process engine = new ProcessBuilder("sleep", "30").start();
        try (FakeRun run = new FakeRun(runDir, 300, 1024, 0.1, 1.0)) {
            run.raw("{\"type\":\"event\",\"time\":\"" + Instant.now().minusSeconds(1) + "\",\"event\":\"started\",\"step\":0,"
                    + "\"train_iters\":300,\"pid\":" + engine.pid() + ",\"host\":\"" + java.net.InetAddress.getLocalHost().getHostName()
                    + "\"}\n").train(10);
            RunFollower follower = follower(runDir);
            assertEquals(RunStatus.RUNNING, follower.refresh(Instant.now()).status());
            follower.stop().orElseThrow().run();
            assertTrue(engine.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "SIGTERM reached the engine process");
            assertEquals(143, engine.exitValue());
        } finally {
            engine.destroyForcibly();
        }
    }

    @Test
    void aDeletedDirectoryIsMissingAndKeepsWhatWasRead() throws IOException {
        Path runDir = dir.resolve("gone");
        RunFollower follower = follower(runDir);
        try (FakeRun run = new FakeRun(runDir, 300, 1024, 0.1, 1.0)) {
            run.started(0).train(10, 40, 10);
            follower.refresh(Instant.now());
        }
        try (var walk = Files.walk(runDir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        RunSnapshot missing = follower.refresh(Instant.now());
        assertEquals(RunStatus.MISSING, missing.status());
        assertNotNull(missing.detail());
        assertEquals(40, missing.step());
        assertEquals(4, follower.metrics().train().count());
    }

    @Test
    void skippedLinesAreCountedAndTheRunGoesOn() throws IOException {
        Path runDir = dir.resolve("noisy");
        try (FakeRun run = new FakeRun(runDir, 300, 1024, 0.1, 1.0)) {
            run.started(0).train(10).raw("not json at all\n").train(20);
            RunFollower follower = follower(runDir);
            RunSnapshot snapshot = follower.refresh(Instant.now());
            assertEquals(1, snapshot.malformedLines());
            assertEquals(20, snapshot.step());
            assertTrue(follower.metrics().warnings().getFirst().contains("metrics.jsonl:3"), follower.metrics().warnings().toString());
        }
    }
}
