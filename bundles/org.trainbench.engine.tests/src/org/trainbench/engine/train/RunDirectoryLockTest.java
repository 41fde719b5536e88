package org.trainbench.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainbench.engine.cli.CliRun.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.cli.CliRun;
import org.trainbench.engine.cli.ExitCodes;
import org.trainbench.engine.files.ProtectedFilesException;

/** One trainer per run directory: the second is refused with the holder's name; a killed run's lock is taken over. */
class RunDirectoryLockTest {
    @TempDir
    Path temp;

    private final List<String> messages = new ArrayList<>();

    @Test
    void aSecondLockIsRefusedNamingTheHolderUntilTheFirstIsReleased() throws IOException {
        Path run = temp.resolve("run");
        try (RunDirectoryLock first = RunDirectoryLock.acquire(run, messages::add)) {
            String owner = Files.readString(first.file());
            assertTrue(owner.contains("pid: " + ProcessHandle.current().pid()) && owner.contains("host: " + RunDirectoryLock.hostName()),
                    owner);
            ProtectedFilesException refused = assertThrows(ProtectedFilesException.class,
                    () -> RunDirectoryLock.acquire(run, messages::add));
            assertTrue(refused.getMessage().contains("pid " + ProcessHandle.current().pid())
                    && refused.getMessage().contains("host " + RunDirectoryLock.hostName())
                    && refused.getMessage().contains(org.trainbench.engine.run.RunDirectory.LOCK), refused.getMessage());
        }
        assertEquals("", Files.readString(run.resolve(org.trainbench.engine.run.RunDirectory.LOCK)), "a released lock names no holder");
        RunDirectoryLock.acquire(run, messages::add).close();
        assertEquals(List.of(), messages);
    }

    @Test
    void theLockLeftByAKilledRunOnThisHostIsTakenOverWithAMessage() throws IOException {
        Path run = Files.createDirectories(temp.resolve("run"));
        Files.writeString(run.resolve(org.trainbench.engine.run.RunDirectory.LOCK), "pid: 99999999\nhost: " + RunDirectoryLock.hostName()
                + "\nsince: 2026-01-01T00:00:00Z\n");
        try (RunDirectoryLock lock = RunDirectoryLock.acquire(run, messages::add)) {
            assertTrue(Files.readString(lock.file()).contains("pid: " + ProcessHandle.current().pid()));
        }
        assertEquals(1, messages.size(), messages.toString());
        assertTrue(messages.getFirst().contains("pid 99999999") && messages.getFirst().contains("taking over"), messages.getFirst());
    }

    @Test
    void aLockNamingAnotherHostIsRefusedWithHowToClearIt() throws IOException {
        Path run = Files.createDirectories(temp.resolve("run"));
        Path file = run.resolve(org.trainbench.engine.run.RunDirectory.LOCK);
        Files.writeString(file, "pid: 42\nhost: gpu-node-7.example\nsince: 2026-01-01T00:00:00Z\n");
        ProtectedFilesException refused = assertThrows(ProtectedFilesException.class, () -> RunDirectoryLock.acquire(run, messages::add));
        assertTrue(refused.getMessage().contains("gpu-node-7.example") && refused.getMessage().contains("delete " + file),
                refused.getMessage());
        assertTrue(Files.readString(file).contains("gpu-node-7.example"), "the other host's lock is left as it is");
    }

    @Test
    void trainRefusesARunDirectoryInUseAndWritesNothingThere() throws IOException {
        Path data = temp.resolve("data");
        TinyRuns.writeDataset(data, "training", 60, 3);
        Path config = TinyRuns.writeConfig(temp.resolve("tiny.yaml"), data.resolve("training").toString(), temp.resolve("run"));
        try (RunDirectoryLock held = RunDirectoryLock.acquire(temp.resolve("run"), messages::add)) {
            CliRun second = cli("train", config.toString());
            assertEquals(ExitCodes.REFUSED, second.exitCode(), second.err());
            assertTrue(second.err().contains("in use by another trainer") && second.err().contains("pid "
                    + ProcessHandle.current().pid()), second.err());
            assertFalse(second.printedStackTrace(), second.err());
            assertFalse(Files.exists(temp.resolve("run/checkpoints")));
            assertFalse(Files.exists(temp.resolve("run/metrics.jsonl")));
        }
        CliRun after = cli("train", config.toString());
        assertEquals(ExitCodes.OK, after.exitCode(), after.err());
    }
}
