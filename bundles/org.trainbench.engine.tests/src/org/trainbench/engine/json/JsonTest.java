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

    /** Walks any value with the pull reader, rebuilding what parse gives, ints through readInt where they fit. */
    private static Object pull(Json reader) {
        switch (reader.peek()) {
            case '{' -> {
                Map<String, Object> map = new LinkedHashMap<>();
                reader.beginObject();
                for (String key = reader.nextKey(); key != null; key = reader.nextKey()) {
                    map.put(key, pull(reader));
                }
                return map;
            }
            case '[' -> {
                List<Object> list = new java.util.ArrayList<>();
                reader.beginArray();
                while (reader.nextElement()) {
                    list.add(pull(reader));
                }
                return list;
            }
            case '"' -> {
                return reader.readString();
            }
            default -> {
                return reader.readValue();
            }
        }
    }

    @Test
    void thePullReaderReadsWhatParseReadsAndRefusesWhatItRefuses() {
        String text = " {\"a\": [1, 2.5, \"x\\\"y\", {}, [], null, true], \"b\" : {\"c\": {\"d\": []}}, \"e\": -3}\n";
        Json reader = Json.reader(text);
        assertEquals(Json.parse(text), pull(reader));
        reader.end();
        for (String bad : List.of("{\"a\": 1,}", "{\"a\": 1 \"b\": 2}", "[1 2]", "[1,]", "[,1]", "{\"a\" 1}", "{\"a\": 1",
                "[1", "{\"a\": [1, 2}", "{} {}")) {
            assertThrows(Json.SyntaxException.class, () -> Json.parse(bad), bad);
            assertThrows(Json.SyntaxException.class, () -> {
                Json r = Json.reader(bad);
                pull(r);
                r.end();
            }, bad);
        }
    }

    @Test
    void readIntTakesPlainDigitsAndChecksTheRangeOfEverythingElse() {
        Json reader = Json.reader("[7, 0012, 128255, 1e2, 2.0, 4294967344, -1, \"3\"]");
        reader.beginArray();
        reader.nextElement();
        assertEquals(7, reader.readInt(0, 1000));
        reader.nextElement();
        assertEquals(12, reader.readInt(0, 1000));
        reader.nextElement();
        assertEquals(128255, reader.readInt(0, 1 << 24));
        reader.nextElement();
        assertEquals(100, reader.readInt(0, 1000));
        reader.nextElement();
        assertEquals(2, reader.readInt(0, 1000));
        for (int k = 0; k < 3; k++) {
            reader.nextElement();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reader.readInt(0, 1 << 24));
            assertTrue(e.getMessage().startsWith("expected an integer from 0 to 16777216, got "), e.getMessage());
        }
        assertEquals(false, reader.nextElement());
    }

    @Test
    void readStringRangeGivesTheRangeOfAStringWithoutEscapesAndLeavesOneWithEscapes() {
        String text = "[\"Ġ t\", \"q\\\"x y\"]";
        Json reader = Json.reader(text);
        reader.beginArray();
        reader.nextElement();
        long range = reader.readStringRange();
        assertEquals("Ġ t", text.substring((int) (range >>> 32), (int) range));
        reader.nextElement();
        assertEquals(-1, reader.readStringRange());
        assertEquals("q\"x y", reader.readString());
        assertEquals(false, reader.nextElement());
        reader.end();
    }
}
