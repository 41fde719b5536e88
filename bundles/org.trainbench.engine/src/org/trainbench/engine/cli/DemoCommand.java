package org.trainbench.engine.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** `trainbench demo`: placeholder until its capability lands; fails loudly instead of pretending. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Train the small embedded demo model on CPU and show what it learned.")
public final class DemoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("trainbench demo: not yet implemented in this build.");
        return ExitCodes.NOT_IMPLEMENTED;
    }
}
