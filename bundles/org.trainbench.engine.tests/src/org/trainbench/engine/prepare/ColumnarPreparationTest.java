package org.trainbench.engine.prepare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.TestFixtures;
import org.trainbench.engine.json.Json;

/**
 * {@code trainbench prepare} on Parquet and save_to_disk inputs writes byte for byte the datasets it writes from the
 * same records as JSON Lines, for text with loss-masking spans and for conversations; row-level problems name the
 * file and row.
 */
class ColumnarPreparationTest {

    @TempDir
    Path dir;

    Path tokenizerDir;

    @BeforeEach
    void tokenizerDirectory() throws IOException {
        tokenizerDir = dir.resolve("tokenizer");
        Files.createDirectories(tokenizerDir);
        Files.copy(TestFixtures.path("tokenizer/llama3.tokenizer.json"), tokenizerDir.resolve("tokenizer.json"));
        Map<?, ?> chat = (Map<?, ?>) Json.parse(Files.readString(TestFixtures.path("tokenizer/chat_templates.json")));
        String template = (String) ((Map<?, ?>) chat.get("templates")).get("llama3");
        Files.writeString(tokenizerDir.resolve("tokenizer_config.json"), "{\"bos_token\": \"<|begin_of_text|>\", "
                + "\"eos_token\": \"<|eot_id|>\", \"chat_template\": " + Json.write(template) + "}");
    }

    /** Prepares {@code input} into {@code output} and returns every output file's bytes by name. */
    private Map<String, byte[]> prepare(Path input, String output, String datasetKeys, String split, boolean skipInvalid)
            throws IOException {
        Path config = dir.resolve(output + ".yaml");
        Files.writeString(config, "output_path: " + dir.resolve(output) + "\n"
                + "tokenize_workers: 2\n"
                + "dataset:\n  path: " + input + "\n  split: " + split + "\n" + datasetKeys
                + "tokenizer:\n  path: " + tokenizerDir + "\n"
                + "splits:\n  training: 0.9\n  validation: 0.1\nseed: 5\n");
        new DatasetPreparation(PreparationSettings.read(config), skipInvalid, false, null).run();
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir.resolve(output))) {
            for (Path file : list.toList()) {
                files.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        }
        return files;
    }

    private static void assertSameFiles(Map<String, byte[]> expected, Map<String, byte[]> actual, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        for (String name : expected.keySet()) {
            assertArrayEquals(expected.get(name), actual.get(name), what + ": " + name);
        }
    }

    @Test
    void parquetAndSaveToDiskGiveByteIdenticalDatasetsToJsonLinesForTextWithSpans() throws IOException {
        String keys = "  field: text\n  loss_masking_spans: spans\n";
        Map<String, byte[]> reference = prepare(TestFixtures.path("data/parquet/records.jsonl"), "jsonl", keys, "train", false);
        assertEquals(List.of(".trainbench-prepare", "fast_llm_config_training.yaml", "fast_llm_config_validation.yaml", "training.bin",
                "training.idx", "validation.bin", "validation.idx"), List.copyOf(reference.keySet()));
        assertTrue(reference.get("training.bin").length > 1000, "a real dataset was written");
        for (String variant : ColumnarInputTest.PARQUET_VARIANTS) {
            assertSameFiles(reference, prepare(TestFixtures.path("data/parquet/" + variant + ".parquet"), variant, keys,
                    "train", false), variant);
        }
        assertSameFiles(reference, prepare(TestFixtures.path("data/arrow/single"), "save_to_disk", keys, "train", false),
                "save_to_disk");
    }

    @Test
    void conversationsFromParquetAndADatasetDictSplitGiveByteIdenticalDatasetsToJsonLines() throws IOException {
        String keys = "  field: conversations\n";
        Map<String, byte[]> reference = prepare(TestFixtures.path("data/parquet/records.jsonl"), "jsonl", keys, "train", false);
        assertSameFiles(reference, prepare(TestFixtures.path("data/parquet/snappy_dict_v1_rowgroups.parquet"), "parquet",
                keys, "train", false), "parquet");
        Path validationLines = dir.resolve("validation.jsonl");
        List<String> lines = Files.readAllLines(TestFixtures.path("data/parquet/records.jsonl"));
        Files.write(validationLines, lines.subList(160, 200));
        assertSameFiles(prepare(validationLines, "jsonl-validation", keys, "train", false),
                prepare(TestFixtures.path("data/arrow/dict"), "dict-validation", keys, "validation", false),
                "DatasetDict validation split");
    }

    @Test
    void rowProblemsNameFileAndRowAndSkipInvalidCountsThemAsForJsonLines() throws IOException {
        // 'source' is null in rows 3, 10, 17, ... (29 of 200): not a text.
        Path parquet = TestFixtures.path("data/parquet/gzip_dict_fallback_v1.parquet");
        PreparationException e = assertThrows(PreparationException.class,
                () -> prepare(parquet, "strict", "  field: source\n", "train", false));
        assertTrue(e.getMessage().startsWith(parquet + " row 3: the field 'source' holds null")
                && e.getMessage().contains("--skip-invalid"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("strict")) && Files.notExists(dir.resolve("strict.partial")));

        Map<String, byte[]> fromJson = prepare(TestFixtures.path("data/parquet/records.jsonl"), "json-skip",
                "  field: source\n", "train", true);
        Path config = dir.resolve("parquet-skip.yaml");
        Files.writeString(config, Files.readString(dir.resolve("json-skip.yaml"))
                .replace(TestFixtures.path("data/parquet/records.jsonl").toString(), parquet.toString())
                .replace(dir.resolve("json-skip").toString(), dir.resolve("parquet-skip").toString()));
        DatasetPreparation.Summary summary = new DatasetPreparation(PreparationSettings.read(config), true, false, null).run();
        assertEquals(29, summary.skipped());
        assertEquals(parquet + " row 3: the field 'source' holds null; expected a text or a list of chat messages",
                summary.skippedReasons().get(0));
        assertEquals(171, summary.splits().get("training")[0] + summary.splits().get("validation")[0]);
        try (Stream<Path> list = Files.list(dir.resolve("parquet-skip"))) {
            for (Path file : list.toList()) {
                assertArrayEquals(fromJson.get(file.getFileName().toString()), Files.readAllBytes(file), file.toString());
            }
        }
    }

    @Test
    void missingFieldListsTheColumnsOfTheFile() {
        Path arrow = TestFixtures.path("data/arrow/single");
        PreparationException e = assertThrows(PreparationException.class,
                () -> prepare(arrow, "out", "  field: body\n", "train", false));
        assertTrue(e.getMessage().contains("data-00000-of-00002.arrow row 0: the field 'body' (dataset.field) is missing; "
                + "the record has the fields [id, text, spans, conversations, source, score, flag, n32, weight]"),
                e.getMessage());
    }

    @Test
    void unsupportedCodecStopsThePreparationWithTheFileColumnAndCodec() {
        Path brotli = TestFixtures.path("data/parquet/brotli.parquet");
        PreparationException e = assertThrows(PreparationException.class,
                () -> prepare(brotli, "out", "  field: text\n", "train", true));
        assertTrue(e.getMessage().startsWith(brotli.toString()) && e.getMessage().contains("column 'text'")
                && e.getMessage().contains("BROTLI"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("out")) && Files.notExists(dir.resolve("out.partial")));
    }
}
