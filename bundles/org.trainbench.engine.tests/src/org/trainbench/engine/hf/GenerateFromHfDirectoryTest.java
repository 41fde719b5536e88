package org.trainbench.engine.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.TestFixtures;
import org.trainbench.engine.cli.ExitCodes;
import org.trainbench.engine.cli.GenerateCommand;
import org.trainbench.engine.json.Json;

import picocli.CommandLine;

/** {@code trainbench generate} on the transformers fixture: its greedy output is transformers' generate. */
class GenerateFromHfDirectoryTest {
    @TempDir
    Path temp;

    private record Run(int exitCode, String out, String err) {
    }

    private static Run generate(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new GenerateCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString().strip(), err.toString().strip());
    }

    @Test
    void aTemperatureThatIsNotANonNegativeNumberIsRefused() {
        for (String temperature : new String[] {"NaN", "-1", "Infinity"}) {
            Run run = generate(TestFixtures.path("hf-tiny-llama/model").toString(), "--prompt-ids", "1,2", "--temperature", temperature);
            assertEquals(2, run.exitCode(), temperature + ": " + run.err());
            assertTrue(run.err().contains("--temperature must be a number >= 0"), run.err());
        }
    }

    @Test
    void maxNewTokensBeyondTheModelsPositionsIsRefusedNamingTheLimitAndWhereItComesFrom() {
        Path model = TestFixtures.path("hf-tiny-llama/model");
        // The fixture's config.json says max_position_embeddings 131072: a 2-token prompt leaves 131070 new tokens.
        Run run = generate(model.toString(), "--prompt-ids", "1,2", "--max-new-tokens", "131071");
        assertEquals(ExitCodes.USAGE, run.exitCode(), run.err());
        assertTrue(run.err().contains("--max-new-tokens 131071 after a prompt of 2 tokens runs past the model's 131072 positions"
                + " (max_position_embeddings of " + model.resolve("config.json") + "); pass --max-new-tokens 131070 or less"),
                run.err());
        assertEquals("", run.out());
    }

    @Test
    void greedyIdsEqualTransformersGenerate() throws IOException {
        Map<?, ?> expected = (Map<?, ?>) Json.parse(Files.readString(TestFixtures.path("hf-tiny-llama/expected.json")));
        Map<?, ?> first = (Map<?, ?>) ((List<?>) expected.get("generations")).get(0);
        String prompt = ((List<?>) first.get("prompt")).stream().map(String::valueOf).collect(Collectors.joining(","));
        String greedy = ((List<?>) first.get("greedy")).stream().map(String::valueOf).collect(Collectors.joining(" "));
        Run run = generate(TestFixtures.path("hf-tiny-llama/model").toString(), "--prompt-ids", prompt, "--max-new-tokens", "12");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        assertEquals(greedy, run.out());
    }

    @Test
    void textPromptIsEncodedWithTheDirectorysTokenizerAndOnlyTheContinuationIsPrinted() throws IOException {
        Path dir = temp.resolve("model");
        Files.createDirectories(dir);
        for (String f : List.of("config.json", "generation_config.json", "model.safetensors")) {
            Files.copy(TestFixtures.path("hf-tiny-llama/model/" + f), dir.resolve(f));
        }
        // One token per character: ids 0..255 are the characters U+0100..U+01FF, so every id decodes to one char.
        Map<String, Object> vocab = new LinkedHashMap<>();
        IntStream.range(0, 256).forEach(i -> vocab.put(Character.toString(0x100 + i), i));
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("vocab", vocab);
        model.put("merges", List.of());
        Map<String, Object> tokenizer = new LinkedHashMap<>();
        tokenizer.put("version", "1.0");
        tokenizer.put("added_tokens", List.of());
        tokenizer.put("model", model);
        Files.writeString(dir.resolve("tokenizer.json"), Json.write(tokenizer));
        String prompt = new String(new int[] {0x100 + 1, 0x100 + 17, 0x100 + 42, 0x100 + 99, 0x100 + 200}, 0, 5);
        Run run = generate(dir.toString(), "--prompt", prompt, "--max-new-tokens", "4");
        assertEquals(ExitCodes.OK, run.exitCode(), run.err());
        // transformers' greedy continuation of [1, 17, 42, 99, 200] starts 95, 166, 98, 244.
        assertEquals(new String(new int[] {0x100 + 95, 0x100 + 166, 0x100 + 98, 0x100 + 244}, 0, 4), run.out());
    }

    @Test
    void pathThatIsNoModelIsAUsageErrorThatSaysWhatWasExpected() throws IOException {
        Run run = generate(temp.toString(), "--prompt-ids", "1,2");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("not a Hugging Face Llama directory"), run.err());
        run = generate(TestFixtures.path("hf-tiny-llama/model").toString(), "--prompt", "hello");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("no tokenizer.json") && run.err().contains("--prompt-ids"), run.err());
        run = generate(TestFixtures.path("hf-tiny-llama/model").toString(), "--prompt-ids", "1,256");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("256") && run.err().contains("0..255"), run.err());
    }
}
