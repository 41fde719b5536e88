package org.trainbench.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;
import org.trainbench.engine.TestFixtures;
import org.trainbench.engine.cli.TokenizeCommand;

import picocli.CommandLine;

class TokenizeCommandTest {

    private static String[] run(String... args) {
        CommandLine cli = new CommandLine(new TokenizeCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void printsIdsAndCodePointOffsetsAsHuggingFaceDoes() {
        String tokenizer = TestFixtures.path("tokenizer/llama3.tokenizer.json").toString();
        // HF: ids [0, 798, 634], offsets [[0, 0], [0, 5], [5, 11]] for "Hello world" (llama3.cases.json)
        String[] result = run(tokenizer, "--text", "Hello world");
        assertEquals("0", result[0], result[2]);
        assertEquals("{\"ids\": [0, 798, 634], \"offsets\": [[0, 0], [0, 5], [5, 11]]}", result[1].strip());
    }

    @Test
    void missingTokenizerIsAUsageErrorNamingTheFile() {
        String[] result = run("/no/such/tokenizer.json", "--text", "x");
        assertEquals("2", result[0]);
        assertTrue(result[2].contains("/no/such/tokenizer.json"), result[2]);
    }
}
