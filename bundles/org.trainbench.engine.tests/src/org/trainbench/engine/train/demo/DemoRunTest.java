package org.trainbench.engine.train.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.trainbench.engine.train.RunOutcome;
import org.trainbench.engine.train.StopSignal;

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
        assertTrue(result.lastLoss() < result.firstLoss(), result.firstLoss() + " -> " + result.lastLoss());
        assertEquals(60, result.answers().answers().size());
        for (String file : List.of("demo.yaml", "loss.png", "metrics.jsonl", "config.resolved.yaml", "data/fast_llm_config_training.yaml",
                "checkpoints/step-12/manifest.json")) {
            assertTrue(Files.exists(dir.resolve(file)), file);
        }
        assertTrue(out.toString().contains("loss: "), out.toString());
        assertTrue(out.toString().contains("right answers:"), out.toString());
        assertTrue(err.toString().contains("are longer than 65 tokens and are skipped"), err.toString());
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
    void examplesDemoYamlIsWhatTheDemoWritesForItsDefaultDirectory() throws IOException {
        // The Tycho build names the repository; a plain JUnit run finds it above the working directory.
        String repository = System.getProperty("trainbench.repository");
        Path root = repository != null ? Path.of(repository) : Path.of("").toAbsolutePath();
        while (root != null && !Files.isRegularFile(root.resolve("examples/demo/demo.yaml"))) {
            root = root.getParent();
        }
        assertTrue(root != null, "examples/demo/demo.yaml not found above " + Path.of("").toAbsolutePath());
        assertEquals(DemoConfig.yaml("trainbench-demo/data", "trainbench-demo"), Files.readString(root.resolve("examples/demo/demo.yaml")));
    }
}
