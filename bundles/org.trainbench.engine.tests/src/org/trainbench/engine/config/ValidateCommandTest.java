package org.trainbench.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.cli.ExitCodes;
import org.trainbench.engine.cli.TrainbenchCli;

import picocli.CommandLine;

/** `trainbench validate`, run in-process through picocli. */
class ValidateCommandTest {

    private static final Pattern LINE = Pattern.compile("(.+):(\\d+):(\\d+): (error|warning|info): (.+) \\[([a-z0-9-]+)\\]");

    private record Result(int exitCode, String out, String err) {
        List<String> lines() {
            return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
        }
    }

    private static Result validate(String... args) {
        CommandLine cli = TrainbenchCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] full = new String[args.length + 1];
        full[0] = "validate";
        System.arraycopy(args, 0, full, 1, args.length);
        return new Result(cli.execute(full), out.toString().replace("\r\n", "\n"), err.toString());
    }

    @Test
    void cleanConfigExitsZeroAndPrintsOnlyWarnings() {
        Path file = ConfigExamples.path(ConfigExamples.SFT_TRAIN);
        Result result = validate(file.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.err());
        assertEquals(3, result.lines().size(), result.out());
        for (String line : result.lines()) {
            Matcher m = LINE.matcher(line);
            assertTrue(m.matches(), line);
            assertEquals(file.toString(), m.group(1));
            assertEquals("warning", m.group(4));
            assertEquals("file-not-found", m.group(6));
        }
        assertTrue(result.err().contains("0 errors, 3 warnings in 1 file"), result.err());
    }

    @Test
    void errorsPrintFileLineColumnSeverityMessageAndCodeAndExitOne(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "batch:\n  micro_batch_size: 4\n  batch_size: 30\n  sequnce_length: 4096\n");
        Result result = validate(config.toString());
        assertEquals(ExitCodes.FAILED, result.exitCode());
        List<String> lines = result.lines();
        assertTrue(lines.contains(config + ":3:15: error: `batch.batch_size` (30) must be a multiple of"
                + " `batch.micro_batch_size` (4; times the data-parallel size on several GPUs): each step accumulates"
                + " batch_size / micro_batch_size micro-batches. Use batch_size: 32. [batch-not-divisible]"), result.out());
        assertTrue(lines.contains(config + ":4:3: error: Unknown key `sequnce_length` in `batch`: did you mean"
                + " `sequence_length`? [unknown-key]"), result.out());
    }

    @Test
    void syntaxErrorsAreDiagnosticsToo(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("anchors.yaml");
        Files.writeString(config, "training:\n  train_iters: &n 10\n");
        Result result = validate(config.toString());
        assertEquals(ExitCodes.FAILED, result.exitCode());
        assertEquals(List.of(config + ":2:16: error: anchors (`&name`) are not supported: write the value out in full"
                + " [syntax-error]"), result.lines());
    }

    @Test
    void severalFilesAreCheckedAndAnyErrorFailsTheRun() {
        Result result = validate(ConfigExamples.path(ConfigExamples.SFT_TRAIN).toString(),
                ConfigExamples.path(ConfigExamples.PRETRAIN).toString());
        assertEquals(ExitCodes.FAILED, result.exitCode());
        assertEquals(1, result.lines().stream().filter(l -> l.contains(": error: ")).count());
        assertTrue(result.err().contains("1 error, 8 warnings in 2 files"), result.err());
    }

    @Test
    void missingFileIsAnIoErrorWithExitTwo() {
        Result result = validate(ConfigExamples.path(ConfigExamples.SFT_TRAIN).toString(), "does/not/exist.yaml");
        assertEquals(ExitCodes.USAGE, result.exitCode());
        assertTrue(result.err().contains("trainbench validate: does/not/exist.yaml: no such file"), result.err());
    }

    @Test
    void noFileIsAUsageError() {
        Result result = validate();
        assertEquals(ExitCodes.USAGE, result.exitCode());
        assertTrue(result.err().contains("FILE"), result.err());
    }

    @Test
    void unknownFormatIsAUsageError() {
        Result result = validate("--format", "xml", ConfigExamples.path(ConfigExamples.SFT_TRAIN).toString());
        assertEquals(ExitCodes.USAGE, result.exitCode());
        assertTrue(result.err().contains("--format must be text or json"), result.err());
    }

    @Test
    void jsonFormatCarriesTheSameDiagnostics(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("lr.yaml");
        Files.writeString(config, "optimizer:\n  learning_rate:\n    base: 1e-5\n    decay_style: cosin\n");
        Result text = validate(config.toString());
        Result json = validate("--format", "json", config.toString());
        assertEquals(text.exitCode(), json.exitCode());
        assertEquals(ExitCodes.FAILED, json.exitCode());
        String out = json.out();
        assertTrue(out.startsWith("{\"files\": ["), out);
        assertTrue(out.contains("{\"line\": 3, \"column\": 11, \"offset\": 38, \"length\": 4, \"severity\": \"error\","
                + " \"code\": \"float-read-as-string\""), out);
        assertTrue(out.contains("\"data\": {\"suggestedValue\": \"1.0e-05\"}"), out);
        assertTrue(out.contains("\"code\": \"not-allowed-value\""), out);
        assertTrue(out.contains("\"data\": {\"suggestedValue\": \"cosine\"}"), out);
        long textDiagnostics = text.lines().size();
        long jsonDiagnostics = Pattern.compile("\\{\"line\": ").matcher(out).results().count();
        assertEquals(textDiagnostics, jsonDiagnostics);
        assertTrue(out.strip().endsWith("\"errors\": " + text.lines().stream().filter(l -> l.contains(": error: ")).count()
                + ", \"warnings\": " + text.lines().stream().filter(l -> l.contains(": warning: ")).count() + ", \"infos\": 0}"), out);
    }

    @Test
    void jsonEscapesQuotesAndBackslashesOfMessages(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("quotes.yaml");
        Files.writeString(config, "batch:\n  \"odd\\\\\\\"key\": 1\n");
        Result json = validate("--format", "json", config.toString());
        assertTrue(json.out().contains("\"message\": \"Unknown key `odd\\\\\\\"key` in `batch`"), json.out());
    }
}
