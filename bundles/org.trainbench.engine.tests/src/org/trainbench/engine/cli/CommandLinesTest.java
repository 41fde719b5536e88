package org.trainbench.engine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** The typed command lines write what the CLI's own parser reads back into the same value. */
class CommandLinesTest {

    private static Object parsed(List<String> arguments) {
        CommandLine.ParseResult result = TrainbenchCli.commandLine().parseArgs(arguments.toArray(String[]::new));
        return result.subcommand().commandSpec().userObject();
    }

    @Test
    void aTrainCommandLineIsReadBackByTrainbenchTrain() {
        TrainCommandLine plain = TrainCommandLine.of(Path.of("/w/config.yaml"), List.of("training.train_iters=10", "run.experiment_dir=/tmp/my run"));
        assertEquals(List.of("train", "/w/config.yaml", "--set", "training.train_iters=10", "--set", "run.experiment_dir=/tmp/my run"),
                plain.toArguments(), "defaults are left out: what a user types");
        assertEquals(plain, ((TrainCommand) parsed(plain.toArguments())).commandLine());

        TrainCommandLine cuda = new TrainCommandLine(Path.of("c.yaml"), List.of(), true, "cuda", 1);
        assertEquals(List.of("train", "c.yaml", "--no-resume", "--backend", "cuda", "--gpus", "1"), cuda.toArguments());
        assertEquals(cuda, ((TrainCommand) parsed(cuda.toArguments())).commandLine());

        TrainCommandLine workers = TrainCommandLine.of(Path.of("c.yaml"), List.of()).withWorkers(3);
        assertEquals(List.of("train", "c.yaml", "--workers", "3"), workers.toArguments());
        assertEquals(workers, ((TrainCommand) parsed(workers.toArguments())).commandLine());
    }

    @Test
    void anExportCommandLineIsReadBackByTrainbenchExport() {
        for (ExportCommandLine export : List.of(
                ExportCommandLine.llama(Path.of("/r/checkpoints/step-2"), Path.of("/r/export/step-2"), ExportCommandLine.Dtype.FLOAT32, false),
                ExportCommandLine.llama(Path.of("/r"), Path.of("/r/hf"), ExportCommandLine.Dtype.BFLOAT16, true))) {
            assertEquals(export, ((ExportCommand) parsed(export.toArguments())).commandLine());
        }
        assertEquals(List.of("export", "/r", "--format", "llama", "--output", "/r/hf", "--dtype", "bfloat16", "--overwrite"),
                ExportCommandLine.llama(Path.of("/r"), Path.of("/r/hf"), ExportCommandLine.Dtype.BFLOAT16, true).toArguments());
    }
}
