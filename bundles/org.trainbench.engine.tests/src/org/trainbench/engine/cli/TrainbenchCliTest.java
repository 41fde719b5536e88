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
    void aFaultEscapingACommandIsOneMessageAndExitCode70WithTheStackTraceOnlyUnderDebug() {
        for (boolean debug : new boolean[] {false, true}) {
            picocli.CommandLine commandLine = TrainbenchCli.commandLine();
            java.io.StringWriter err = new java.io.StringWriter();
            commandLine.setErr(new java.io.PrintWriter(err));
            picocli.CommandLine.ParseResult parsed = debug ? commandLine.parseArgs("validate", "x.yaml", "--debug")
                    : commandLine.parseArgs("validate", "x.yaml");
            int code = FailureReport.report(new ArrayIndexOutOfBoundsException("Index -7 out of bounds for length 1"),
                    commandLine.getSubcommands().get("validate"), parsed);
            assertEquals(ExitCodes.INTERNAL_ERROR, code);
            assertTrue(err.toString().startsWith("trainbench validate: internal error: java.lang.ArrayIndexOutOfBoundsException"),
                    err.toString());
            assertEquals(debug, err.toString().contains("\tat "), err.toString());
        }
    }

    @Test
    void outOfMemoryIsAMessageNamingTheHeapNotACrash() {
        picocli.CommandLine commandLine = TrainbenchCli.commandLine();
        java.io.StringWriter err = new java.io.StringWriter();
        commandLine.setErr(new java.io.PrintWriter(err));
        int code = FailureReport.report(new OutOfMemoryError("Java heap space"), commandLine.getSubcommands().get("prepare"),
                commandLine.parseArgs("prepare", "p.yaml"));
        assertEquals(ExitCodes.FAILED, code);
        assertTrue(err.toString().contains("out of memory") && err.toString().contains("-Xmx") && !err.toString().contains("\tat "),
                err.toString());
    }

    @Test
    void unknownCommandIsAUsageError() {
        CliRun result = CliRun.cli("frobnicate");
        assertEquals(ExitCodes.USAGE, result.exitCode());
        assertTrue(result.err().contains("frobnicate"), result.err());
    }
}
