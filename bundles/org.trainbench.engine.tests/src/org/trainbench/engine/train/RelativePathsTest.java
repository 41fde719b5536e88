package org.trainbench.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.cli.ExitCodes;
import org.trainbench.engine.cli.TrainbenchCli;
import org.trainbench.engine.config.check.IssueCodes;

import picocli.CommandLine;

/** Relative input paths in a training config are read against the config file's directory, by the checker and the run. */
class RelativePathsTest {
    @TempDir
    Path temp;

    private Path configWithRelativeData(String dataPath) throws Exception {
        Path dir = Files.createDirectories(temp.resolve("sub/dir"));
        TinyRuns.writeDataset(dir.resolve("data"), "training", 40, 5);
        Path file = dir.resolve("config.yaml");
        TinyRuns.writeConfig(file, dataPath, temp.resolve("run"));
        return file;
    }

    @Test
    void aRelativeDatasetPathIsReadAgainstTheConfigDirectoryNotTheWorkingDirectory() throws Exception {
        Path file = configWithRelativeData("data/training");
        // The tests run from elsewhere (the repository root or Tycho's folder), where data/training does not exist.
        assertFalse(Files.exists(Path.of("data/training.idx")));
        CommandLine cli = TrainbenchCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertEquals(ExitCodes.OK, cli.execute("train", file.toString()), err.toString());
        assertTrue(out.toString().contains("finished at step 4"), out.toString());
        String resolved = Files.readString(temp.resolve("run/config.resolved.yaml"));
        assertTrue(resolved.contains(temp.resolve("sub/dir/data/training").toAbsolutePath().toString()), resolved);
    }

    @Test
    void theCheckerWarningAndTheTrainerAgreeOnWhereARelativePathPoints() throws Exception {
        TrainingConfigFile found = TrainingConfigFile.read(configWithRelativeData("data/training"), List.of());
        assertTrue(found.diagnostics().stream().noneMatch(d -> d.code().equals(IssueCodes.FILE_NOT_FOUND)), found.diagnostics().toString());
        assertEquals(temp.resolve("sub/dir/data/training").toAbsolutePath(), found.config().data().datasets().get("training").path());

        TrainingConfigFile missing = TrainingConfigFile.read(configWithRelativeData("./elsewhere/training"), List.of());
        assertTrue(missing.diagnostics().stream().anyMatch(d -> d.code().equals(IssueCodes.FILE_NOT_FOUND)
                && d.message().contains(temp.resolve("sub/dir/elsewhere/training").toAbsolutePath().toString())), missing.diagnostics().toString());
        assertEquals(temp.resolve("sub/dir/elsewhere/training").toAbsolutePath(), missing.config().data().datasets().get("training").path());
    }
}
