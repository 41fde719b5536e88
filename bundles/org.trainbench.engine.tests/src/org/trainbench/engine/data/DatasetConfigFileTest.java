package org.trainbench.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.trainbench.engine.config.yaml.YamlParser;
import org.trainbench.engine.config.yaml.YamlWriter;
import org.junit.jupiter.api.io.TempDir;

class DatasetConfigFileTest {

    @TempDir
    Path dir;

    private Path dataset(String name, int... lengths) throws IOException {
        Path prefix = dir.resolve(name);
        try (MemmapDatasetWriter writer = MemmapDatasetWriter.create(prefix, TokenDataType.INT32, true)) {
            int next = 0;
            for (int length : lengths) {
                int[] tokens = new int[length];
                for (int i = 0; i < length; i++) {
                    tokens[i] = next++;
                }
                writer.add(tokens, new int[][] {{0, 0}});
            }
            writer.commit();
        }
        return prefix;
    }

    @Test
    void readsMemmapConfigAsPyYamlSafeDumpWritesIt() throws IOException {
        dataset("shard_0_0", 2, 3);
        Path config = dir.resolve("fast_llm_config_training.yaml");
        Files.writeString(config, "num_documents: 2\nnum_tokens: 5\npath: shard_0_0\ntype: memmap\n");
        DatasetSource source = DatasetConfigFile.read(config);
        assertEquals(new DatasetSource.Memmap(dir.resolve("shard_0_0")), source);
        try (DocumentDataset documents = source.open()) {
            assertEquals(2, documents.documentCount());
            assertArrayEquals(new int[] {2, 3, 4}, documents.tokens(1));
        }
    }

    @Test
    void readsBlendedSlicesAsFastLlmsPreparatorSplitsShards() throws IOException {
        dataset("shard_0_0", 1, 1, 1, 1);
        dataset("shard_0_1", 2, 2);
        Path config = dir.resolve("fast_llm_config_validation.yaml");
        Files.writeString(config, """
                datasets:
                - dataset:
                    path: shard_0_0
                    type: memmap
                  begin: 0.5
                  end: 1.0
                  type: slice
                - path: shard_0_1
                  type: memmap
                type: blended
                weights:
                - 2
                - 4
                """);
        DatasetSource source = DatasetConfigFile.read(config);
        DatasetSource.Blended blended = assertInstanceOf(DatasetSource.Blended.class, source);
        assertEquals(List.of(2.0, 4.0), blended.weights());
        try (DocumentDataset slice = blended.datasets().get(0).open()) {
            assertEquals(2, slice.documentCount());
            assertArrayEquals(new int[] {2}, slice.tokens(0));
        }
        assertThrows(UnsupportedOperationException.class, blended::open);
    }

    @Test
    void concatenatedDatasetReadsPartsInOrder() throws IOException {
        dataset("a", 1, 2);
        dataset("b", 3);
        Path config = dir.resolve("concat.yaml");
        Files.writeString(config, "type: concatenated\ndatasets: [{type: memmap, path: a}, {type: memmap, path: b}]\n");
        try (DocumentDataset documents = DatasetConfigFile.read(config).open()) {
            assertEquals(3, documents.documentCount());
            assertEquals(6, documents.tokenCount());
            assertArrayEquals(new int[] {0, 1, 2}, documents.tokens(2));
            assertArrayEquals(new int[][] {{0, 0}}, documents.spans(1));
        }
    }

    @Test
    void unwrapsConfigWithMetadataAndFollowsNestedFile() throws IOException {
        dataset("inner", 4);
        Files.writeString(dir.resolve("inner.yaml"), "type: memmap\npath: inner\n");
        Path outer = dir.resolve("outer.yaml");
        Files.writeString(outer, "config:\n  type: file\n  path: inner.yaml\nmetadata:\n  num_tokens: 4\n");
        assertEquals(new DatasetSource.Memmap(dir.resolve("inner")), DatasetConfigFile.read(outer));
    }

    @Test
    void writeThenReadGivesTheSameSource() throws IOException {
        DatasetSource source = new DatasetSource.Blended(List.of(new DatasetSource.Memmap(dir.resolve("x")),
                new DatasetSource.Slice(new DatasetSource.Memmap(dir.resolve("sub/y")), 0.25, 0.75)), List.of(1.0, 3.0));
        Path file = dir.resolve("fast_llm_config_training.yaml");
        DatasetConfigFile.write(file, source);
        assertEquals(source, DatasetConfigFile.read(file));
        assertTrue(Files.readString(file).contains("path: sub/y"), Files.readString(file));
    }

    @Test
    void refusesPathsLeavingTheConfigDirectory() throws IOException {
        Path config = dir.resolve("escape.yaml");
        Files.writeString(config, "type: memmap\npath: ../elsewhere\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> DatasetConfigFile.read(config));
        assertTrue(e.getMessage().contains("'path'") && e.getMessage().contains("relative"), e.getMessage());
    }

    @Test
    void unknownTypeListsTheKnownOnes() throws IOException {
        Path config = dir.resolve("weird.yaml");
        Files.writeString(config, "type: random\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> DatasetConfigFile.read(config));
        assertTrue(e.getMessage().contains("'random'") && e.getMessage().contains("memmap, file, slice"), e.getMessage());
    }

    @Test
    void datasetConfigsAreReadWithTheEngineYamlReaderAndItsYaml11Scalars() throws Exception {
        // Once read by a reader of its own that took 1e-5 for a number and 0x1F, 010, 1:30 for strings (PyYAML: a
        // string; 31, 8, 90).
        Object tree = YamlParser.parse("""
                # data preparation
                output_path: ./out
                tokenize_workers: 1_000
                flag: yes
                off_flag: off
                ratio: 0.998
                exp: 6.0e-04
                not_a_float: 1e-5
                hex: 0x1F
                octal: 010
                sexagesimal: 1:30
                quoted: "a: b # not a comment"
                dataset:
                  path: x  # comment
                  spans: [1, 2, [3, 4]]
                items:
                - one
                - name: two
                  value: ~
                """).plainValue();
        Map<?, ?> map = assertInstanceOf(Map.class, tree);
        assertEquals("./out", map.get("output_path"));
        assertEquals(1000L, map.get("tokenize_workers"));
        assertEquals(true, map.get("flag"));
        assertEquals(false, map.get("off_flag"));
        assertEquals(0.998, map.get("ratio"));
        assertEquals(6.0e-4, map.get("exp"));
        assertEquals("1e-5", map.get("not_a_float"));
        assertEquals(31L, map.get("hex"));
        assertEquals(8L, map.get("octal"));
        assertEquals(90L, map.get("sexagesimal"));
        assertEquals("a: b # not a comment", map.get("quoted"));
        assertEquals(Map.of("path", "x", "spans", List.of(1L, 2L, List.of(3L, 4L))), map.get("dataset"));
        List<?> items = assertInstanceOf(List.class, map.get("items"));
        assertEquals("one", items.get(0));
        assertEquals("two", ((Map<?, ?>) items.get(1)).get("name"));
        assertTrue(((Map<?, ?>) items.get(1)).containsKey("value"));
        assertEquals(tree, YamlParser.parse(YamlWriter.write(tree)).plainValue(), "written and read back");
    }

    @Test
    void aBadDatasetConfigIsReportedWithFileAndLine() throws IOException {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "type: memmap\n  path: x\n    c: 2\n");
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> DatasetConfigFile.read(bad));
        assertTrue(e.getMessage().startsWith(bad + ": 2:"), e.getMessage());
        Files.writeString(bad, "type: memmap\npath: x\npath: y\n");
        e = assertThrows(DatasetFormatException.class, () -> DatasetConfigFile.read(bad));
        assertTrue(e.getMessage().startsWith(bad + ": 3:1: duplicate key \"path\""), e.getMessage());
    }
}
