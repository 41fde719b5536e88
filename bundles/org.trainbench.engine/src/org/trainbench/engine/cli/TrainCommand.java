package org.trainbench.engine.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** `trainbench train`: placeholder until its capability lands; fails loudly instead of pretending. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a model from a config.")
public final class TrainCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("trainbench train: not yet implemented in this build.");
        return ExitCodes.NOT_IMPLEMENTED;
    }
}
