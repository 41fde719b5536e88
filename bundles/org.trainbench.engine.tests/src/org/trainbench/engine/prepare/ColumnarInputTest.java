package org.trainbench.engine.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.trainbench.engine.TestFixtures;
import org.trainbench.engine.json.Json;
import org.trainbench.engine.prepare.columnar.ColumnarFileException;
import org.trainbench.engine.prepare.columnar.ColumnarRecords;
import org.trainbench.engine.prepare.columnar.ParquetRecords;

/**
 * Parquet files and Hugging Face save_to_disk directories written by pyarrow 25 (tools/reference/
 * dataset_columnar_fixtures.py) read back, through the preparation's record source, exactly as the same records
 * written as JSON Lines.
 */
class ColumnarInputTest {
    static final List<String> PARQUET_VARIANTS = List.of("snappy_dict_v1_rowgroups", "gzip_plain_v2",
            "uncompressed_dict_v2_pages", "snappy_plain_v1_pages", "gzip_dict_fallback_v1", "snappy_legacy_list_names",
            "zstd_dict_v2_pages", "zstd_plain_v1", "lz4_raw_dict_v1_pages");
    static final List<String> COLUMNS = List.of("id", "text", "spans", "conversations", "source", "score", "flag",
            "n32", "weight");

    @TempDir
    Path dir;

    /** The reference records, as the JSON Lines reader gives them. */
    static List<Map<String, Object>> jsonRecords() throws IOException {
        List<Map<String, Object>> records = new ArrayList<>();
        try (InputRecords in = new InputRecords(List.of(TestFixtures.path("data/parquet/records.jsonl")))) {
            InputRecords.InputRecord record;
            while ((record = in.next()) != null) {
                records.add(record.fields());
            }
        }
        assertEquals(200, records.size());
        return records;
    }

    private static List<InputRecords.InputRecord> readAll(List<Path> files, Set<String> columns) throws IOException {
        List<InputRecords.InputRecord> records = new ArrayList<>();
        try (InputRecords in = new InputRecords(files, columns)) {
            InputRecords.InputRecord record;
            while ((record = in.next()) != null) {
                records.add(record);
            }
        }
        return records;
    }

    private static void assertSameRecords(List<Map<String, Object>> expected, List<InputRecords.InputRecord> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            Map<String, Object> want = new LinkedHashMap<>();
            for (String column : actual.get(i).fields().keySet()) {
                want.put(column, expected.get(i).get(column));
            }
            assertEquals(want, actual.get(i).fields(), "record " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"snappy_dict_v1_rowgroups", "gzip_plain_v2", "uncompressed_dict_v2_pages",
            "snappy_plain_v1_pages", "gzip_dict_fallback_v1", "snappy_legacy_list_names", "zstd_dict_v2_pages",
            "zstd_plain_v1", "lz4_raw_dict_v1_pages"})
    void parquetVariantReadsBackExactlyTheJsonLinesRecords(String variant) throws IOException {
        Path file = TestFixtures.path("data/parquet/" + variant + ".parquet");
        List<Path> files = InputRecords.files(file, "train");
        assertEquals(List.of(file), files);
        assertEquals(200, InputRecords.count(files));
        List<InputRecords.InputRecord> records = readAll(files, null);
        List<Map<String, Object>> expected = jsonRecords();
        for (int i = 0; i < expected.size(); i++) {
            // Full equality, column order included: every column, every type (lists of lists, lists of structs, nulls).
            assertEquals(expected.get(i), records.get(i).fields(), variant + " record " + i);
            assertEquals(COLUMNS, List.copyOf(records.get(i).fields().keySet()));
        }
        assertEquals(file + " row 17", records.get(17).where());
        Map<String, Object> first = records.get(0).fields();
        assertEquals(List.of(List.of(3L, 3L), List.of(11L, 14L), List.of(15L, 15L)), first.get("spans"));
        assertEquals("שלום\nsecond line", first.get("text"));
        assertNull(records.get(5).fields().get("spans"), "row 5 has null spans");
        assertNull(records.get(3).fields().get("source"));
    }

    @Test
    void saveToDiskDirectoryReadsItsShardsInStateOrder() throws IOException {
        Path single = TestFixtures.path("data/arrow/single");
        List<Path> files = InputRecords.files(single, "train");
        assertEquals(List.of(single.resolve("data-00000-of-00002.arrow"), single.resolve("data-00001-of-00002.arrow")),
                files);
        assertEquals(200, InputRecords.count(files));
        List<InputRecords.InputRecord> records = readAll(files, null);
        List<Map<String, Object>> expected = jsonRecords();
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), records.get(i).fields(), "record " + i);
        }
        assertEquals(files.get(1) + " row 0", records.get(100).where(), "rows count per file");
    }

    @Test
    void datasetDictReadsTheConfiguredSplit() throws IOException {
        Path dict = TestFixtures.path("data/arrow/dict");
        List<Map<String, Object>> expected = jsonRecords();
        List<InputRecords.InputRecord> train = readAll(InputRecords.files(dict, "train"), null);
        List<InputRecords.InputRecord> validation = readAll(InputRecords.files(dict, "validation"), null);
        assertSameRecords(expected.subList(0, 160), train);
        assertSameRecords(expected.subList(160, 200), validation);
        assertEquals(40, InputRecords.count(InputRecords.files(dict, "validation")));
    }

    @Test
    void missingSplitOfADatasetDictListsTheSplitsThereAre() {
        PreparationException e = assertThrows(PreparationException.class,
                () -> InputRecords.files(TestFixtures.path("data/arrow/dict"), "test"));
        assertTrue(e.getMessage().contains("[train, validation]") && e.getMessage().contains("'test'")
                && e.getMessage().contains("dataset.split"), e.getMessage());
    }

    @Test
    void largeTypesAndTheArrowFileFormatReadLikeTheStreamFormat() throws IOException {
        List<Map<String, Object>> expected = jsonRecords().subList(0, 50);
        List<InputRecords.InputRecord> large = readAll(List.of(TestFixtures.path("data/arrow/large_types.arrow")), null);
        assertEquals(List.of("id", "text", "spans", "conversations"), List.copyOf(large.get(0).fields().keySet()));
        assertSameRecords(expected, large);
        Path file = TestFixtures.path("data/arrow/ipc_file_format.arrow");
        assertEquals(50, InputRecords.count(List.of(file)));
        List<InputRecords.InputRecord> records = readAll(List.of(file), null);
        for (int i = 0; i < 50; i++) {
            assertEquals(expected.get(i), records.get(i).fields());
        }
    }

    @Test
    void onlySelectedColumnsAreDecodedAndTheOthersKeepTheirNames() throws IOException {
        // delta_id.parquet encodes 'id' with DELTA_BINARY_PACKED, which is not read: unselected, it costs nothing.
        Path file = TestFixtures.path("data/parquet/delta_id.parquet");
        List<InputRecords.InputRecord> records = readAll(List.of(file), Set.of("text", "spans"));
        assertEquals(10, records.size());
        List<Map<String, Object>> expected = jsonRecords();
        for (int i = 0; i < 10; i++) {
            Map<String, Object> fields = records.get(i).fields();
            assertEquals(COLUMNS, List.copyOf(fields.keySet()));
            assertEquals(expected.get(i).get("text"), fields.get("text"));
            assertEquals(expected.get(i).get("spans"), fields.get("spans"));
            assertSame(ColumnarRecords.NOT_READ, fields.get("id"));
        }
        Path arrow = TestFixtures.path("data/arrow/single/data-00000-of-00002.arrow");
        Map<String, Object> first = readAll(List.of(arrow), Set.of("conversations")).get(0).fields();
        assertEquals(expected.get(0).get("conversations"), first.get("conversations"));
        assertSame(ColumnarRecords.NOT_READ, first.get("text"));
    }

    @Test
    void unsupportedEncodingOfASelectedColumnNamesFileColumnAndEncoding() {
        Path file = TestFixtures.path("data/parquet/delta_id.parquet");
        PreparationException e = assertThrows(PreparationException.class, () -> readAll(List.of(file), null));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("column 'id'")
                && e.getMessage().contains("DELTA_BINARY_PACKED"), e.getMessage());
    }

    @Test
    void zstdParquetFromTheHubsUsualWriterReads() throws IOException {
        // Refused until the codecs came from aircompressor (only SNAPPY and GZIP were read).
        List<InputRecords.InputRecord> records = readAll(List.of(TestFixtures.path("data/parquet/zstd.parquet")), null);
        assertSameRecords(jsonRecords().subList(0, 10), records);
    }

    @Test
    void unsupportedCodecNamesFileColumnAndCodec() throws IOException {
        Path file = TestFixtures.path("data/parquet/brotli.parquet");
        assertEquals(10, InputRecords.count(List.of(file)), "the footer is readable; only the pages are not");
        PreparationException e = assertThrows(PreparationException.class, () -> readAll(List.of(file), Set.of("text")));
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("column 'text'")
                && e.getMessage().contains("BROTLI") && e.getMessage().contains("ZSTD"), e.getMessage());
    }

    @Test
    void arrowRecordBatchesCompressedWithZstdOrLz4FrameReadLikeUncompressedOnes() throws IOException {
        List<Map<String, Object>> expected = jsonRecords().subList(0, 50);
        for (String name : List.of("ipc_zstd.arrow", "ipc_lz4_file_format.arrow")) {
            Path file = TestFixtures.path("data/arrow/" + name);
            assertEquals(50, InputRecords.count(List.of(file)), name);
            List<InputRecords.InputRecord> records = readAll(List.of(file), null);
            for (int i = 0; i < 50; i++) {
                assertEquals(expected.get(i), records.get(i).fields(), name + " record " + i);
            }
        }
    }

    private Path corrupted(String fixture, java.util.function.UnaryOperator<byte[]> change) throws IOException {
        byte[] bytes = Files.readAllBytes(TestFixtures.path(fixture));
        Path file = dir.resolve(Path.of(fixture).getFileName());
        Files.write(file, change.apply(bytes));
        return file;
    }

    private static PreparationException failure(Path file) {
        return assertThrows(PreparationException.class, () -> {
            List<Path> files = InputRecords.files(file, null);
            InputRecords.count(files);
            readAll(files, null);
        });
    }

    @Test
    void truncatedParquetFooterIsAClearErrorNamingTheFile() throws IOException {
        Path file = corrupted("data/parquet/gzip_plain_v2.parquet", b -> Arrays.copyOf(b, b.length - 100));
        PreparationException e = failure(file);
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("does not end with the magic "
                + "bytes PAR1") && e.getMessage().contains("truncated"), e.getMessage());
        Path tiny = corrupted("data/parquet/gzip_plain_v2.parquet", b -> Arrays.copyOf(b, 6));
        e = failure(tiny);
        assertTrue(e.getMessage().contains("6 bytes") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void badMagicAndImpossibleFooterLengthAreClearErrors() throws IOException {
        Path file = corrupted("data/parquet/snappy_dict_v1_rowgroups.parquet", b -> {
            b[0] = 'X';
            return b;
        });
        PreparationException e = failure(file);
        assertTrue(e.getMessage().startsWith(file.toString()) && e.getMessage().contains("not a Parquet file"),
                e.getMessage());
        Path length = corrupted("data/parquet/snappy_dict_v1_rowgroups.parquet", b -> {
            b[b.length - 5] = 0x7F; // footer length byte 3: about 2 GB
            return b;
        });
        e = failure(length);
        assertTrue(e.getMessage().startsWith(length.toString()) && e.getMessage().contains("footer length"),
                e.getMessage());
    }

    @Test
    void truncatedOrForeignArrowFilesAreClearErrorsNamingTheFile() throws IOException {
        Path truncated = corrupted("data/arrow/large_types.arrow", b -> Arrays.copyOf(b, b.length / 2));
        PreparationException e = failure(truncated);
        assertTrue(e.getMessage().startsWith(truncated.toString()) && e.getMessage().contains("truncated"),
                e.getMessage());
        Path foreign = dir.resolve("notes.arrow");
        Files.writeString(foreign, "these are not Arrow bytes at all, just text");
        e = failure(foreign);
        assertTrue(e.getMessage().startsWith(foreign.toString()), e.getMessage());
    }

    /** Damaged bytes anywhere give a value or a ColumnarFileException: never another exception, a hang or a huge allocation. */
    @Test
    void damagedBytesAnywhereGiveEitherRecordsOrAClearError() throws IOException {
        for (String fixture : List.of("data/parquet/snappy_dict_v1_rowgroups.parquet", "data/parquet/gzip_plain_v2.parquet",
                "data/arrow/ipc_file_format.arrow")) {
            byte[] original = Files.readAllBytes(TestFixtures.path(fixture));
            Path file = dir.resolve(Path.of(fixture).getFileName());
            for (int position = 0; position < original.length; position += 131) {
                byte[] damaged = original.clone();
                damaged[position] ^= (byte) (0x5A + position);
                Files.write(file, damaged);
                try {
                    readAll(List.of(file), null);
                } catch (PreparationException expected) {
                    assertTrue(expected.getMessage().startsWith(file.toString()), expected.getMessage());
                } catch (RuntimeException | IOException unexpected) {
                    throw new AssertionError(fixture + " damaged at byte " + position + ": " + unexpected, unexpected);
                }
            }
        }
    }

    @Test
    void parquetRowCountComesFromTheFooter() throws IOException {
        assertEquals(200, ParquetRecords.rowCount(TestFixtures.path("data/parquet/uncompressed_dict_v2_pages.parquet")));
        ColumnarFileException e = assertThrows(ColumnarFileException.class,
                () -> ParquetRecords.rowCount(TestFixtures.path("data/parquet/records.jsonl")));
        assertFalse(e.getMessage().isEmpty());
    }

    @Test
    void directoryOfSplitNamedParquetFilesReadsOnlyTheConfiguredSplit() throws IOException {
        Path data = dir.resolve("hub/data");
        Files.createDirectories(data);
        Files.copy(TestFixtures.path("data/parquet/gzip_plain_v2.parquet"), data.resolve("train-00000-of-00001.parquet"));
        Files.copy(TestFixtures.path("data/parquet/brotli.parquet"), data.resolve("validation-00000-of-00001.parquet"));
        assertEquals(List.of(data.resolve("train-00000-of-00001.parquet")), InputRecords.files(dir.resolve("hub"), "train"));
        assertEquals(List.of(data.resolve("validation-00000-of-00001.parquet")),
                InputRecords.files(dir.resolve("hub"), "validation"));
    }
}
