package org.trainbench.engine.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.trainbench.engine.cli.CliRun.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.TestFixtures;
import org.trainbench.engine.cli.CliRun;
import org.trainbench.engine.cli.ExitCodes;
import org.trainbench.engine.config.check.ConfigChecker;
import org.trainbench.engine.config.check.Diagnostic;
import org.trainbench.engine.config.check.IssueCodes;
import org.trainbench.engine.files.FileTree;

/** `prepare --overwrite` replaces only what a previous `prepare` wrote; `validate` flags an output_path that holds inputs. */
class PrepareOverwriteTest {
    @TempDir
    Path temp;
    Path project;

    @BeforeEach
    void project() throws IOException {
        project = Files.createDirectories(temp.resolve("project"));
        Files.createDirectories(project.resolve("tokenizer"));
        Files.copy(TestFixtures.path("tokenizer/llama3.tokenizer.json"), project.resolve("tokenizer/tokenizer.json"));
        Files.writeString(project.resolve("corpus.jsonl"), "{\"text\": \"hello world\"}\n{\"text\": \"second\"}\n");
        Files.writeString(Files.createDirectories(temp.resolve("sibling")).resolve("notes.txt"), "another project");
    }

    private Path config(String outputPath) throws IOException {
        Path config = project.resolve("prepare.yaml");
        Files.writeString(config, "output_path: " + outputPath + "\ndataset:\n  path: ./corpus.jsonl\ntokenizer:\n  path: ./tokenizer\n");
        return config;
    }

    @Test
    void overwriteOfTheConfigFolderOrItsParentIsRefusedAndDeletesNothing() throws IOException {
        for (String output : List.of(".", "..", "./", project.toString(), "/")) {
            Path config = config(output);
            Map<String, String> before = FileTree.snapshot(temp);
            CliRun run = cli("prepare", config.toString(), "--overwrite", "--quiet");
            assertEquals(ExitCodes.REFUSED, run.exitCode(), output + ": " + run.err());
            assertTrue(run.err().contains("holds the config") && run.err().contains("output_path"), run.err());
            assertFalse(run.printedStackTrace(), run.err());
            assertEquals(before, FileTree.snapshot(temp), "nothing deleted or changed for output_path " + output);
        }
    }

    @Test
    void anOutputHoldingTheDatasetIsRefusedEvenWithoutOverwrite() throws IOException {
        Files.createDirectories(project.resolve("data"));
        Files.move(project.resolve("corpus.jsonl"), project.resolve("data/corpus.jsonl"));
        Path config = project.resolve("prepare.yaml");
        Files.writeString(config, "output_path: data\ndataset:\n  path: ./data/corpus.jsonl\ntokenizer:\n  path: ./tokenizer\n");
        CliRun run = cli("prepare", config.toString(), "--quiet");
        assertEquals(ExitCodes.REFUSED, run.exitCode(), run.err());
        assertTrue(run.err().contains("dataset.path"), run.err());
        assertTrue(Files.exists(project.resolve("data/corpus.jsonl")));
    }

    @Test
    void overwriteReplacesAPreviousPreparationButNotAFolderItDidNotWrite() throws IOException {
        Path config = config("prepared");
        CliRun first = cli("prepare", config.toString(), "--quiet");
        assertEquals(ExitCodes.OK, first.exitCode(), first.err());
        assertTrue(Files.isRegularFile(project.resolve("prepared").resolve(PreparedOutput.MARKER)));
        assertTrue(Files.readString(project.resolve("prepared").resolve(PreparedOutput.MARKER)).contains("fast_llm_config.yaml"));

        CliRun again = cli("prepare", config.toString(), "--overwrite", "--quiet");
        assertEquals(ExitCodes.OK, again.exitCode(), again.err());

        // A file the user added to the output: kept, and the run refused.
        Files.writeString(project.resolve("prepared/my-notes.md"), "mine");
        Map<String, String> before = FileTree.snapshot(temp);
        CliRun refused = cli("prepare", config.toString(), "--overwrite", "--quiet");
        assertEquals(ExitCodes.REFUSED, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("my-notes.md") && refused.err().contains("did not write"), refused.err());
        assertFalse(refused.printedStackTrace(), refused.err());
        assertEquals(before, FileTree.snapshot(temp));

        // A folder that prepare never wrote (no marker): refused, kept.
        Path foreign = Files.createDirectories(project.resolve("mine"));
        Files.writeString(foreign.resolve("thesis.tex"), "years of work");
        CliRun notOurs = cli("prepare", config("mine").toString(), "--overwrite", "--quiet");
        assertEquals(ExitCodes.REFUSED, notOurs.exitCode(), notOurs.err());
        assertTrue(notOurs.err().contains(PreparedOutput.MARKER), notOurs.err());
        assertEquals("years of work", Files.readString(foreign.resolve("thesis.tex")));
    }

    @Test
    void aFolderNamedLikeTheLeftoverOfAnInterruptedRunIsNotDeleted() throws IOException {
        Path partial = Files.createDirectories(project.resolve("prepared.partial"));
        Files.writeString(partial.resolve("keep.txt"), "mine");
        CliRun run = cli("prepare", config("prepared").toString(), "--quiet");
        assertEquals(ExitCodes.REFUSED, run.exitCode(), run.err());
        assertEquals("mine", Files.readString(partial.resolve("keep.txt")));
    }

    @Test
    void validateFlagsAnOutputPathThatHoldsTheConfigOrAnInputAtItsLine() throws IOException {
        for (String output : List.of(".", "..", "tokenizer")) {
            Path config = config(output);
            List<Diagnostic> diagnostics = ConfigChecker.check(Files.readString(config), config).stream()
                    .filter(d -> d.code().equals(IssueCodes.OUTPUT_HOLDS_INPUT)).toList();
            assertEquals(1, diagnostics.size(), output + ": " + diagnostics);
            assertEquals("output_path", diagnostics.getFirst().keyPath());
            assertEquals(1, diagnostics.getFirst().range().line());
        }
        CliRun validate = cli("validate", config(".").toString());
        assertEquals(ExitCodes.FAILED, validate.exitCode());
        assertTrue(validate.out().contains("prepare.yaml:1:14: error:") && validate.out().contains("[output-holds-input]"),
                validate.out());
        Path fine = config("prepared");
        assertEquals(List.of(), ConfigChecker.check(Files.readString(fine), fine));
    }

    /** A work folder as a prepare that died (out of memory, kill -9) leaves it: marked by a process now gone. */
    private Path leftoverOfADeadRun() throws IOException, InterruptedException {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path partial = project.resolve("prepared.partial");
        PreparedOutput.createWorkFolder(partial);
        Files.writeString(partial.resolve(PreparedOutput.MARKER), "# written by `trainbench prepare`\n" + PreparedOutput.WRITING
                + gone.pid() + " " + gone.info().startInstant().map(Object::toString).orElse("-") + " "
                + org.trainbench.engine.files.ThisHost.name().replace(' ', '_') + "\n");
        Files.write(Files.createDirectories(partial.resolve("training")).resolve("dataset.bin"), new byte[1000]);
        return partial;
    }

    @Test
    void theNextRunRemovesTheWorkFolderOfAPrepareThatDiedAndSaysSo() throws Exception {
        Path partial = leftoverOfADeadRun();
        CliRun run = cli("prepare", config("prepared").toString(), "--quiet");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertFalse(Files.exists(partial));
        assertTrue(Files.isRegularFile(project.resolve("prepared/" + PreparedOutput.MARKER)));
        assertTrue(run.err().contains("removed " + partial) && run.err().contains("stopped before completing"), run.err());
    }

    @Test
    void theWorkFolderOfAPrepareStillRunningIsLeftAloneAndNamed() throws IOException {
        Path partial = project.resolve("prepared.partial");
        PreparedOutput.createWorkFolder(partial); // by this process, which runs
        Files.writeString(partial.resolve("dataset.bin"), "being written");
        CliRun run = cli("prepare", config("prepared").toString(), "--quiet");
        assertEquals(ExitCodes.REFUSED, run.exitCode(), run.err());
        assertTrue(run.err().contains("another trainbench prepare (pid " + ProcessHandle.current().pid()), run.err());
        assertEquals("being written", Files.readString(partial.resolve("dataset.bin")));
    }

    @Test
    void aUsersFileInAnUnmarkedFolderOfThatNameIsStillNotDeleted() throws Exception {
        Path partial = leftoverOfADeadRun();
        Files.delete(partial.resolve(PreparedOutput.MARKER));
        CliRun run = cli("prepare", config("prepared").toString(), "--quiet");
        assertEquals(ExitCodes.REFUSED, run.exitCode(), run.err());
        assertTrue(Files.exists(partial.resolve("training/dataset.bin")));
    }
}
