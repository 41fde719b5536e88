package org.trainbench.engine.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Entry point of the `trainbench` command line: plain Java, no OSGi, runs on a bare GPU server. Every command ends a
 * failure through {@link FailureReport}: a message naming the file and fault, a documented exit code, and the Java
 * stack trace only with {@code --debug}.
 */
@Command(name = "trainbench", mixinStandardHelpOptions = true, versionProvider = TrainbenchVersion.class,
        description = "Trainbench: train Llama-family models from Fast-LLM-style YAML configs.",
        subcommands = {ValidateCommand.class, MigrateCommand.class, TrainCommand.class, GenerateCommand.class, DemoCommand.class,
                PrepareCommand.class, TokenizeCommand.class, ExportCommand.class, CommandLine.HelpCommand.class})
public final class TrainbenchCli implements Runnable {

    @Option(names = FailureReport.DEBUG_OPTION, scope = ScopeType.INHERIT,
            description = "On a failure, print the Java stack trace too (for a bug report).")
    boolean debug;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static CommandLine commandLine() {
        return FailureReport.install(new CommandLine(new TrainbenchCli()));
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
