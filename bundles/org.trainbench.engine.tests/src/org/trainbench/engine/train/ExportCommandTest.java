package org.trainbench.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainbench.engine.cli.CliRun.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.cli.ExitCodes;
import org.trainbench.engine.cli.CliRun;
import org.trainbench.engine.files.FileTree;
import org.trainbench.engine.hf.HfLlamaFormat;
import org.trainbench.engine.model.LlamaModel;

/** `trainbench export` of a tiny trained run through the command line. */
class ExportCommandTest {
    @TempDir
    Path temp;

    private Path trainedRun() throws IOException {
        Path data = temp.resolve("data");
        TinyRuns.writeDataset(data, "training", 60, 3);
        Path file = temp.resolve("tiny.yaml");
        TinyRuns.writeConfig(file, data.resolve("training").toString(), temp.resolve("run"));
        CliRun trained = cli("train", file.toString(), "--set", "training.train_iters=2", "--set", "batch.batch_size=2");
        assertEquals(ExitCodes.OK, trained.exitCode(), trained.err());
        return temp.resolve("run");
    }

    @Test
    void exportedRunLoadsBackWithLogitsBitIdenticalToTheCheckpointModel() throws IOException {
        Path run = trainedRun();
        Path output = temp.resolve("hf");
        CliRun exported = cli("export", run.toString(), "--format", "llama", "--output", output.toString());
        assertEquals(ExitCodes.OK, exported.exitCode(), exported.err());
        assertTrue(exported.out().contains("checkpoints/step-2"), exported.out());
        assertTrue(Files.isRegularFile(output.resolve("config.json")));
        assertTrue(Files.isRegularFile(output.resolve("generation_config.json")));
        assertTrue(Files.isRegularFile(output.resolve("model.safetensors")));

        LlamaModel original = CheckpointModels.load(run.resolve("checkpoints/step-2"), m -> { }).model();
        LlamaModel reloaded = HfLlamaFormat.load(output);
        int[] tokens = {1, 5, 7, 3, 22, 9};
        assertArrayEquals(original.logits(tokens), reloaded.logits(tokens));

        CliRun refused = cli("export", run.toString(), "--output", output.toString());
        assertEquals(ExitCodes.USAGE, refused.exitCode());
        assertTrue(refused.err().contains(output + ": exists and is not empty"), refused.err());
        CliRun replaced = cli("export", run.toString(), "--output", output.toString(), "--overwrite", "--dtype", "bfloat16");
        assertEquals(ExitCodes.OK, replaced.exitCode(), replaced.err());
    }

    @Test
    void overwriteReplacesOnlyAPreviousExportAndTheFolderFollowsTheUmask() throws IOException {
        Path run = trainedRun();
        Path mine = Files.createDirectories(temp.resolve("mine"));
        Files.writeString(mine.resolve("thesis.tex"), "years of work");
        Map<String, String> before = FileTree.snapshot(mine);
        CliRun refused = cli("export", run.toString(), "--output", mine.toString(), "--overwrite");
        assertEquals(ExitCodes.REFUSED, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("thesis.tex") && refused.err().contains("--overwrite replaces only a previous export"),
                refused.err());
        assertFalse(refused.printedStackTrace(), refused.err());
        assertEquals(before, FileTree.snapshot(mine));

        Path output = temp.resolve("hf");
        assertEquals(ExitCodes.OK, cli("export", run.toString(), "--output", output.toString()).exitCode());
        assertEquals(ExitCodes.OK, cli("export", run.toString(), "--output", output.toString(), "--overwrite").exitCode());
        Path plain = Files.createDirectory(temp.resolve("plain"));
        if (Files.getFileStore(output).supportsFileAttributeView("posix")) {
            assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(output),
                    "the export folder gets the permissions of any new folder, not drwx------");
        }
    }

    @Test
    void anOutputThatContainsTheRunIsRefusedEvenWithOverwriteAndTheRunIsKept() throws IOException {
        Path run = trainedRun();
        for (Path output : new Path[] {run, run.resolve("checkpoints"), run.getParent()}) {
            CliRun refused = cli("export", run.toString(), "--output", output.toString(), "--overwrite");
            assertEquals(ExitCodes.USAGE, refused.exitCode(), output.toString());
            assertTrue(refused.err().contains("contains the run"), refused.err());
            assertTrue(Files.isRegularFile(run.resolve("checkpoints/step-2/manifest.json")), "the checkpoint was deleted");
        }
        CliRun inside = cli("export", run.resolve("checkpoints/step-2").toString(), "--output",
                run.resolve("checkpoints/step-2/hf").toString());
        assertEquals(ExitCodes.USAGE, inside.exitCode());
        assertTrue(inside.err().contains("is inside the checkpoint"), inside.err());
    }

    @Test
    void errorsNameThePathOrTheBadOption() throws IOException {
        Path empty = Files.createDirectories(temp.resolve("nothing"));
        CliRun noCheckpoint = cli("export", empty.toString(), "--output", temp.resolve("out").toString());
        assertEquals(ExitCodes.FAILED, noCheckpoint.exitCode());
        assertTrue(noCheckpoint.err().contains(empty.toString()), noCheckpoint.err());
        assertTrue(Files.notExists(temp.resolve("out")));

        CliRun badFormat = cli("export", empty.toString(), "--format", "gpt2", "--output", temp.resolve("out").toString());
        assertEquals(ExitCodes.USAGE, badFormat.exitCode());
        assertTrue(badFormat.err().contains("--format must be llama"), badFormat.err());
    }
}
