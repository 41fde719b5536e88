package org.trainbench.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.trainbench.engine.TestFixtures;
import org.trainbench.engine.json.Json;

/**
 * Ids and code-point offsets equal Hugging Face tokenizers' on the strings recorded by
 * tools/reference/tokenizer_fixtures.py (tokenizers 0.23.2), for tokenizers trained there in four configurations.
 */
class HuggingFaceFixtureTest {

    static List<Map<?, ?>> cases(String name) throws IOException {
        Path file = TestFixtures.path("tokenizer/" + name + ".cases.json.gz");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            Map<?, ?> root = (Map<?, ?>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            List<Map<?, ?>> cases = new ArrayList<>();
            for (Object c : (List<?>) root.get("cases")) {
                cases.add((Map<?, ?>) c);
            }
            return cases;
        }
    }

    static int[] ints(Object list) {
        return ((List<?>) list).stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama3", "gpt2", "llama2", "mistral"})
    void encodesEveryRecordedStringExactlyAsHuggingFace(String name) throws IOException {
        Tokenizer tokenizer = Tokenizer.load(TestFixtures.path("tokenizer/" + name + ".tokenizer.json"));
        List<Map<?, ?>> cases = cases(name);
        assertTrue(cases.size() >= 300, "fixture has " + cases.size() + " cases");
        List<String> failures = new ArrayList<>();
        for (Map<?, ?> c : cases) {
            String text = (String) c.get("text");
            int[] ids = ints(c.get("ids"));
            List<?> offsets = (List<?>) c.get("offsets");
            int[] starts = new int[offsets.size()];
            int[] ends = new int[offsets.size()];
            for (int i = 0; i < offsets.size(); i++) {
                int[] pair = ints(offsets.get(i));
                starts[i] = pair[0];
                ends[i] = pair[1];
            }
            Encoding expected = new Encoding(ids, starts, ends);
            Encoding actual = tokenizer.encode(text);
            if (!expected.equals(actual)) {
                failures.add(Json.write(text) + "\n  expected " + expected + "\n  actual   " + actual);
            }
            int[] idsOnly = tokenizer.encodeIds(text, true);
            if (!java.util.Arrays.equals(ids, idsOnly)) {
                failures.add(Json.write(text) + "\n  encodeIds gave " + java.util.Arrays.toString(idsOnly));
            }
        }
        assertEquals(0, failures.size(), failures.size() + " of " + cases.size() + " differ, first:\n"
                + String.join("\n", failures.subList(0, Math.min(5, failures.size()))));
    }
}
