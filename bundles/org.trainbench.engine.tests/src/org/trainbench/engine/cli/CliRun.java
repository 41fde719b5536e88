package org.trainbench.engine.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One `trainbench` invocation run in-process, with what it printed on each stream and its exit code. */
public record CliRun(int exitCode, String out, String err) {

    /** Runs {@code trainbench ARGS...} through the real picocli command line, capturing both streams. */
    public static CliRun cli(String... args) {
        picocli.CommandLine commandLine = TrainbenchCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int code = commandLine.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Whether a Java stack trace reached either stream (a frame line, or the JVM's uncaught-exception header). */
    public boolean printedStackTrace() {
        return (out + err).contains("\tat ") || (out + err).contains("Exception in thread");
    }
}
