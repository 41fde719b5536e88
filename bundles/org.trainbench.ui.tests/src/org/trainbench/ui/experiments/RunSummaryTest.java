package org.trainbench.ui.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunSummaryTest {
    @TempDir
    Path dir;

    @Test
    void summarisesFinalAndBestValidationLossAndStepWeightedThroughput() throws Exception {
        Path runDir = dir.resolve("run");
        try (FakeRun run = new FakeRun(runDir, 100, 1000, 0.5, 1.0)) {
            run.started(0);
            run.raw(line("train", 10, "\"loss\":5.0,\"tokens_per_s\":1000.0,\"elapsed_s\":5.0,\"consumed_tokens\":10000"));
            run.raw(line("train", 40, "\"loss\":3.0,\"tokens_per_s\":2000.0,\"elapsed_s\":20.0,\"consumed_tokens\":40000"));
            run.raw(line("validation", 20, "\"name\":\"val\",\"dataset\":\"validation\",\"loss\":4.0"));
            run.raw(line("validation", 30, "\"name\":\"val\",\"dataset\":\"validation\",\"loss\":2.5"));
            run.raw(line("validation", 40, "\"name\":\"val\",\"dataset\":\"validation\",\"loss\":2.75"));
            run.raw(line("test", 40, "\"dataset\":\"test\",\"loss\":2.9"));
        }
        RunFollower follower = new RunFollower(runDir, "run", new EngineProcesses());
        follower.refresh(Instant.now());
        RunSummary summary = RunSummary.of("run", follower.metrics());
        assertEquals(40, summary.steps());
        assertEquals(40000, summary.tokens());
        assertEquals(3.0, summary.finalTrainLoss());
        assertEquals("val", summary.validationName());
        assertEquals(2.75, summary.finalValidationLoss());
        assertEquals(2.5, summary.bestValidationLoss());
        assertEquals(30, summary.bestValidationStep());
        // 10 steps at 1000 tokens/s and 30 at 2000
        assertEquals((10 * 1000.0 + 30 * 2000.0) / 40, summary.meanTokensPerSecond(), 1e-9);
        assertEquals(20.0, summary.elapsedSeconds());
        assertEquals(2.9, summary.testLoss());
    }

    private static String line(String type, long step, String fields) {
        return "{\"type\":\"" + type + "\",\"time\":\"2026-11-25T07:00:00Z\",\"step\":" + step + "," + fields + "}\n";
    }
}
