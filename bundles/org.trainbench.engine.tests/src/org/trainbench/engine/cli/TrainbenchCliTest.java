package org.trainbench.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

class TrainbenchCliTest {

    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        CommandLine cli = TrainbenchCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void helpListsEverySubcommandAndExitsZero() {
        Result result = run("--help");
        assertEquals(0, result.exitCode());
        for (String command : new String[] {"validate", "train", "generate", "demo", "prepare", "tokenize"}) {
            assertTrue(result.out().contains("  " + command), () -> "help misses " + command + ":\n" + result.out());
        }
    }

    @Test
    void versionNamesTrainbenchAndTheJavaRuntime() {
        Result result = run("--version");
        assertEquals(0, result.exitCode());
        assertTrue(result.out().startsWith("trainbench "), result.out());
        assertTrue(result.out().contains("Java " + Runtime.version().feature()), result.out());
    }

    @Test
    void unknownCommandIsAUsageError() {
        Result result = run("frobnicate");
        assertEquals(ExitCodes.USAGE, result.exitCode());
        assertTrue(result.err().contains("frobnicate"), result.err());
    }
}
