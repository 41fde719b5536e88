package org.trainbench.engine.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the `trainbench` command line: plain Java, no OSGi, runs on a bare GPU server. */
@Command(name = "trainbench", mixinStandardHelpOptions = true, versionProvider = TrainbenchVersion.class,
        description = "Trainbench: train Llama-family models from Fast-LLM-style YAML configs.",
        subcommands = {ValidateCommand.class, TrainCommand.class, GenerateCommand.class, DemoCommand.class,
                PrepareCommand.class, TokenizeCommand.class, ExportCommand.class, CommandLine.HelpCommand.class})
public final class TrainbenchCli implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static CommandLine commandLine() {
        return new CommandLine(new TrainbenchCli());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
