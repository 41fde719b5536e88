package org.trainbench.engine.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.trainbench.engine.train.RunOutcome;
import org.trainbench.engine.train.StopSignal;
import org.trainbench.engine.train.TrainingConfigFile;
import org.trainbench.engine.train.backend.BackendUnavailableException;
import org.trainbench.engine.train.backend.Backends;
import org.trainbench.engine.train.demo.DemoRun;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `trainbench demo`: trains the embedded demo (a small Llama on a synthetic chat task) and shows what it learned. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Train a small Llama on a synthetic chat task on the CPU (a few minutes) and show what it learned.",
                "Writes the dataset, demo.yaml, metrics.jsonl, checkpoints and loss.png into the directory; "
                        + "Ctrl-C stops with a checkpoint and the next run continues from it."})
public final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "Experiment directory (default: ${DEFAULT-VALUE}).")
    Path directory = DemoRun.DEFAULT_DIRECTORY;

    @Option(names = "--fresh", description = "Delete a previous demo run in the directory and start over.")
    boolean fresh;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a key of demo.yaml, e.g. --set training.train_iters=100.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--backend", paramLabel = "cpu|cuda", defaultValue = "cpu",
            description = "Where to train: cpu (default) or cuda (an NVIDIA GPU; the cuda backend needs kv_channels a multiple of 32, "
                    + "e.g. --set model.base_model.transformer.kv_channels=32).")
    String backend;

    @Override
    public Integer call() {
        PrintWriter out = new PrintWriter(spec.commandLine().getOut(), true);
        PrintWriter err = new PrintWriter(spec.commandLine().getErr(), true);
        StopSignal stop = new StopSignal();
        stop.installShutdownHook(600);
        try {
            boolean terminal = System.console() != null && System.console().isTerminal();
            DemoRun.Result result = new DemoRun(directory, out, err, Backends.named(backend)).run(fresh, overrides, stop, terminal);
            if (result.outcome().status() == RunOutcome.Status.FAILED) {
                return ExitCodes.FAILED;
            }
            if (result.outcome().status() == RunOutcome.Status.STOPPED) {
                return ExitCodes.OK;
            }
            return result.learned() ? ExitCodes.OK : ExitCodes.FAILED;
        } catch (BackendUnavailableException e) {
            err.println("trainbench demo --backend " + backend + ": " + e.getMessage());
            return ExitCodes.BACKEND_UNAVAILABLE;
        } catch (TrainingConfigFile.InvalidConfigException | IllegalArgumentException | IllegalStateException e) {
            err.println("trainbench demo: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (java.io.IOException e) {
            err.println("trainbench demo: " + e.getMessage());
            return ExitCodes.USAGE;
        } finally {
            stop.removeShutdownHook();
        }
    }
}
