package org.trainbench.engine.train.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.cli.CliRun;
import org.trainbench.engine.json.Json;
import org.trainbench.engine.tokenizer.Tokenizer;
import org.trainbench.engine.train.RunOutcome;
import org.trainbench.engine.train.StopSignal;
import org.trainbench.engine.train.TrainingConfigFile;
import org.trainbench.engine.train.TrainingPlan;
import org.trainbench.engine.train.TrainingPlans;

class DemoRunTest {
    @TempDir
    Path temp;

    @Test
    void aShortDemoWritesItsRunDirectoryTrainsThroughItsYamlAndReports() throws Exception {
        Path dir = temp.resolve("demo");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        DemoRun.Result result = new DemoRun(dir, new PrintWriter(out, true), new PrintWriter(err, true))
                .run(false, List.of("training.train_iters=12", "batch.batch_size=8"), new StopSignal(), false);
        assertEquals(RunOutcome.Status.FINISHED, result.outcome().status(), err.toString());
        assertEquals(12, result.outcome().step());
        assertTrue(Files.readString(dir.resolve("demo.yaml")).contains("decay_iterations: 12\n"), "--set train_iters=12 decays over 12 steps");
        assertTrue(result.lastLoss() < result.firstLoss(), result.firstLoss() + " -> " + result.lastLoss());
        assertEquals(60, result.answers().answers().size());
        for (String file : List.of("demo.yaml", "loss.png", "metrics.jsonl", "config.resolved.yaml", "data/fast_llm_config_training.yaml",
                "checkpoints/step-12/manifest.json")) {
            assertTrue(Files.exists(dir.resolve(file)), file);
        }
        assertTrue(out.toString().contains("loss: "), out.toString());
        assertTrue(out.toString().contains("right answers:"), out.toString());
        assertTrue(err.toString().contains("are longer than 65 tokens and are skipped"), err.toString());

        // The run carries its tokenizer and end-of-answer id: generate takes a text prompt and stops at <end>.
        CliRun generate = CliRun.cli("generate", dir.toString(), "--prompt", "<user>add 2+3<assistant>", "--max-new-tokens", "4");
        assertEquals(0, generate.exitCode(), generate.err());
        String answer = generate.out().strip();
        assertTrue(answer.matches("[ +0-9a-z]{0,4}"), "decoded characters of the demo vocabulary, markers skipped: '" + answer + "'");
        CliRun ids = CliRun.cli("generate", dir.toString(), "--prompt", "<user>add 2+3<assistant>", "--max-new-tokens", "8", "--ids");
        List<String> generated = List.of(ids.out().strip().split(" "));
        int end = generated.indexOf(String.valueOf(ChatVocabulary.END));
        assertTrue(end < 0 || end == generated.size() - 1, "nothing is generated after <end>: " + generated);
    }

    @Test
    void freshDeletesWhatTheDemoWroteAndKeepsWhatTheUserAdded() throws Exception {
        Path dir = temp.resolve("demo");
        List<String> shortRun = List.of("training.train_iters=2", "batch.batch_size=8");
        StringWriter err = new StringWriter();
        DemoRun.Result first = new DemoRun(dir, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))
                .run(false, shortRun, new StopSignal(), false);
        assertEquals(RunOutcome.Status.FINISHED, first.outcome().status(), err.toString());
        Files.writeString(dir.resolve("my-notes.md"), "mine");
        Files.writeString(dir.resolve("data/my-extra.jsonl"), "{}");
        Files.writeString(dir.resolve("checkpoints/README"), "mine too");

        err = new StringWriter();
        DemoRun.Result fresh = new DemoRun(dir, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))
                .run(true, shortRun, new StopSignal(), false);
        assertEquals(RunOutcome.Status.FINISHED, fresh.outcome().status(), err.toString());
        assertTrue(err.toString().contains("--fresh: kept 3 file(s) that the demo did not write"), err.toString());
        assertFalse(err.toString().contains("resuming"), "the run started over: " + err);
        assertEquals("mine", Files.readString(dir.resolve("my-notes.md")));
        assertEquals("{}", Files.readString(dir.resolve("data/my-extra.jsonl")));
        assertEquals("mine too", Files.readString(dir.resolve("checkpoints/README")));
    }

    @Test
    void aDemoDirectoryGivenRelativeToTheWorkingDirectoryTrains() throws Exception {
        // `./trainbench demo` uses the relative trainbench-demo/: the config it writes must name its data relative to
        // itself, not to the working directory (input paths are read against the config file's directory).
        Path relative = Path.of("").toAbsolutePath().relativize(temp.resolve("relative-demo"));
        assertTrue(!relative.isAbsolute(), relative.toString());
        StringWriter err = new StringWriter();
        DemoRun.Result result = new DemoRun(relative, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true))
                .run(false, List.of("training.train_iters=2", "batch.batch_size=8"), new StopSignal(), false);
        assertEquals(RunOutcome.Status.FINISHED, result.outcome().status(), err.toString());
        assertTrue(Files.readString(temp.resolve("relative-demo/demo.yaml")).contains("path: data/fast_llm_config_training.yaml"));
    }

    @Test
    void theDemoTokenizerJsonEncodesAndDecodesExactlyAsTheDemoVocabulary() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("tok"));
        Files.writeString(dir.resolve("tokenizer.json"), Json.write(ChatVocabulary.tokenizerJson()));
        Tokenizer tokenizer = Tokenizer.load(dir);
        String text = "reverse 3 8 1";
        int[] prompt = ChatTask.prompt(text);
        assertArrayEquals(prompt, tokenizer.encode("<user>" + text + "<assistant>", true).ids());
        assertArrayEquals(ChatVocabulary.encode("sort 9 0 4 add 7+5 xyz"), tokenizer.encode("sort 9 0 4 add 7+5 xyz", true).ids());
        assertEquals(ChatVocabulary.SIZE >= tokenizer.vocabularySize(), true, "ids fit the model's vocabulary: " + tokenizer.vocabularySize());
        assertEquals(text, tokenizer.decode(prompt, true));
        assertEquals(ChatVocabulary.decode(prompt), tokenizer.decode(prompt, false));
    }

    @Test
    void aDirectoryTheDemoDidNotMakeIsLeftAlone() throws IOException {
        Path dir = Files.createDirectories(temp.resolve("mine"));
        Files.writeString(dir.resolve("notes.txt"), "important");
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> new DemoRun(dir, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                        .run(true, List.of(), new StopSignal(), false));
        assertTrue(error.getMessage().contains("--dir"), error.getMessage());
        assertEquals("important", Files.readString(dir.resolve("notes.txt")));
    }

    @Test
    void theDemoScheduleDecaysOverTheTrainItersASetOverrideGives() throws Exception {
        Path dir = temp.resolve("demo");
        DemoDataset.write(dir.resolve(DemoConfig.DATA_DIRECTORY));
        Path config = dir.resolve(DemoRun.CONFIG);
        for (int trainIters : new int[] {DemoConfig.TRAIN_ITERS, 1, 2, 12, 200, 1500}) {
            List<String> overrides = List.of("batch.batch_size=8", "training.train_iters=" + trainIters);
            assertEquals(trainIters, DemoConfig.trainIters(overrides));
            Files.writeString(config, DemoConfig.yaml(DemoConfig.DATA_DIRECTORY, dir.toString(), DemoConfig.trainIters(overrides)));
            TrainingConfigFile file = TrainingConfigFile.read(config, overrides);
            TrainingPlan plan = TrainingPlans.from(file.config(), null, note -> { });
            assertEquals(trainIters, plan.learningRate().decayIterations(), "decays over all " + trainIters + " steps");
            assertEquals(Math.min(Math.max(1, trainIters * 40 / 600), trainIters - 1), plan.learningRate().warmupIterations());
            assertEquals(List.of(), file.diagnostics().stream().map(d -> d.code()).toList(), "no schedule warning for " + trainIters);
        }
        assertEquals(DemoConfig.TRAIN_ITERS, DemoConfig.trainIters(List.of("batch.batch_size=8")));
    }

    @Test
    void examplesDemoYamlIsWhatTheDemoWritesForItsDefaultDirectory() throws IOException {
        // The Tycho build names the repository; a plain JUnit run finds it above the working directory.
        String repository = System.getProperty("trainbench.repository");
        Path root = repository != null ? Path.of(repository) : Path.of("").toAbsolutePath();
        while (root != null && !Files.isRegularFile(root.resolve("examples/demo/demo.yaml"))) {
            root = root.getParent();
        }
        assertTrue(root != null, "examples/demo/demo.yaml not found above " + Path.of("").toAbsolutePath());
        assertEquals(DemoConfig.yaml(DemoConfig.DATA_DIRECTORY, "trainbench-demo"), Files.readString(root.resolve("examples/demo/demo.yaml")));
    }
}
