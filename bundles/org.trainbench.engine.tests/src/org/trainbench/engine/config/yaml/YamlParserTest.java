package org.trainbench.engine.config.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class YamlParserTest {

    private static MappingNode mapping(String text) throws YamlSyntaxException {
        return assertInstanceOf(MappingNode.class, YamlParser.parse(text));
    }

    private static YamlNode at(YamlNode node, String... keys) {
        for (String key : keys) {
            node = ((MappingNode) node).get(key).orElseThrow(() -> new AssertionError("missing " + key));
        }
        return node;
    }

    private static ScalarNode scalar(YamlNode node, String... keys) {
        return assertInstanceOf(ScalarNode.class, at(node, keys));
    }

    private static void assertRange(SourceRange range, int line, int column, int offset, int length) {
        assertEquals(new SourceRange(line, column, offset, length), range);
    }

    @Test
    void blockMappingKeepsExactKeyAndValuePositions() throws Exception {
        MappingNode root = mapping("training:\n  train_iters: 100_000\n");
        MappingNode.Entry entry = ((MappingNode) at(root, "training")).entry("train_iters").orElseThrow();
        assertRange(entry.key().range(), 2, 3, 12, 11);
        assertRange(entry.value().range(), 2, 16, 25, 7);
        assertEquals(100_000L, ((ScalarNode) entry.value()).value());
        assertRange(root.range(), 1, 1, 0, 32);
    }

    @Test
    void nestedBlocksFollowIndentation() throws Exception {
        MappingNode root = mapping("""
                model:
                  base_model:
                    transformer:
                      hidden_size: 4096
                    vocab_size: 128256
                  multi_stage:
                    zero_stage: 3
                run:
                  experiment_dir: out
                """);
        assertEquals(List.of("model", "run"), root.keys());
        assertEquals(4096L, scalar(root, "model", "base_model", "transformer", "hidden_size").value());
        assertEquals(128256L, scalar(root, "model", "base_model", "vocab_size").value());
        assertEquals(3L, scalar(root, "model", "multi_stage", "zero_stage").value());
        assertEquals("out", scalar(root, "run", "experiment_dir").value());
    }

    @Test
    void blockSequencesMayBeIndentedOrAtTheirKeysColumnAndNestCompactly() throws Exception {
        MappingNode root = mapping("""
                indented:
                  - 1
                  - two
                same_column:
                - a: 1
                  b: 2
                - - x
                  - y
                -
                after: end
                """);
        assertEquals(List.of(1L, "two"), at(root, "indented").plainValue());
        SequenceNode same = assertInstanceOf(SequenceNode.class, at(root, "same_column"));
        assertEquals(YamlNode.CollectionStyle.BLOCK, same.style());
        assertEquals(Map.of("a", 1L, "b", 2L), same.items().get(0).plainValue());
        assertEquals(List.of("x", "y"), same.items().get(1).plainValue());
        assertNull(same.items().get(2).plainValue());
        assertRange(same.items().get(0).range(), 5, 3, 39, 11);
        assertEquals("end", scalar(root, "after").value());
    }

    @Test
    void flowCollectionsKeepBracketRangesAndMaySpanLines() throws Exception {
        MappingNode root = mapping("split: [99, 1, 0]\nmix: {a: yes, 'b': [x, \"y\"], c}\nlong: [1,\n   2, # two\n   3]\n");
        SequenceNode split = assertInstanceOf(SequenceNode.class, at(root, "split"));
        assertEquals(YamlNode.CollectionStyle.FLOW, split.style());
        assertRange(split.range(), 1, 8, 7, 10);
        assertRange(split.items().get(1).range(), 1, 13, 12, 1);
        assertEquals(List.of(99L, 1L, 0L), split.plainValue());
        Map<String, Object> mix = new java.util.LinkedHashMap<>();
        mix.put("a", true);
        mix.put("b", List.of("x", "y"));
        mix.put("c", null);
        assertEquals(mix, at(root, "mix").plainValue());
        assertEquals(List.of(1L, 2L, 3L), at(root, "long").plainValue());
        assertRange(at(root, "long").range(), 3, 7, 56, 21);
    }

    @Test
    void trailingAndFullLineCommentsAreNotPartOfValues() throws Exception {
        MappingNode root = mapping("# header\ntransformer:\n  hidden_size: 4096  # (1)!\n  # between\n  gated: true # yes\n  url: a#b\n");
        ScalarNode hidden = scalar(root, "transformer", "hidden_size");
        assertEquals("4096", hidden.text());
        assertRange(hidden.range(), 3, 16, 37, 4);
        assertEquals(true, scalar(root, "transformer", "gated").value());
        assertEquals("a#b", scalar(root, "transformer", "url").value());
    }

    @Test
    void quotedScalarsAreStringsWithEscapesApplied() throws Exception {
        MappingNode root = mapping("s: 'it''s'\nd: \"tab\\there \\u00e9 \\\"q\\\"\"\nyes_quoted: \"yes\"\nnum: '100'\n");
        ScalarNode single = scalar(root, "s");
        assertEquals("it's", single.value());
        assertEquals(ScalarNode.Style.SINGLE_QUOTED, single.style());
        assertRange(single.range(), 1, 4, 3, 7);
        assertEquals("tab\there é \"q\"", scalar(root, "d").value());
        assertEquals(ScalarNode.Kind.STRING, scalar(root, "yes_quoted").kind());
        assertEquals("100", scalar(root, "num").value());
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "yes|BOOLEAN|true", "No|BOOLEAN|false", "on|BOOLEAN|true", "OFF|BOOLEAN|false", "true|BOOLEAN|true",
            "False|BOOLEAN|false", "y|STRING|y", "n|STRING|n",
            "100_000|INTEGER|100000", "4096|INTEGER|4096", "-3|INTEGER|-3", "0x1F|INTEGER|31", "012|INTEGER|10",
            "0b101|INTEGER|5", "1:30|INTEGER|90", "+7|INTEGER|7",
            "6.0e-04|FLOAT|6.0E-4", "2.0e-05|FLOAT|2.0E-5", "-13.122363377404328|FLOAT|-13.122363377404328",
            "0.998|FLOAT|0.998", "1.|FLOAT|1.0", ".5|FLOAT|0.5", ".inf|FLOAT|Infinity", "-.Inf|FLOAT|-Infinity",
            "1e-5|STRING|1e-5", "1.0e5|STRING|1.0e5", "09|STRING|09",
            "~|NULL|", "null|NULL|", "Null|NULL|",
            "2024-01-31|TIMESTAMP|2024-01-31", "llama|STRING|llama", "./a/b.yaml|STRING|./a/b.yaml"})
    void plainScalarsResolveAsYaml11LikePyYaml(String text, ScalarNode.Kind kind, String expected) throws Exception {
        ScalarNode value = scalar(mapping("key: " + text + "\n"), "key");
        assertEquals(kind, value.kind());
        Object resolved = value.value();
        assertEquals(expected == null ? null : expected, resolved == null ? null : String.valueOf(resolved));
    }

    @Test
    void emptyValueIsANullScalarRightAfterTheColon() throws Exception {
        MappingNode root = mapping("pretrained:\nrun: x\n");
        ScalarNode empty = scalar(root, "pretrained");
        assertTrue(empty.isMissingValue());
        assertNull(empty.value());
        assertRange(empty.range(), 1, 12, 11, 0);
    }

    @Test
    void duplicateKeysArePreservedAndLookupSeesTheLastLikePyYaml() throws Exception {
        MappingNode root = mapping("a: 1\nb: 2\na: 3\n");
        assertEquals(List.of("a", "b", "a"), root.keys());
        assertEquals(3L, ((ScalarNode) root.get("a").orElseThrow()).value());
        assertEquals(Map.of("a", 3L, "b", 2L), root.plainValue());
    }

    @Test
    void emptyDocumentIsNull() throws Exception {
        ScalarNode empty = assertInstanceOf(ScalarNode.class, YamlParser.parse("# nothing\n\n"));
        assertNull(empty.value());
    }

    @Test
    void leadingDocumentMarkerByteOrderMarkAndCrlfAreAccepted() throws Exception {
        MappingNode root = mapping("\uFEFF---\r\na: 1\r\nb:\r\n  c: 2\r\n");
        ScalarNode c = scalar(root, "b", "c");
        assertEquals(2L, c.value());
        assertRange(c.range(), 4, 6, 21, 1);
    }

    @Test
    void keysMayBeQuotedOrContainSpaces() throws Exception {
        MappingNode root = mapping("\"quoted key\": 1\nplain key  : 2\n");
        assertEquals(List.of("quoted key", "plain key"), root.keys());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "anchor|'a: &x 1'|1|4|anchors",
            "alias|'a: *x'|1|4|aliases",
            "tag|'a: !!str 1'|1|4|tags",
            "literal block scalar|'a: |\\n  text'|1|4|block scalars",
            "folded block scalar|'a: >\\n  text'|1|4|block scalars",
            "second document|'a: 1\\n---\\nb: 2'|2|1|several documents",
            "document end|'a: 1\\n...'|2|1|several documents",
            "directive|'%YAML 1.1\\na: 1'|1|1|directives",
            "explicit key|'? a\\n: 1'|1|1|explicit keys",
            "merge key|'a:\\n  <<: {b: 1}'|2|3|merge keys",
            "tab indentation|'a:\\n\\tb: 1'|2|1|tab",
            "multi-line plain scalar|'a: one\\n  two'|2|3|indentation",
            "unclosed flow sequence|'a: [1, 2'|1|4|never closed",
            "flow sequence missing comma|'a: [1, 2\\nb: 3'|2|1|sequence that starts at line 1",
            "unclosed quote|'a: \"abc'|1|4|not closed",
            "mapping as inline value|'a: b: c'|1|5|same line",
            "sequence on key line|'a: - 1'|1|4|sequence",
            "pair in flow sequence|'a: [b: 1]'|1|6|not supported",
            "bad escape|'a: \"\\q\"'|1|5|escape",
            "dedent to no level|'a:\\n    b: 1\\n  c: 2'|3|3|indentation"})
    void unsupportedOrBrokenYamlIsASyntaxErrorWithPosition(String name, String text, int line, int column,
            String messagePart) {
        String source = text.replace("\\n", "\n").replace("\\t", "\t").replace("\\q", "\\q");
        YamlSyntaxException error = assertThrows(YamlSyntaxException.class, () -> YamlParser.parse(source));
        assertEquals(line, error.range().line(), error.getMessage());
        assertEquals(column, error.range().column(), error.getMessage());
        assertTrue(error.reason().contains(messagePart), error.getMessage());
        assertTrue(error.getMessage().startsWith(line + ":" + column + ": "), error.getMessage());
    }

    @Test
    void absurdNestingIsASyntaxErrorNotAStackOverflow() {
        String deep = "a: " + "[".repeat(100_000);
        YamlSyntaxException error = assertThrows(YamlSyntaxException.class, () -> YamlParser.parse(deep));
        assertTrue(error.reason().contains("nested"), error.getMessage());
        String deepBlock = "- ".repeat(5_000) + "x";
        assertThrows(YamlSyntaxException.class, () -> YamlParser.parse(deepBlock));
    }
}
