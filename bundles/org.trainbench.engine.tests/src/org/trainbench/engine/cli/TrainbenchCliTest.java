package org.trainbench.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrainbenchCliTest {

    @Test
    void helpListsEverySubcommandAndExitsZero() {
        CliRun result = CliRun.cli("--help");
        assertEquals(0, result.exitCode());
        for (String command : new String[] {"validate", "train", "generate", "demo", "prepare", "tokenize"}) {
            assertTrue(result.out().contains("  " + command), () -> "help misses " + command + ":\n" + result.out());
        }
    }

    @Test
    void versionNamesTrainbenchAndTheJavaRuntime() {
        CliRun result = CliRun.cli("--version");
        assertEquals(0, result.exitCode());
        assertTrue(result.out().startsWith("trainbench "), result.out());
        assertTrue(result.out().contains("Java " + Runtime.version().feature()), result.out());
    }

    @Test
    void unknownCommandIsAUsageError() {
        CliRun result = CliRun.cli("frobnicate");
        assertEquals(ExitCodes.USAGE, result.exitCode());
        assertTrue(result.err().contains("frobnicate"), result.err());
    }
}
