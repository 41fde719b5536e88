package org.trainbench.engine.config.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.trainbench.engine.TestFixtures;
import org.trainbench.engine.json.Json;

/**
 * The one set of YAML 1.1 scalar rules ({@link ScalarResolution}) against PyYAML itself: {@code yaml/pyyaml-scalars.json}
 * is what PyYAML 6 ({@code yaml.safe_load}, {@code yaml.safe_dump}) made of each case, written by
 * {@code tools/reference/yaml_scalar_fixtures.py}. Includes the texts on which the engine's readers once disagreed
 * ({@code 1e-5} a string; {@code 0x1F}, {@code 010}, {@code 1:30} the integers 31, 8, 90).
 */
class PyYamlScalarsTest {

    /** PyYAML types these but fails to construct them (so it refuses the file); the engine reads them as strings. */
    private static final Set<String> PYYAML_CANNOT_CONSTRUCT = Set.of("0b_", "0x_", "=", "<<");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fixture() throws IOException {
        return (Map<String, Object>) Json.parse(Files.readString(TestFixtures.path("yaml/pyyaml-scalars.json")));
    }

    @SuppressWarnings("unchecked")
    @Test
    void everyPlainScalarReadsAsPyYamlLoadsIt() throws Exception {
        List<String> disagreements = new ArrayList<>();
        List<Map<String, Object>> cases = (List<Map<String, Object>>) fixture().get("plain");
        assertTrue(cases.size() > 150, "fixture has " + cases.size() + " cases");
        for (Map<String, Object> c : cases) {
            String text = (String) c.get("text");
            String type = (String) c.get("type");
            Object expected = c.get("value");
            ScalarNode scalar;
            try {
                scalar = (ScalarNode) ((MappingNode) YamlParser.parse("key: " + text + "\n")).get("key").orElseThrow();
            } catch (YamlSyntaxException e) {
                if (!type.equals("error")) {
                    disagreements.add(text + ": engine rejects (" + e.getMessage() + "), PyYAML reads " + type);
                }
                continue;
            }
            Object actual = scalar.value();
            boolean same = switch (type) {
                case "null" -> actual == null && scalar.kind() == ScalarNode.Kind.NULL;
                case "bool" -> expected.equals(actual);
                case "int" -> actual instanceof Long || actual instanceof BigInteger
                        ? new BigInteger((String) expected).equals(new BigInteger(actual.toString())) : false;
                case "float" -> actual instanceof Double d && sameFloat(d, (String) expected);
                case "str" -> scalar.kind() == ScalarNode.Kind.STRING && text.equals(actual);
                case "date", "datetime" -> scalar.kind() == ScalarNode.Kind.TIMESTAMP;
                case "error" -> PYYAML_CANNOT_CONSTRUCT.contains(text) && scalar.kind() == ScalarNode.Kind.STRING;
                default -> throw new IllegalStateException(type);
            };
            if (!same) {
                disagreements.add(text + ": PyYAML " + type + " " + expected + ", engine " + scalar.kind() + " " + actual);
            }
        }
        assertEquals(List.of(), disagreements);
    }

    @SuppressWarnings("unchecked")
    @Test
    void everyStringIsWrittenSoThatItReadsBackAsTheSameString() throws Exception {
        List<String> texts = new ArrayList<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) fixture().get("plain")) {
            texts.add((String) c.get("text"));
        }
        texts.addAll(List.of("", " lead", "trail ", "a: b", "a #b", "a#b", "x:", "[a]", "a,b", "{a}", "- x", "-x", "?x",
                ":x", "#x", "&a", "*a", "!t", "|", ">", "'q'", "\"q\"", "%x", "@x", "`x", "line\nbreak", "tab\there",
                "nel\u0085x", "ls\u2028x", "ps\u2029x", "bom\uFEFFx", "bell\u0007", "del\u007F", "é", "C:\\runs\\\"q\"",
                "/tmp/with space/run", "./sft-tutorial/llama-3.1-8b-instruct-magpie"));
        for (String text : texts) {
            String written = ScalarResolution.writeString(text);
            for (String document : List.of("key: " + written + "\n", "key: [" + written + "]\n", "- " + written + "\n",
                    written + ": 1\n")) {
                YamlNode root;
                try {
                    root = YamlParser.parse(document);
                } catch (YamlSyntaxException e) {
                    fail("`" + written + "` (for " + Json.write(text) + ") does not read back: " + e.getMessage());
                    return;
                }
                ScalarNode scalar = switch (root) {
                    case MappingNode m when m.get("key").orElse(null) instanceof SequenceNode s -> (ScalarNode) s.items().getFirst();
                    case MappingNode m when document.startsWith("key: ") -> (ScalarNode) m.get("key").orElseThrow();
                    case MappingNode m -> m.entries().getFirst().key();
                    case SequenceNode s -> (ScalarNode) s.items().getFirst();
                    default -> throw new AssertionError(root);
                };
                assertEquals(text, scalar.value(), document);
            }
        }
        assertEquals("llama-3.1-8b", ScalarResolution.writeString("llama-3.1-8b"), "plain where plain is safe");
        assertEquals("\"0x1F\"", ScalarResolution.writeString("0x1F"));
        assertEquals("\"1:30\"", ScalarResolution.writeString("1:30"));
        assertEquals("1e-5", ScalarResolution.writeString("1e-5"), "a string to PyYAML, so it needs no quotes");
    }

    @SuppressWarnings("unchecked")
    @Test
    void floatsAreWrittenAsPyYamlDumpsThem() throws Exception {
        List<Map<String, Object>> cases = (List<Map<String, Object>>) fixture().get("dumped_floats");
        List<String> disagreements = new ArrayList<>();
        for (Map<String, Object> c : cases) {
            String value = (String) c.get("value");
            double d = value.equals("nan") ? Double.NaN : value.endsWith("inf") ? (value.startsWith("-")
                    ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY) : Double.parseDouble(value);
            String written = ScalarResolution.writeFloat(d);
            if (!written.equals(c.get("yaml"))) {
                disagreements.add(value + ": PyYAML " + c.get("yaml") + ", engine " + written);
            }
            ScalarNode back = (ScalarNode) ((MappingNode) YamlParser.parse("k: " + written)).get("k").orElseThrow();
            assertInstanceOf(Double.class, back.value(), written);
            assertEquals(d, (Double) back.value(), written);
        }
        assertEquals(List.of(), disagreements);
    }

    @Test
    void suggestedFloatsKeepEveryDigit() {
        assertEquals("1.0e-05", ScalarResolution.asYaml11Float(1e-5));
        assertEquals("3.0e-04", ScalarResolution.asYaml11Float(3e-4));
        assertEquals("1.2345678e-05", ScalarResolution.asYaml11Float(1.2345678e-5));
        assertEquals("1.23456789e+07", ScalarResolution.asYaml11Float(12345678.9));
        assertEquals("500000.0", ScalarResolution.asYaml11Float(500000));
        assertEquals("0.998", ScalarResolution.asYaml11Float(0.998));
    }

    private static boolean sameFloat(double actual, String pythonRepr) {
        return switch (pythonRepr) {
            case "nan" -> Double.isNaN(actual);
            case "inf" -> actual == Double.POSITIVE_INFINITY;
            case "-inf" -> actual == Double.NEGATIVE_INFINITY;
            default -> Double.compare(actual, Double.parseDouble(pythonRepr)) == 0;
        };
    }
}
