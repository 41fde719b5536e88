package org.trainbench.engine.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** `trainbench generate`: placeholder until its capability lands; fails loudly instead of pretending. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Sample text from a checkpoint, an experiment directory or a Hugging Face Llama directory.")
public final class GenerateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("trainbench generate: not yet implemented in this build.");
        return ExitCodes.NOT_IMPLEMENTED;
    }
}
