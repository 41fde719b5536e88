package org.trainbench.ui.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentCatalogTest {
    @TempDir
    Path dir;

    private static List<String> names(List<RunSnapshot> snapshots) {
        return snapshots.stream().map(RunSnapshot::name).toList();
    }

    @Test
    void findsRunsUnderTheRootAndOneGroupDeepAndAddedDirectoriesElsewhere() throws IOException {
        Path root = dir.resolve("experiments");
        new FakeRun(root.resolve("baseline"), 100, 1, 1, 1).started(0).close();
        new FakeRun(root.resolve("sweep/lr-3e-4"), 100, 1, 1, 1).started(0).close();
        Files.createDirectories(root.resolve("notes"));
        Files.createDirectories(root.resolve(".hidden/run"));
        Path elsewhere = dir.resolve("scratch/demo");
        new FakeRun(elsewhere, 100, 1, 1, 1).config("run:\n  experiment_dir: x\n").close();

        ExperimentCatalog catalog = new ExperimentCatalog(new EngineProcesses());
        catalog.setRoots(List.of(root));
        assertEquals(List.of("baseline", "sweep/lr-3e-4"), names(catalog.refresh(Instant.now())));
        catalog.add(elsewhere);
        assertEquals(List.of("baseline", "sweep/lr-3e-4", "demo"), names(catalog.refresh(Instant.now())));

        new FakeRun(root.resolve("late"), 100, 1, 1, 1).started(0).close();
        assertEquals(List.of("baseline", "sweep/lr-3e-4", "demo", "late"), names(catalog.refresh(Instant.now())));
    }

    @Test
    void aRemovedRunStaysOffTheListAndADeletedOneShowsAsMissing() throws IOException {
        Path root = dir.resolve("experiments");
        new FakeRun(root.resolve("a"), 100, 1, 1, 1).started(0).close();
        new FakeRun(root.resolve("b"), 100, 1, 1, 1).started(0).close();
        ExperimentCatalog catalog = new ExperimentCatalog(new EngineProcesses());
        catalog.setRoots(List.of(root));
        catalog.refresh(Instant.now());

        catalog.remove(root.resolve("a"));
        assertEquals(List.of("b"), names(catalog.refresh(Instant.now())));

        try (var walk = Files.walk(root.resolve("b"))) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        List<RunSnapshot> after = catalog.refresh(Instant.now());
        assertEquals(1, after.size());
        assertEquals(RunStatus.MISSING, after.getFirst().status());
    }
}
