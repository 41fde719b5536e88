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
import org.trainbench.engine.train.distributed.Communicator;
import org.trainbench.engine.train.distributed.CommunicatorException;
import org.trainbench.engine.train.distributed.DataParallel;
import org.trainbench.engine.train.distributed.LaunchEnvironment;
import org.trainbench.engine.train.distributed.TcpCommunicator;
import org.trainbench.engine.train.distributed.WorkerGroup;
import org.trainbench.engine.train.distributed.ZeroStage;

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
@Command(name = TrainCommandLine.COMMAND, mixinStandardHelpOptions = true,
        description = {"Train a model from a config (Fast-LLM YAML) on the CPU or an NVIDIA GPU (--backend cuda).",
                "The config is checked first, with the diagnostics of `trainbench validate`; a run with errors does not start. "
                        + "A run continues from the newest intact checkpoint in run.experiment_dir (--no-resume refuses). "
                        + "Ctrl-C or SIGTERM stops after the current step and writes a checkpoint."})
public final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CONFIG", description = "The training config file.")
    Path config;

    @Option(names = TrainCommandLine.SET, paramLabel = "KEY=VALUE",
            description = "Override a config key, e.g. --set training.train_iters=100 (YAML value; repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = TrainCommandLine.NO_RESUME, description = "Refuse to start when run.experiment_dir already holds checkpoints, instead of resuming.")
    boolean noResume;

    @Option(names = TrainCommandLine.BACKEND, paramLabel = "cpu|cuda", defaultValue = TrainCommandLine.DEFAULT_BACKEND,
            description = "Where to train: cpu (default, fp32 on all cores) or cuda (one NVIDIA GPU; model.distributed.training_dtype "
                    + "bf16 or fp32). Exit code 4 when the backend cannot run here (no driver, GPU or CUDA library).")
    String backend;

    @Option(names = TrainCommandLine.GPUS, paramLabel = "N", defaultValue = TrainCommandLine.DEFAULT_GPUS, description = "GPUs to train on (cuda backend only).")
    int gpus;

    @Option(names = TrainCommandLine.WORKERS, paramLabel = "N", defaultValue = TrainCommandLine.DEFAULT_WORKERS,
            description = "Train data-parallel in N worker processes on this host (cpu backend; docs/DISTRIBUTED.md). "
                    + "Workers started by torchrun or srun read RANK/WORLD_SIZE (or SLURM_PROCID/SLURM_NTASKS) instead.")
    int workers;

    @Option(names = "--master-addr", paramLabel = "ADDRESS", defaultValue = LaunchEnvironment.DEFAULT_ADDRESS,
            description = "With --workers: the address rank 0 listens on, and only there (default ${DEFAULT-VALUE}).")
    String masterAddress;

    @Option(names = "--master-port", paramLabel = "PORT", defaultValue = "0",
            description = "With --workers: the port rank 0 listens on (default: a free port).")
    int masterPort;

    /** What this command was asked to do, as the typed command line that starts it elsewhere. */
    public TrainCommandLine commandLine() {
        return new TrainCommandLine(config, overrides, noResume, backend, gpus, workers);
    }

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
            return backend.equalsIgnoreCase(Backends.CUDA) ? ExitCodes.BACKEND_UNAVAILABLE : ExitCodes.USAGE;
        }
        if (gpus < 1 || gpus != 1 && provider.name().equals(CpuBackend.NAME)) {
            err.println("--gpus " + gpus + ": " + (gpus < 1 ? "expected 1 or more"
                    : "the cpu backend does not use GPUs; leave --gpus out, use --workers N for several CPU workers, or --backend cuda"));
            return ExitCodes.USAGE;
        }
        if (gpus > 1) {
            // one worker process per GPU, each on the device of its LOCAL_RANK, joined by NCCL
            if (workers > 1 && workers != gpus) {
                err.println("--gpus " + gpus + " with --workers " + workers + ": on GPUs there is one worker per GPU; give --gpus only");
                return ExitCodes.USAGE;
            }
            workers = gpus;
        }
        LaunchEnvironment launch;
        try {
            launch = LaunchEnvironment.from(System.getenv());
        } catch (LaunchEnvironment.InvalidLaunchException e) {
            err.println("trainbench train: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (workers < 1) {
            err.println("--workers " + workers + ": expected 1 or more");
            return ExitCodes.USAGE;
        }
        if (workers > 1 && launch.distributed()) {
            err.println("--workers " + workers + ": this process is already rank " + launch.rank() + " of " + launch.worldSize()
                    + " (RANK/WORLD_SIZE or SLURM_PROCID/SLURM_NTASKS are set): an outer launcher starts the workers, so leave --workers out");
            return ExitCodes.USAGE;
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
        if (launch.rank() == 0) { // the launcher and rank 0 say it once, not every worker
            for (Diagnostic diagnostic : file.diagnostics()) {
                err.println(diagnostic.format(config.toString()));
            }
        }

        ZeroStage zeroStage = ZeroStage.of(file.config().model().multiStage().zeroStage());
        double timeout = file.config().model().distributed().timeout();
        if (workers > 1) {
            return launchWorkers(timeout, out, err);
        }

        StopSignal stop = new StopSignal();
        Communicator communicator = null;
        try {
            TrainingPlan plan = TrainingPlans.from(file.config(), file.resolvedYaml(), err::println);
            DataParallel group = DataParallel.single();
            if (launch.distributed()) {
                stop.installShutdownHook(600);
                watchLauncher(stop);
                communicator = TcpCommunicator.connect(launch.masterAddress(), launch.masterPort(), launch.rank(), launch.worldSize(),
                        java.time.Duration.ofMillis((long) (timeout * 1000)), fingerprint(file.resolvedYaml()));
                group = new DataParallel(communicator, zeroStage);
            }
            ModelExporter exporter = plan.exportFormat() != null ? HuggingFaceLlama.exporter(plan) : null;
            boolean terminal = System.console() != null && System.console().isTerminal();
            // ranks other than 0 compute quietly: rank 0 reports the run, and a failure is printed below by each rank
            org.trainbench.engine.train.TrainingListener listener = group.writesFiles()
                    ? new ProgressLine(ProgressLine.stream(out, err), terminal, terminal ? 0.5 : 10.0) : new org.trainbench.engine.train.TrainingListener() {
                        @Override
                        public void message(String text) {
                        }
                    };
            Trainer trainer = new Trainer(plan, listener, HuggingFaceLlama.loader(), exporter, provider, group);
            stop.installShutdownHook(600);
            RunOutcome outcome = trainer.run(noResume ? Trainer.ResumePolicy.NEVER : Trainer.ResumePolicy.AUTO, stop);
            if (!group.writesFiles()) {
                if (outcome.status() == RunOutcome.Status.FAILED) {
                    err.println("trainbench train: " + outcome.message());
                }
                return outcome.status() == RunOutcome.Status.FAILED ? ExitCodes.FAILED : ExitCodes.OK;
            }
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
        } catch (CommunicatorException e) {
            err.println("trainbench train: " + e.getMessage());
            return ExitCodes.FAILED;
        } catch (IllegalArgumentException | IllegalStateException | CheckpointMismatchException e) {
            err.println(config + ": " + e.getMessage());
            return ExitCodes.FAILED;
        } catch (IOException e) {
            err.println(config + ": " + e.getMessage());
            return ExitCodes.USAGE;
        } finally {
            if (communicator != null) {
                communicator.close();
            }
            stop.removeShutdownHook();
        }
    }

    /** {@code --workers N}: this process starts N workers on this host and waits for them; it trains nothing itself. */
    private int launchWorkers(double timeout, PrintWriter out, PrintWriter err) {
        int port = masterPort;
        // a taken port is an error before any worker starts; a free one is chosen when none was asked for
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.bind(new java.net.InetSocketAddress(java.net.InetAddress.getByName(masterAddress), port));
            port = probe.getLocalPort();
        } catch (IOException e) {
            err.println("trainbench train --workers " + workers + ": cannot listen on " + masterAddress + ":" + port + " (" + e.getMessage()
                    + "): another run or program holds this port, or the address is not this host's; choose another --master-port");
            return ExitCodes.USAGE;
        }
        List<String> arguments = new ArrayList<>(spec.commandLine().getParseResult().originalArgs());
        withoutOption(arguments, "--workers");
        withoutOption(arguments, "--gpus");
        withoutOption(arguments, "--master-addr");
        withoutOption(arguments, "--master-port");
        if (!arguments.contains("train")) {
            arguments.addFirst("train"); // run in-process (tests): the parse result is this subcommand's own
        }
        List<String> command = new ArrayList<>(WorkerGroup.thisJvm(TrainbenchCli.class.getName(), arguments));
        if (command.stream().noneMatch(a -> a.startsWith("-D" + org.trainbench.engine.tensor.WorkerPool.THREADS_PROPERTY + "="))) {
            // N workers share this host's cores instead of each taking all of them
            int threads = Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
            command.add(1, "-D" + org.trainbench.engine.tensor.WorkerPool.THREADS_PROPERTY + "=" + threads);
        }
        err.println("starting " + workers + " workers on " + masterAddress + ":" + port);
        try {
            return new WorkerGroup(command, workers, masterAddress, port, timeout, out, err).run();
        } catch (IOException e) {
            err.println("trainbench train --workers " + workers + ": could not start a worker: " + e.getMessage());
            return ExitCodes.USAGE;
        }
    }

    private static void withoutOption(List<String> arguments, String name) {
        for (int i = 0; i < arguments.size(); i++) {
            if (arguments.get(i).equals(name)) {
                arguments.remove(i);
                if (i < arguments.size()) {
                    arguments.remove(i);
                }
                i--;
            } else if (arguments.get(i).startsWith(name + "=")) {
                arguments.remove(i);
                i--;
            }
        }
    }

    /** What every rank must agree on before training: the resolved config (with --set applied) and the backend. */
    private String fingerprint(String resolvedYaml) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            sha.update(resolvedYaml.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update(("\nbackend: " + backend.toLowerCase(Locale.ROOT)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A worker of {@code --workers} stops (with a checkpoint) when the launcher's process is gone, e.g. killed with -9. */
    private static void watchLauncher(StopSignal stop) {
        String pid = System.getenv(LaunchEnvironment.LAUNCHER_PID);
        if (pid == null) {
            return;
        }
        try {
            ProcessHandle.of(Long.parseLong(pid.trim())).ifPresentOrElse(
                    launcher -> launcher.onExit().thenRun(() -> stop.request("the launcher (pid " + pid + ") exited")),
                    () -> stop.request("the launcher (pid " + pid + ") is gone"));
        } catch (NumberFormatException e) {
            // not ours to judge: the variable is informational
        }
    }
}
