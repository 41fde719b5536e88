package org.trainbench.engine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

import org.trainbench.engine.files.ProtectedFilesException;
import org.trainbench.engine.train.checkpoint.CheckpointMismatchException;

import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The one rule by which every {@code trainbench} command ends when something escapes it: a message for people on
 * stderr that names the file, key or fault, and a documented exit code ({@link ExitCodes}). The Java stack trace is
 * printed only with {@code --debug}; never by default, a failure is not a crash report.
 */
final class FailureReport {
    static final String DEBUG_OPTION = "--debug";

    private FailureReport() {
    }

    /** Installs the rule on a command line: exceptions through the execution-exception handler, errors around it. */
    static CommandLine install(CommandLine commandLine) {
        commandLine.setExecutionExceptionHandler((exception, command, parseResult) -> report(exception, command, parseResult));
        CommandLine.IExecutionStrategy run = new CommandLine.RunLast();
        commandLine.setExecutionStrategy(parseResult -> {
            try {
                return run.execute(parseResult);
            } catch (OutOfMemoryError | StackOverflowError e) {
                return report(e, commandLine, parseResult);
            }
        });
        return commandLine;
    }

    static int report(Throwable failure, CommandLine command, ParseResult parseResult) {
        PrintWriter err = command.getErr();
        String name = command.getCommandSpec().qualifiedName();
        int code = exitCode(failure);
        err.println(name + ": " + message(failure));
        if (debug(parseResult)) {
            failure.printStackTrace(err);
        } else if (code == ExitCodes.INTERNAL_ERROR) {
            err.println("this is a fault in Trainbench: run the command again with " + DEBUG_OPTION
                    + " for the Java stack trace, and please report it with that output");
        }
        err.flush();
        return code;
    }

    static int exitCode(Throwable failure) {
        return switch (failure) {
            case ProtectedFilesException e -> ExitCodes.REFUSED;
            case NoSuchFileException e -> ExitCodes.USAGE;
            case AccessDeniedException e -> ExitCodes.USAGE;
            case IOException e -> ExitCodes.FAILED;
            case CheckpointMismatchException e -> ExitCodes.FAILED;
            case IllegalArgumentException e -> ExitCodes.FAILED;
            case OutOfMemoryError e -> ExitCodes.FAILED;
            default -> ExitCodes.INTERNAL_ERROR;
        };
    }

    static String message(Throwable failure) {
        return switch (failure) {
            case NoSuchFileException e -> e.getFile() + ": " + (e.getReason() == null ? "no such file" : e.getReason());
            case AccessDeniedException e -> e.getFile() + ": permission denied";
            case OutOfMemoryError e -> "out of memory (the Java heap holds at most " + Runtime.getRuntime().maxMemory() / (1 << 20)
                    + " MiB): give Java more with TRAINBENCH_JAVA_OPTS=-Xmx<size>, or make the input smaller";
            case StackOverflowError e -> "the input is nested too deeply to be read (Java stack overflow)";
            case ProtectedFilesException e -> e.getMessage();
            case IOException e -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            case CheckpointMismatchException e -> e.getMessage();
            case IllegalArgumentException e when e.getMessage() != null -> e.getMessage();
            default -> "internal error: " + failure.getClass().getName()
                    + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
        };
    }

    private static boolean debug(ParseResult parseResult) {
        for (ParseResult result = parseResult; result != null; result = result.subcommand()) {
            if (result.hasMatchedOption(DEBUG_OPTION)) {
                return true;
            }
        }
        return false;
    }
}
