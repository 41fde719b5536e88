package org.trainbench.engine.prepare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainbench.engine.TestFixtures;
import org.trainbench.engine.data.DatasetConfigFile;
import org.trainbench.engine.data.DocumentDataset;
import org.trainbench.engine.json.Json;
import org.trainbench.engine.tokenizer.Encoding;
import org.trainbench.engine.tokenizer.Tokenizer;

class DatasetPreparationTest {

    @TempDir
    Path dir;

    Path tokenizerDir;
    Tokenizer tokenizer;
    static final int BOS = 0;
    int eos;

    @BeforeEach
    void tokenizerDirectory() throws IOException {
        tokenizerDir = dir.resolve("tokenizer");
        Files.createDirectories(tokenizerDir);
        Files.copy(TestFixtures.path("tokenizer/llama3.tokenizer.json"), tokenizerDir.resolve("tokenizer.json"));
        Map<?, ?> chat = (Map<?, ?>) Json.parse(Files.readString(TestFixtures.path("tokenizer/chat_templates.json")));
        String template = (String) ((Map<?, ?>) chat.get("templates")).get("llama3");
        Files.writeString(tokenizerDir.resolve("tokenizer_config.json"), "{\"bos_token\": \"<|begin_of_text|>\", "
                + "\"eos_token\": \"<|eot_id|>\", \"chat_template\": " + Json.write(template) + "}");
        tokenizer = Tokenizer.load(tokenizerDir);
        eos = tokenizer.tokenId("<|eot_id|>").orElseThrow();
    }

    private Path config(String dataset, String extra) throws IOException {
        Path config = dir.resolve("prepare.yaml");
        Files.writeString(config, "output_path: " + dir.resolve("out") + "\n"
                + "loading_workers: 2\ntokenize_workers: 2\nsaving_workers: 2\n"
                + "dataset:\n  path: " + dataset + "\n  split: train\n  field: text\n" + extra
                + "tokenizer:\n  path: " + tokenizerDir + "\n");
        return config;
    }

    private DatasetPreparation.Summary prepare(Path config, boolean skipInvalid) throws IOException {
        return new DatasetPreparation(PreparationSettings.read(config), skipInvalid, true, null).run();
    }

    private static final String[] WORDS = {"hello", "world", "training", "naïve", "日本語", "😀", "  ", "\n", "code()",
            "x = 1;", "Привет", "tokens"};

    /** Records with text and valid inclusive character spans, deterministic. */
    private List<Map<String, Object>> records(int count) {
        List<Map<String, Object>> records = new ArrayList<>();
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder();
            int words = 1 + random.nextInt(12);
            for (int w = 0; w < words; w++) {
                text.append(WORDS[random.nextInt(WORDS.length)]).append(w % 3 == 0 ? " " : "");
            }
            int length = text.codePointCount(0, text.length());
            List<Object> spans = new ArrayList<>();
            int position = 0;
            while (position < length && random.nextBoolean()) {
                int begin = position + random.nextInt(Math.max(1, (length - position) / 2 + 1));
                if (begin >= length) {
                    break;
                }
                int end = begin + random.nextInt(Math.max(1, length - begin));
                spans.add(List.of((long) begin, (long) end));
                position = end + 1 + random.nextInt(3);
            }
            Map<String, Object> record = new HashMap<>();
            record.put("text", text.toString());
            record.put("spans", spans);
            record.put("id", (long) i);
            records.add(record);
        }
        return records;
    }

    private static String jsonLines(List<Map<String, Object>> records) {
        StringBuilder out = new StringBuilder();
        for (Map<String, Object> record : records) {
            out.append(Json.write(record)).append('\n');
        }
        return out.toString();
    }

    /** The expected document, computed here independently: a token is masked when any of its characters is. */
    private int[][] expectedDocument(Map<String, Object> record, List<int[]> spansOut) {
        String text = (String) record.get("text");
        Encoding encoding = tokenizer.encode(text, false);
        int n = encoding.size();
        int[] tokens = new int[n + 2];
        tokens[0] = BOS;
        System.arraycopy(encoding.ids(), 0, tokens, 1, n);
        tokens[n + 1] = eos;
        int length = text.codePointCount(0, text.length());
        boolean[] charMasked = new boolean[length];
        for (Object span : (List<?>) record.get("spans")) {
            List<?> pair = (List<?>) span;
            for (long c = (Long) pair.get(0); c <= (Long) pair.get(1); c++) {
                charMasked[(int) c] = true;
            }
        }
        boolean[] masked = new boolean[n + 2];
        masked[0] = length > 0 && charMasked[0];
        masked[n + 1] = length > 0 && charMasked[length - 1];
        for (int t = 0; t < n; t++) {
            for (int c = encoding.starts()[t]; c < encoding.ends()[t]; c++) {
                masked[t + 1] |= charMasked[c];
            }
        }
        for (int i = 0; i < masked.length; i++) {
            if (masked[i]) {
                int j = i;
                while (j + 1 < masked.length && masked[j + 1]) {
                    j++;
                }
                spansOut.add(new int[] {i, j});
                i = j;
            }
        }
        return new int[][] {tokens};
    }

    @Test
    void roundTripGivesBackEveryDocumentWithItsTokensAndSpansInTheRequestedSplits() throws IOException {
        List<Map<String, Object>> records = records(40);
        Path data = dir.resolve("data.jsonl");
        Files.writeString(data, jsonLines(records));
        Path config = config(data.toString(), "  loss_masking_spans: spans\n");
        Files.writeString(config, Files.readString(config) + "splits:\n  training: 0.75\n  validation: 0.25\nseed: 7\n");
        DatasetPreparation.Summary summary = prepare(config, false);
        assertEquals(30, summary.splits().get("training")[0]);
        assertEquals(10, summary.splits().get("validation")[0]);

        // Documents may repeat (short random texts), so compare the multisets of (tokens, spans).
        List<String> expected = new ArrayList<>();
        for (Map<String, Object> record : records) {
            List<int[]> spans = new ArrayList<>();
            int[] tokens = expectedDocument(record, spans)[0];
            expected.add(Arrays.toString(tokens) + " spans " + Arrays.deepToString(spans.toArray(new int[0][])));
        }
        List<String> found = new ArrayList<>();
        for (String split : List.of("training", "validation")) {
            Path yaml = dir.resolve("out/fast_llm_config_" + split + ".yaml");
            try (DocumentDataset dataset = DatasetConfigFile.read(yaml).open()) {
                for (int i = 0; i < dataset.documentCount(); i++) {
                    found.add(Arrays.toString(dataset.tokens(i)) + " spans " + Arrays.deepToString(dataset.spans(i)));
                }
            }
        }
        assertEquals(expected.stream().sorted().toList(), found.stream().sorted().toList());
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".partial")));
        }
    }

    @Test
    void sameSeedGivesIdenticalFilesAndAnotherSeedAnotherOrder() throws IOException {
        Path data = dir.resolve("data.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(data))) {
            out.write(jsonLines(records(30)).getBytes(StandardCharsets.UTF_8));
        }
        Path config = config(data.toString(), "");
        prepare(config, false);
        byte[] first = Files.readAllBytes(dir.resolve("out/dataset.idx"));
        prepare(config, false);
        assertArrayEquals(first, Files.readAllBytes(dir.resolve("out/dataset.idx")));
        Files.writeString(config, Files.readString(config) + "seed: 99\n");
        prepare(config, false);
        assertFalse(Arrays.equals(first, Files.readAllBytes(dir.resolve("out/dataset.idx"))));
        assertTrue(Files.exists(dir.resolve("out/fast_llm_config.yaml")));
    }

    @Test
    void conversationsAreRenderedWithTheChatTemplateAndOnlyAssistantTurnsAreTrained() throws IOException {
        String line = Json.write(Map.of("conversations", List.of(
                Map.of("from", "human", "value", "What is 2+2?"),
                Map.of("from", "gpt", "value", "It is 4."),
                Map.of("from", "human", "value", "And 日本?"),
                Map.of("from", "gpt", "value", "  Japan 🗾 "))));
        Path data = dir.resolve("chat.jsonl");
        Files.writeString(data, line + "\n");
        Path config = config(data.toString(), "");
        Files.writeString(config, Files.readString(config).replace("field: text", "field: conversations"));
        prepare(config, false);
        try (DocumentDataset dataset = DatasetConfigFile.read(dir.resolve("out/fast_llm_config.yaml")).open()) {
            int[] tokens = dataset.tokens(0);
            assertEquals(BOS, tokens[0]);
            assertNotEquals(BOS, tokens[1], "the template's own <|begin_of_text|> is not doubled");
            boolean[] masked = new boolean[tokens.length];
            for (int[] span : dataset.spans(0)) {
                for (int i = span[0]; i <= span[1]; i++) {
                    masked[i] = true;
                }
            }
            int[] trained = java.util.stream.IntStream.range(0, tokens.length).filter(i -> !masked[i])
                    .map(i -> tokens[i]).toArray();
            assertEquals("It is 4.<|eot_id|>Japan 🗾<|eot_id|>", tokenizer.decode(trained, false));
            assertEquals(eos, tokens[tokens.length - 1]);
        }
    }

    @Test
    void malformedRecordNamesFileAndLineAndLeavesNoOutput() throws IOException {
        Path data = dir.resolve("bad.jsonl");
        Files.writeString(data, "{\"text\": \"fine\"}\n{\"text\": \"broken\"\n{\"text\": \"fine again\"}\n");
        PreparationException e = assertThrows(PreparationException.class, () -> prepare(config(data.toString(), ""), false));
        assertTrue(e.getMessage().contains("bad.jsonl:2") && e.getMessage().contains("malformed JSON")
                && e.getMessage().contains("--skip-invalid"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out")));
        assertFalse(Files.exists(dir.resolve("out.partial")));
    }

    @Test
    void skipInvalidSkipsAndCountsBadRecords() throws IOException {
        Path data = dir.resolve("bad.jsonl");
        Files.writeString(data, "{\"text\": \"fine\"}\nnot json\n{\"other\": 1}\n{\"text\": \"fine again\"}\n");
        DatasetPreparation.Summary summary = prepare(config(data.toString(), ""), true);
        assertEquals(2, summary.skipped());
        assertEquals(2, summary.splits().get("dataset")[0]);
        assertTrue(summary.skippedReasons().get(0).contains("bad.jsonl:2"), summary.skippedReasons().toString());
    }

    /** {"text": "ok"}, then a record whose text is Latin-1 (é as the single byte 0xE9), then {"text": "fine"}. */
    private Path latin1Record(String name) throws IOException {
        Path data = dir.resolve(name);
        byte[] bad = "{\"text\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        try (OutputStream out = Files.newOutputStream(data)) {
            out.write("{\"text\": \"ok\"}\n".getBytes(StandardCharsets.UTF_8));
            out.write(bad);
            out.write("\n{\"text\": \"fine\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        return data;
    }

    @Test
    void aRecordThatIsNotUtf8IsAnErrorNamingFileLineAndByte() throws IOException {
        Path data = latin1Record("latin1.jsonl");
        PreparationException e = assertThrows(PreparationException.class, () -> prepare(config(data.toString(), ""), false));
        assertTrue(e.getMessage().contains("latin1.jsonl:2: not UTF-8 text at byte 13 of the line (0xE9)")
                && e.getMessage().contains("--skip-invalid"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void skipInvalidSkipsAndCountsRecordsThatAreNotUtf8InJsonLinesAndText() throws IOException {
        DatasetPreparation.Summary summary = prepare(config(latin1Record("latin1.jsonl").toString(), ""), true);
        assertEquals(1, summary.skipped());
        assertEquals(2, summary.splits().get("dataset")[0]);
        assertTrue(summary.skippedReasons().get(0).contains("latin1.jsonl:2: not UTF-8"), summary.skippedReasons().toString());

        Path text = dir.resolve("latin1.txt");
        Files.write(text, new byte[] {'o', 'k', '\n', 'c', 'a', 'f', (byte) 0xE9, '\n', 'f', 'i', 'n', 'e'});
        summary = prepare(config(text.toString(), ""), true);
        assertEquals(1, summary.skipped());
        assertEquals(2, summary.splits().get("dataset")[0]);
        assertTrue(summary.skippedReasons().get(0).contains("latin1.txt:2: not UTF-8 text at byte 3"),
                summary.skippedReasons().toString());
    }

    @Test
    void linesEndAtLineFeedCarriageReturnOrBoth() throws IOException {
        Path data = dir.resolve("endings.jsonl");
        Files.writeString(data, "{\"text\": \"a\"}\r\n{\"text\": \"b\"}\r{\"text\": \"c\"}\n\r\n  \n{\"text\": \"d\"}");
        DatasetPreparation.Summary summary = prepare(config(data.toString(), ""), false);
        assertEquals(4, summary.records());
        assertEquals(0, summary.skipped());
    }

    @Test
    void anEmptyInputFilePreparesAnEmptyDatasetWithAWarningAndExitCodeZero() throws IOException {
        Path data = dir.resolve("empty.jsonl");
        Files.writeString(data, "\n  \n");
        org.trainbench.engine.cli.CliRun run = org.trainbench.engine.cli.CliRun.cli("prepare", config(data.toString(), "").toString(), "--quiet");
        assertEquals(org.trainbench.engine.cli.ExitCodes.OK, run.exitCode(), run.err());
        assertTrue(run.err().contains("trainbench prepare: warning: " + data + " holds no records (the file is empty or has only"
                + " blank lines)"), run.err());
        assertTrue(run.err().contains("warning: the prepared dataset holds no documents (dataset.path " + data + " has no records)"),
                run.err());
        // Still a complete, consistent dataset: the memmap files and the config that points at them.
        try (DocumentDataset dataset = DatasetConfigFile.read(dir.resolve("out/fast_llm_config.yaml")).open()) {
            assertEquals(0, dataset.documentCount());
        }
    }

    @Test
    void anEmptyFileAmongOthersIsNamedAndTheOthersArePrepared() throws IOException {
        Path data = Files.createDirectories(dir.resolve("shards"));
        Files.writeString(data.resolve("a.jsonl"), "{\"text\": \"one\"}\n{\"text\": \"two\"}\n");
        Files.writeString(data.resolve("b.jsonl"), "");
        DatasetPreparation.Summary summary = prepare(config(data.toString(), ""), false);
        assertEquals(List.of(data.resolve("b.jsonl") + " holds no records (the file is empty or has only blank lines)"),
                summary.warnings());
        assertEquals(2, summary.splits().get("dataset")[0]);
    }

    @Test
    void missingFieldListsTheFieldsThatExist() throws IOException {
        Path data = dir.resolve("d.jsonl");
        Files.writeString(data, "{\"content\": \"x\", \"meta\": 1}\n");
        PreparationException e = assertThrows(PreparationException.class, () -> prepare(config(data.toString(), ""), false));
        assertTrue(e.getMessage().contains("d.jsonl:1") && e.getMessage().contains("'text'")
                && e.getMessage().contains("[content, meta]"), e.getMessage());
    }

    @Test
    void spansOutOfRangeReversedOrOverlappingAreClearErrors() throws IOException {
        Map<String, String> cases = Map.of(
                "[[0, 5]]", "out of range for a text of 5 characters",
                "[[3, 1]]", "is reversed",
                "[[0, 2], [2, 3]]", "overlap",
                "[[0]]", "expected a pair of integers");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path data = dir.resolve("s.jsonl");
            Files.writeString(data, "{\"text\": \"hello\", \"spans\": " + c.getKey() + "}\n");
            PreparationException e = assertThrows(PreparationException.class,
                    () -> prepare(config(data.toString(), "  loss_masking_spans: spans\n"), false));
            assertTrue(e.getMessage().contains(c.getValue()) && e.getMessage().contains("s.jsonl:1"), e.getMessage());
        }
    }

    @Test
    void unreadableTokenizerAndUnknownModelTypeAreClearErrors() throws IOException {
        Path data = dir.resolve("d.jsonl");
        Files.writeString(data, "{\"text\": \"x\"}\n");
        Files.writeString(tokenizerDir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}");
        PreparationException e = assertThrows(PreparationException.class, () -> prepare(config(data.toString(), ""), false));
        assertTrue(e.getMessage().contains("WordPiece") && e.getMessage().contains("tokenizer.json"), e.getMessage());
        Files.writeString(tokenizerDir.resolve("tokenizer.json"), "{\"model\": ");
        e = assertThrows(PreparationException.class, () -> prepare(config(data.toString(), ""), false));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void relativePathsAreReadAgainstTheConfigDirectoryNotTheWorkingDirectory() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("sub/dir"));
        Files.writeString(sub.resolve("corpus.jsonl"), "{\"text\": \"hello world\"}\n");
        Path config = sub.resolve("prepare.yaml");
        Files.writeString(config, "output_path: out\ndataset:\n  path: corpus.jsonl\ntokenizer:\n  path: ../../tokenizer\n");
        PreparationSettings settings = PreparationSettings.read(config);
        assertEquals(sub.resolve("corpus.jsonl"), settings.datasetPath());
        assertEquals(tokenizerDir, settings.tokenizerPath());
        assertEquals(sub.resolve("out"), settings.outputPath());
        // The checker looks where prepare reads: no file-not-found warning for these inputs.
        assertEquals(List.of(), org.trainbench.engine.config.check.ConfigChecker.check(Files.readString(config), config).stream()
                .filter(d -> d.code().equals(org.trainbench.engine.config.check.IssueCodes.FILE_NOT_FOUND)).toList());
    }

    @Test
    void configErrorsNameTheLineAndKey() throws IOException {
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, "output_path: out\ndataset:\n  path: x\n  feild: text\ntokenizer:\n  path: t\n");
        PreparationException e = assertThrows(PreparationException.class, () -> PreparationSettings.read(config));
        assertTrue(e.getMessage().contains("c.yaml:4") && e.getMessage().contains("dataset.feild"), e.getMessage());
    }

    @Test
    void plainTextFilesGiveOneDocumentPerLine() throws IOException {
        Path data = dir.resolve("corpus.txt");
        Files.writeString(data, "first line\nsecond line\n\nfourth");
        DatasetPreparation.Summary summary = prepare(config(data.toString(), ""), false);
        assertEquals(4, summary.splits().get("dataset")[0]);
    }

    @Test
    void truncatedParquetInputIsAClearErrorNamingTheFile() throws IOException {
        // Parquet is read since the columnar readers landed (ColumnarInputTest, ColumnarPreparationTest).
        Path data = dir.resolve("d.parquet");
        Files.writeString(data, "PAR1");
        PreparationException e = assertThrows(PreparationException.class, () -> prepare(config(data.toString(), ""), false));
        assertTrue(e.getMessage().contains("d.parquet") && e.getMessage().contains("Parquet")
                && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void splitSizesFollowRatiosAndKeepSmallSplitsNonEmpty() {
        assertArrayEquals(new int[] {998, 2}, DatasetPreparation.splitSizes(new double[] {0.998, 0.002}, 1000));
        assertArrayEquals(new int[] {9, 1}, DatasetPreparation.splitSizes(new double[] {0.998, 0.002}, 10));
        assertArrayEquals(new int[] {3, 3, 1}, DatasetPreparation.splitSizes(new double[] {1, 1, 0.3}, 7));
    }
}
