package org.trainbench.engine.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** `trainbench tokenize`: placeholder until its capability lands; fails loudly instead of pretending. */
@Command(name = "tokenize", mixinStandardHelpOptions = true, description = "Print token ids and offsets of a text, as Hugging Face tokenizers does.")
public final class TokenizeCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("trainbench tokenize: not yet implemented in this build.");
        return ExitCodes.NOT_IMPLEMENTED;
    }
}
