package org.trainbench.engine.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The run the CLI distribution's start-up cache is trained on when it is packaged (releng/org.trainbench.cli): every
 * command once, in one JVM, on small inputs (the demo trained for two steps, resumed by {@code train} for one more,
 * then tokenize, generate, export, validate of the example configs), so the cache holds the classes of all commands
 * instead of those of whichever command a user happened to run first.
 * <pre>
 * bin/trainbench --train-startup-cache WORK_DIR CONFIG_DIR
 * </pre>
 * (which runs it with {@code -XX:AOTCacheOutput}); CONFIG_DIR's *.yaml files are validated.
 * Exits non-zero when a command ends in anything but success or a plain failure, so that a broken distribution
 * fails its build.
 */
public final class StartupTraining {
    private StartupTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createDirectories(Path.of(args[0]));
        Path demo = work.resolve("demo");
        List<String[]> commands = new ArrayList<>();
        commands.add(new String[] {"--help"});
        commands.add(new String[] {"demo", "--fresh", "--dir", demo.toString(), "--set", "training.train_iters=2"});
        commands.add(TrainCommandLine.of(demo.resolve(org.trainbench.engine.train.demo.DemoRun.CONFIG), List.of("training.train_iters=3"))
                .toArguments().toArray(String[]::new));
        commands.add(new String[] {"tokenize", "--text", "Hello world", demo.toString()});
        commands.add(new String[] {"generate", demo.toString(), "--prompt", "Hello", "--max-new-tokens", "4"});
        commands.add(ExportCommandLine.llama(demo, work.resolve("export"), ExportCommandLine.Dtype.FLOAT32, true).toArguments()
                .toArray(String[]::new));
        try (var configs = Files.list(Path.of(args[1]))) {
            configs.filter(f -> f.toString().endsWith(".yaml")).sorted()
                    .forEach(config -> commands.add(new String[] {"validate", config.toString()}));
        }
        PrintStream out = System.out;
        for (String[] command : commands) {
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            int code;
            try {
                code = TrainbenchCli.commandLine().execute(command);
            } finally {
                System.setOut(out);
            }
            out.println("start-up training: trainbench " + String.join(" ", command) + " -> exit " + code);
            // FAILED is an answer (a two-step demo has not learned; a config has errors); anything else is a fault
            if (code != ExitCodes.OK && code != ExitCodes.FAILED) {
                System.exit(code);
            }
        }
    }
}
