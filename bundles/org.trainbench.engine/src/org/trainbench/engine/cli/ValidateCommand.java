package org.trainbench.engine.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** `trainbench validate`: placeholder until its capability lands; fails loudly instead of pretending. */
@Command(name = "validate", mixinStandardHelpOptions = true, description = "Check training or data-preparation configs and print diagnostics.")
public final class ValidateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("trainbench validate: not yet implemented in this build.");
        return ExitCodes.NOT_IMPLEMENTED;
    }
}
