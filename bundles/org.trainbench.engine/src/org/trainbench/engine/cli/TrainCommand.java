package org.trainbench.engine.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.trainbench.engine.config.check.Diagnostic;
import org.trainbench.engine.train.HuggingFaceLlama;
import org.trainbench.engine.train.ModelExporter;
import org.trainbench.engine.train.ProgressLine;
import org.trainbench.engine.train.RunOutcome;
import org.trainbench.engine.train.StopSignal;
import org.trainbench.engine.train.Trainer;
import org.trainbench.engine.train.TrainingConfigFile;
import org.trainbench.engine.train.TrainingPlan;
import org.trainbench.engine.train.TrainingPlans;
import org.trainbench.engine.train.backend.BackendProvider;
import org.trainbench.engine.train.backend.BackendUnavailableException;
import org.trainbench.engine.train.backend.Backends;
import org.trainbench.engine.train.backend.CpuBackend;
import org.trainbench.engine.train.checkpoint.CheckpointMismatchException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * `trainbench train CONFIG`: checks the config as `trainbench validate` does (and refuses to start on errors), then
 * trains on the CPU, resuming from the newest intact checkpoint of run.experiment_dir. Ctrl-C or SIGTERM stops after
 * the current step with a checkpoint. Progress goes to stderr; the run itself is recorded in the experiment directory.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a model from a config (Fast-LLM YAML) on the CPU or an NVIDIA GPU (--backend cuda).",
                "The config is checked first, with the diagnostics of `trainbench validate`; a run with errors does not start. "
                        + "A run continues from the newest intact checkpoint in run.experiment_dir (--no-resume refuses). "
                        + "Ctrl-C or SIGTERM stops after the current step and writes a checkpoint."})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "The training config file.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config key, e.g. --set training.train_iters=100 (YAML value; repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--no-resume", description = "Refuse to start when run.experiment_dir already holds checkpoints, instead of resuming.")
    boolean noResume;

    @Option(names = "--backend", paramLabel = "cpu|cuda", defaultValue = "cpu",
            description = "Where to train: cpu (default, fp32 on all cores) or cuda (one NVIDIA GPU; model.distributed.training_dtype "
                    + "bf16 or fp32). Exit code 4 when the backend cannot run here (no driver, GPU or CUDA library).")
    String backend;

    @Option(names = "--gpus", paramLabel = "N", defaultValue = "1", description = "GPUs to train on (cuda backend only).")
    int gpus;

    @Override
    public Integer call() {
        PrintWriter out = new PrintWriter(spec.commandLine().getOut(), true);
        PrintWriter err = new PrintWriter(spec.commandLine().getErr(), true);
        BackendProvider provider;
        try {
            provider = Backends.named(backend);
        } catch (BackendUnavailableException e) {
            err.println(e.getMessage());
            // a known backend whose jar is missing cannot run here; an unknown name is a typo
            return backend.equalsIgnoreCase("cuda") ? ExitCodes.BACKEND_UNAVAILABLE : ExitCodes.USAGE;
        }
        if (gpus != 1) {
            err.println("--gpus " + gpus + ": " + (provider.name().equals(CpuBackend.NAME)
                    ? "the cpu backend trains in this one process; leave --gpus out or use --backend cuda"
                    : "training on several GPUs (data parallel, ZeRO) is not built yet; use --gpus 1"));
            return provider.name().equals(CpuBackend.NAME) ? ExitCodes.USAGE : ExitCodes.NOT_IMPLEMENTED;
        }
        TrainingConfigFile file;
        try {
            file = TrainingConfigFile.read(config, overrides);
        } catch (TrainingConfigFile.InvalidConfigException e) {
            err.println(e.getMessage());
            return e.diagnostics().isEmpty() && e.getMessage().endsWith("no such config file") ? ExitCodes.USAGE : ExitCodes.FAILED;
        } catch (IOException e) {
            err.println(config + ": " + e.getMessage());
            return ExitCodes.USAGE;
        }
        for (Diagnostic diagnostic : file.diagnostics()) {
            err.println(diagnostic.format(config.toString()));
        }

        StopSignal stop = new StopSignal();
        try {
            TrainingPlan plan = TrainingPlans.from(file.config(), file.resolvedYaml(), err::println);
            ModelExporter exporter = plan.exportFormat() != null ? HuggingFaceLlama.exporter(plan) : null;
            boolean terminal = System.console() != null && System.console().isTerminal();
            Trainer trainer = new Trainer(plan, new ProgressLine(err, terminal, terminal ? 0.5 : 10.0), HuggingFaceLlama.loader(), exporter,
                    provider);
            stop.installShutdownHook(600);
            RunOutcome outcome = trainer.run(noResume ? Trainer.ResumePolicy.NEVER : Trainer.ResumePolicy.AUTO, stop);
            switch (outcome.status()) {
                case FINISHED -> out.println(Double.isNaN(outcome.lastLoss())
                        ? "nothing to train (" + outcome.message() + "); run directory " + plan.experimentDir()
                        : String.format(Locale.ROOT, "finished at step %d, loss %.4f; run directory %s", outcome.step(), outcome.lastLoss(),
                                plan.experimentDir()));
                case STOPPED -> out.println("stopped at step " + outcome.step() + " with checkpoint " + outcome.checkpoint()
                        + "; run the same command to continue");
                case FAILED -> err.println("trainbench train: " + outcome.message());
            }
            return outcome.status() == RunOutcome.Status.FAILED ? ExitCodes.FAILED : ExitCodes.OK;
        } catch (BackendUnavailableException e) {
            err.println("trainbench train --backend " + provider.name() + ": " + e.getMessage());
            return ExitCodes.BACKEND_UNAVAILABLE;
        } catch (IllegalArgumentException | IllegalStateException | CheckpointMismatchException e) {
            err.println(config + ": " + e.getMessage());
            return ExitCodes.FAILED;
        } catch (IOException e) {
            err.println(config + ": " + e.getMessage());
            return ExitCodes.USAGE;
        } finally {
            stop.removeShutdownHook();
        }
    }
}
