package org.trainbench.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void namesEveryFileOfTheDocumentedLayout() {
        RunDirectory run = RunDirectory.of(dir);
        assertEquals(dir.resolve("config.resolved.yaml"), run.resolvedConfig());
        assertEquals(dir.resolve("metrics.jsonl"), run.metrics());
        assertEquals(dir.resolve("logs/train.log"), run.trainLog());
        assertEquals(dir.resolve("checkpoints/step-200"), run.checkpoint(200));
        assertEquals(dir.resolve("export/step-600"), run.export(600));
        assertEquals(dir.resolve(".trainbench-lock"), run.lock());
        assertEquals("checkpoints/step-200", run.relative(run.checkpoint(200)));
    }

    @Test
    void aDirectoryIsARunOnceItHoldsMetricsAResolvedConfigOrCheckpoints() throws Exception {
        RunDirectory run = RunDirectory.of(dir);
        assertFalse(run.holdsRun());
        Files.createDirectories(run.checkpoints());
        assertTrue(run.holdsRun());
    }

    @Test
    void stepDirectoriesAreListedByStepWithoutWorkInProgressAndHandMadeExportsOnlyWhenAsked() throws Exception {
        Path exports = Files.createDirectories(dir.resolve("export"));
        for (String name : List.of("step-10", "step-2", "step-10-2", ".tmp-step-12", ".deleting-step-1", "notes", "step-x")) {
            Files.createDirectories(exports.resolve(name));
        }
        Files.writeString(exports.resolve("step-3"), "a file, not a step directory");
        assertEquals(List.of(exports.resolve("step-2"), exports.resolve("step-10")), StepDirectory.list(exports));
        assertEquals(List.of(exports.resolve("step-2"), exports.resolve("step-10"), exports.resolve("step-10-2")),
                StepDirectory.list(exports, true));
        assertEquals(12, StepDirectory.stepOf(Path.of("step-12")));
        assertEquals(-1, StepDirectory.stepOf(Path.of("step-12-2")));
        assertEquals(12, StepDirectory.stepOfExport(Path.of("step-12-2")));
        assertEquals(-1, StepDirectory.stepOf(Path.of(".tmp-step-12")));
        assertTrue(StepDirectory.isLeftover(StepDirectory.temporaryName(12)));
        assertTrue(StepDirectory.isLeftover(StepDirectory.deletingName(Path.of("step-12"))));
        assertEquals(List.of(), StepDirectory.list(dir.resolve("absent")));
    }
}
