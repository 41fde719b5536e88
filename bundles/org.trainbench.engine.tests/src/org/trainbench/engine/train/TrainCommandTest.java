package org.trainbench.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainbench.engine.cli.CliRun.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.cli.ExitCodes;
import org.trainbench.engine.cli.CliRun;
import org.trainbench.engine.files.FileTree;
import org.trainbench.engine.train.checkpoint.CheckpointStore;

/** `trainbench train` end to end through the command line. */
class TrainCommandTest {
    @TempDir
    Path temp;

    private Path config() throws IOException {
        Path data = temp.resolve("data");
        TinyRuns.writeDataset(data, "training", 60, 3);
        Path file = temp.resolve("tiny.yaml");
        TinyRuns.writeConfig(file, data.resolve("training").toString(), temp.resolve("run"));
        return file;
    }

    @Test
    void trainsAConfigThenResumesItWhenRunAgainWithMoreIterations() throws IOException {
        Path file = config();
        CliRun first = cli("train", file.toString());
        assertEquals(ExitCodes.OK, first.exitCode(), first.err());
        assertTrue(first.out().contains("finished at step 4"), first.out());
        assertTrue(first.err().contains("step 4/4"), "progress on stderr: " + first.err());

        CliRun second = cli("train", file.toString(), "--set", "training.train_iters=6");
        assertEquals(ExitCodes.OK, second.exitCode(), second.err());
        assertTrue(second.err().contains("resuming from checkpoint " + temp.resolve("run/checkpoints/step-4")), second.err());
        List<Map<String, Object>> lines = TinyRuns.metrics(temp.resolve("run"));
        assertEquals(List.of(2L, 4L, 6L), TinyRuns.ofType(lines, "train").stream().map(l -> l.get("step")).toList());

        CliRun refused = cli("train", file.toString(), "--no-resume");
        assertEquals(ExitCodes.FAILED, refused.exitCode());
        assertTrue(refused.err().contains("resuming was refused (--no-resume)"), refused.err());
    }

    @Test
    void aConfigWithErrorsDoesNotStartAndPrintsTheDiagnosticsOfValidate() throws IOException {
        Path file = config();
        Files.writeString(file, Files.readString(file).replace("batch_size: 4", "batch_size: 4\n  sequence_lenght: 8"));
        CliRun result = cli("train", file.toString(), "--set", "optimizer.beta_1=2");
        assertEquals(ExitCodes.FAILED, result.exitCode());
        assertTrue(result.err().contains(file + ":"), result.err());
        assertTrue(result.err().contains("error: "), result.err());
        assertTrue(result.err().contains("the run was not started"), result.err());
        assertTrue(Files.notExists(temp.resolve("run/metrics.jsonl")), "nothing was trained");
    }

    @Test
    void theCudaBackendWithoutItsJarOnTheClassPathIsRefusedNamingTheJarAndNothingIsWritten() throws IOException {
        // the engine's tests run without org.trainbench.engine.cuda: the engine finds backends at run time only
        CliRun result = cli("train", config().toString(), "--backend", "cuda");
        assertEquals(ExitCodes.BACKEND_UNAVAILABLE, result.exitCode());
        assertTrue(result.err().contains("org.trainbench.engine.cuda.jar"), result.err());
        assertTrue(!Files.exists(temp.resolve("run")), "no run directory for a refused run");
    }

    @Test
    void severalGpusOnTheCpuBackendAndAnUnknownBackendAreUsageErrors() throws IOException {
        Path file = config();
        assertEquals(ExitCodes.USAGE, cli("train", file.toString(), "--gpus", "2").exitCode());
        CliRun unknown = cli("train", file.toString(), "--backend", "tpu");
        assertEquals(ExitCodes.USAGE, unknown.exitCode());
        assertTrue(unknown.err().contains("expected one of cpu"), unknown.err());
    }

    @Test
    void whenEveryCheckpointIsCorruptTrainRefusesKeepsThemAndSaysHowToStartOver() throws IOException {
        Path file = config();
        assertEquals(ExitCodes.OK, cli("train", file.toString()).exitCode());
        Path checkpoints = temp.resolve("run/checkpoints");
        for (String step : List.of("step-2", "step-4")) {
            Path model = checkpoints.resolve(step).resolve(CheckpointStore.MODEL_FILE);
            byte[] bytes = Files.readAllBytes(model);
            bytes[bytes.length - 5] ^= 0x10;
            Files.write(model, bytes);
        }
        Map<String, String> before = FileTree.snapshot(temp.resolve("run"));
        before.remove("metrics.jsonl");
        before.remove("logs/train.log");

        CliRun refused = cli("train", file.toString(), "--set", "training.train_iters=6");
        assertEquals(ExitCodes.REFUSED, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("every checkpoint in " + checkpoints) && refused.err().contains("run.experiment_dir")
                && refused.err().contains("checksum mismatch"), refused.err());
        assertFalse(refused.printedStackTrace(), refused.err());
        Map<String, String> after = FileTree.snapshot(temp.resolve("run"));
        after.remove("metrics.jsonl");
        after.remove("logs/train.log");
        assertEquals(before, after, "the corrupt checkpoints are kept as they were");
        assertFalse(refused.out().contains("finished"), refused.out());
    }

    @Test
    void aMissingConfigFileIsAUsageError() {
        CliRun result = cli("train", temp.resolve("nope.yaml").toString());
        assertEquals(ExitCodes.USAGE, result.exitCode());
        assertTrue(result.err().contains("nope.yaml"), result.err());
    }
}
