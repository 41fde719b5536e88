package org.trainbench.engine.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void doublesAndFloatsReadBackToTheExactValueWritten() {
        double loss = 2.0 / 3.0;
        float lr = 0.1f;
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("loss", loss);
        line.put("lr", lr);
        line.put("step", 7);
        Map<String, Object> back = Json.parseObject(Json.write(line), "metrics.jsonl");
        assertEquals(loss, (Double) back.get("loss"));
        assertEquals((double) lr, (Double) back.get("lr"));
        assertEquals(7L, back.get("step"));
    }

    @Test
    void nonFiniteNumbersBecomeNullAndArraysAreWritten() {
        assertEquals("[null,null,1.5]", Json.write(new double[] {Double.NaN, Double.POSITIVE_INFINITY, 1.5}));
        assertEquals("[1,2]", Json.write(new long[] {1, 2}));
        assertEquals("[3,4]", Json.write(new int[] {3, 4}));
        assertEquals("{\"a\":[true,null,\"x\"]}", Json.write(Map.of("a", Arrays.asList(true, null, "x"))));
    }

    @Test
    void stringsWithEscapesAndSurrogatePairsRoundTrip() {
        String text = "tab\there \"quoted\" back\\slash \u0001 \uD83D\uDE00 é";
        assertEquals(text, Json.parse(Json.write(text)));
        assertEquals("\uD83D\uDE00", Json.parse("\"\\uD83D\\uDE00\""));
    }

    @Test
    void largeIntegersFallBackToDoubles() {
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(1e20, Json.parse("100000000000000000000"));
        assertEquals(List.of(-1L, 2.5, 3e-4), Json.parse(" [ -1 , 2.5, 3e-4 ] "));
    }

    @Test
    void deepNestingIsASyntaxErrorNotAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(deep, "data.jsonl:3"));
        assertTrue(e.getMessage().startsWith("data.jsonl:3: invalid JSON: nested deeper than 512"), e.getMessage());
        String fine = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        Object value = Json.parse(fine);
        for (int i = 1; i < Json.MAX_DEPTH; i++) {
            value = ((List<?>) value).getFirst();
        }
        assertEquals(List.of(), value);
    }

    @Test
    void syntaxErrorsNameTheSourceAndTheOffset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Json.parseObject("{\"step\": 3, \"loss\": }", "run/metrics.jsonl"));
        assertTrue(e.getMessage().startsWith("run/metrics.jsonl: invalid JSON"), e.getMessage());
        assertTrue(e.getMessage().contains("at character 20"), e.getMessage());
        Json.SyntaxException cause = (Json.SyntaxException) e.getCause();
        assertEquals(20, cause.offset());
        assertThrows(IllegalArgumentException.class, () -> Json.parseObject("[1]", "x.json"));
        assertThrows(Json.SyntaxException.class, () -> Json.parse("{\"a\": 1} trailing"));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
    }
}
