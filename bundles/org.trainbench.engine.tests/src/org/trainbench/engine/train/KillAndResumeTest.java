package org.trainbench.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.ChildJvm;
import org.trainbench.engine.train.backend.Backends;
import org.trainbench.engine.train.checkpoint.CheckpointStore;

/**
 * A run killed with SIGKILL at random moments (while stepping, while writing or deleting a checkpoint) and started
 * again each time ends bit-identical to a run that was never interrupted: the same final weights and optimizer state,
 * byte for byte. The kills hit a trainer in a JVM of its own; the moments come from a fixed seed.
 */
class KillAndResumeTest {
    private static final int STEPS = 24;
    private static final int KILLS = 4;

    @TempDir
    Path temp;

    /** Child JVM: trains the config named by the first argument as {@code trainbench train} does, resuming. */
    public static void main(String[] args) throws Exception {
        TrainingConfigFile file = TrainingConfigFile.read(Path.of(args[0]), List.of());
        TrainingPlan plan = TrainingPlans.from(file.config(), file.resolvedYaml(), System.out::println);
        Trainer trainer = new Trainer(plan, new TrainingListener() {
        }, HuggingFaceLlama.loader(), null, Backends.named("cpu"));
        RunOutcome outcome = trainer.run(Trainer.ResumePolicy.AUTO, new StopSignal());
        System.out.println("outcome " + outcome.status() + " at step " + outcome.step());
        System.exit(outcome.status() == RunOutcome.Status.FINISHED ? 0 : 1);
    }

    private Path config(Path data, String name) throws IOException {
        Path file = TinyRuns.writeConfig(temp.resolve(name + ".yaml"), data.toString(), temp.resolve(name));
        // Every step writes a checkpoint and the oldest beyond two is deleted: most moments fall in a write or delete.
        Files.writeString(file, Files.readString(file).replace("train_iters: 4", "train_iters: " + STEPS)
                .replace("  checkpoint:\n    interval: 2", "  checkpoint:\n    interval: 1\n    keep: 2"));
        return file;
    }

    private Process train(Path config, Path log) throws IOException {
        return ChildJvm.start(KillAndResumeTest.class, List.of("-Xmx256m"), List.of(config.toString()), log);
    }

    /** Every file of the final checkpoint, by name, with its bytes. */
    private static List<byte[]> finalCheckpoint(Path run, List<String> names) throws IOException {
        Path step = run.resolve(org.trainbench.engine.run.RunDirectory.CHECKPOINTS).resolve("step-" + STEPS);
        assertTrue(Files.isDirectory(step), step + " missing");
        return names.stream().map(name -> {
            try {
                return Files.readAllBytes(step.resolve(name));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
    }

    private static List<String> checkpoints(Path run) throws IOException {
        Path directory = run.resolve(org.trainbench.engine.run.RunDirectory.CHECKPOINTS);
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static java.util.Map<?, ?> stateWithoutTime(byte[] json) {
        java.util.Map<?, ?> state = new java.util.LinkedHashMap<>((java.util.Map<?, ?>) org.trainbench.engine.json.Json.parse(
                new String(json, java.nio.charset.StandardCharsets.UTF_8)));
        assertTrue(state.containsKey("elapsed_s"), state.toString());
        state.remove("elapsed_s");
        return state;
    }

    @Test
    void aRunKilledAtRandomMomentsAndResumedEndsBitIdenticalToAnUninterruptedRun() throws Exception {
        Path data = temp.resolve("data");
        TinyRuns.writeDataset(data, "training", 60, 3);
        Path reference = config(data.resolve("training"), "reference");
        Path killed = config(data.resolve("training"), "killed");

        long start = System.nanoTime();
        Process uninterrupted = train(reference, temp.resolve("reference.log"));
        assertTrue(uninterrupted.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, uninterrupted.exitValue(), Files.readString(temp.resolve("reference.log")));
        long runMillis = (System.nanoTime() - start) / 1_000_000;

        SplittableRandom random = new SplittableRandom(16);
        List<String> kills = new java.util.ArrayList<>();
        for (int kill = 0; kill < KILLS; kill++) {
            Path log = temp.resolve("killed-" + kill + ".log");
            Process child = train(killed, log);
            // Between JVM start-up and the middle of a whole run: each resumed run has fewer steps left.
            long delay = random.nextLong(runMillis / 4, runMillis * 3 / 5 + 1);
            if (child.waitFor(delay, TimeUnit.MILLISECONDS)) {
                assertEquals(0, child.exitValue(), Files.readString(log)); // finished before the kill: fine
                kills.add("finished before " + delay + " ms");
                continue;
            }
            child.destroyForcibly(); // SIGKILL on Linux and macOS: no shutdown hook, no final checkpoint
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            kills.add("killed at " + delay + " ms, checkpoints then: " + checkpoints(temp.resolve("killed")));
        }
        assertTrue(kills.stream().anyMatch(k -> k.startsWith("killed")), "no kill interrupted a run: " + kills);
        Process last = train(killed, temp.resolve("killed-last.log"));
        assertTrue(last.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, last.exitValue(), Files.readString(temp.resolve("killed-last.log")));

        Path referenceStep = reference.resolveSibling("reference").resolve(org.trainbench.engine.run.RunDirectory.CHECKPOINTS).resolve("step-" + STEPS);
        List<String> names;
        try (Stream<Path> files = Files.list(referenceStep)) {
            names = files.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertTrue(names.size() >= 2, names.toString());
        List<byte[]> expected = finalCheckpoint(temp.resolve("reference"), names);
        List<byte[]> actual = finalCheckpoint(temp.resolve("killed"), names);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equals(CheckpointStore.MANIFEST_FILE)) {
                continue; // its checksums cover the other files, compared here
            }
            if (names.get(i).equals(CheckpointStore.STATE_FILE)) {
                // Everything but the wall-clock time spent training, which a kill makes longer.
                assertEquals(stateWithoutTime(expected.get(i)), stateWithoutTime(actual.get(i)));
                continue;
            }
            assertArrayEquals(expected.get(i), actual.get(i), names.get(i) + " differs from the uninterrupted run's");
        }
    }
}
