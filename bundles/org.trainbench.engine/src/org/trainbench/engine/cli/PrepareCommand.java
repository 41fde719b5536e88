package org.trainbench.engine.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** `trainbench prepare`: placeholder until its capability lands; fails loudly instead of pretending. */
@Command(name = "prepare", mixinStandardHelpOptions = true, description = "Tokenize a dataset into Fast-LLM's memmap format.")
public final class PrepareCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("trainbench prepare: not yet implemented in this build.");
        return ExitCodes.NOT_IMPLEMENTED;
    }
}
