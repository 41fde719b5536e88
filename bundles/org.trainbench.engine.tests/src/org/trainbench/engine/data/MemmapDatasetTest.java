package org.trainbench.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemmapDatasetTest {

    @TempDir
    Path dir;

    /** Little-endian byte builder, written from the layout in MemmapDataset's javadoc rather than from the writer. */
    private static final class Bytes {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        Bytes u8(int v) {
            out.write(v);
            return this;
        }

        Bytes i16(int v) {
            out.writeBytes(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort((short) v).array());
            return this;
        }

        Bytes i32(int... values) {
            for (int v : values) {
                out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
            }
            return this;
        }

        Bytes i64(long... values) {
            for (long v : values) {
                out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
            }
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    private static final byte[] MAGIC = "MMIDIDX\0\0".getBytes(StandardCharsets.US_ASCII);

    /** Two documents [5, 6, 7] and [9, 10] stored as int32, spans {[0,1]} and {} (version 3, as Fast-LLM writes). */
    private static byte[] versionThreeIndexWithSpans() {
        return new Bytes().raw(MAGIC).i64(3).u8(1).u8(0).u8(4).i64(2).i64(3)
                .i32(3, 2).i64(0, 12).i32(1, 0).i32(0, 1).i64(0, 1, 2).bytes();
    }

    private Path writePair(String name, byte[] index, byte[] data) throws IOException {
        Path prefix = dir.resolve(name);
        Files.write(dir.resolve(name + ".idx"), index);
        Files.write(dir.resolve(name + ".bin"), data);
        return prefix;
    }

    @Test
    void readsHandBuiltVersionThreeIndexWithLossMaskingSpans() throws IOException {
        Path prefix = writePair("v3", versionThreeIndexWithSpans(), new Bytes().i32(5, 6, 7, 9, 10).bytes());
        try (MemmapDataset dataset = MemmapDataset.open(prefix)) {
            assertEquals(3, dataset.version());
            assertEquals(TokenDataType.INT32, dataset.dataType());
            assertEquals(2, dataset.documentCount());
            assertEquals(5, dataset.tokenCount());
            assertEquals(3, dataset.documentLength(0));
            assertEquals(2, dataset.documentLength(1));
            assertArrayEquals(new int[] {5, 6, 7}, dataset.tokens(0));
            assertArrayEquals(new int[] {9, 10}, dataset.tokens(1));
            assertTrue(dataset.hasLossMaskingSpans());
            assertArrayEquals(new int[][] {{0, 1}}, dataset.spans(0));
            assertEquals(0, dataset.spans(1).length);
            int[] middle = new int[4];
            dataset.readTokens(0, 1, 3, middle, 1);
            assertArrayEquals(new int[] {0, 6, 7, 0}, middle);
        }
    }

    @Test
    void readsVersionOneIndexWithUnsignedSixteenBitTokensAndNoSpans() throws IOException {
        byte[] index = new Bytes().raw(MAGIC).i64(1).u8(8).i64(2).i64(3).i32(1, 2).i64(0, 2).i64(0, 1, 2).bytes();
        byte[] data = new Bytes().i16(65535).i16(1).i16(40000).bytes();
        try (MemmapDataset dataset = MemmapDataset.open(writePair("v1", index, data))) {
            assertEquals(TokenDataType.UINT16, dataset.dataType());
            assertArrayEquals(new int[] {65535}, dataset.tokens(0));
            assertArrayEquals(new int[] {1, 40000}, dataset.tokens(1));
            assertFalse(dataset.hasLossMaskingSpans());
            assertEquals(0, dataset.spans(0).length);
        }
    }

    @Test
    void readsVersionTwoSpansOfSeveralDocuments() throws IOException {
        byte[] index = new Bytes().raw(MAGIC).i64(2).u8(1).u8(3).i64(3).i64(4)
                .i32(4, 1, 3).i64(0, 8, 10).i32(2, 0, 1).i32(0, 0, 2, 3).i32(1, 2).i64(0, 1, 2, 3).bytes();
        byte[] data = new Bytes().i16(1).i16(2).i16(3).i16(4).i16(-5).i16(6).i16(7).i16(8).bytes();
        try (MemmapDataset dataset = MemmapDataset.open(writePair("v2", index, data))) {
            assertEquals(TokenDataType.INT16, dataset.dataType());
            assertArrayEquals(new int[] {-5}, dataset.tokens(1));
            assertArrayEquals(new int[][] {{0, 0}, {2, 3}}, dataset.spans(0));
            assertEquals(0, dataset.spans(1).length);
            assertArrayEquals(new int[][] {{1, 2}}, dataset.spans(2));
        }
    }

    @Test
    void writerProducesExactlyTheDocumentedBytes() throws IOException {
        Path prefix = dir.resolve("written");
        try (MemmapDatasetWriter writer = MemmapDatasetWriter.create(prefix, TokenDataType.INT32, true)) {
            writer.add(new int[] {5, 6, 7}, new int[][] {{0, 1}});
            writer.add(new int[] {9, 10}, new int[0][]);
            MemmapDatasetWriter.Summary summary = writer.commit();
            assertEquals(2, summary.documentCount());
            assertEquals(5, summary.tokenCount());
        }
        assertArrayEquals(versionThreeIndexWithSpans(), Files.readAllBytes(dir.resolve("written.idx")));
        assertArrayEquals(new Bytes().i32(5, 6, 7, 9, 10).bytes(), Files.readAllBytes(dir.resolve("written.bin")));
        try (var files = Files.list(dir)) {
            assertEquals(List.of("written.bin", "written.idx"), files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void writerRoundTripsEveryIntegerTypeIncludingEmptyDocuments() throws IOException {
        int[][] documents = {{0, 200, 17}, {}, {255, 1, 2, 3}};
        for (TokenDataType type : List.of(TokenDataType.UINT8, TokenDataType.INT16, TokenDataType.UINT16,
                TokenDataType.INT32, TokenDataType.INT64)) {
            Path prefix = dir.resolve("rt-" + type);
            try (MemmapDatasetWriter writer = MemmapDatasetWriter.create(prefix, type, false)) {
                for (int[] document : documents) {
                    writer.add(document);
                }
                writer.commit();
            }
            try (MemmapDataset dataset = MemmapDataset.open(prefix)) {
                assertEquals(type, dataset.dataType());
                assertEquals(3, dataset.documentCount());
                for (int i = 0; i < documents.length; i++) {
                    assertArrayEquals(documents[i], dataset.tokens(i), type + " document " + i);
                }
            }
        }
    }

    @Test
    void writerRejectsTokenThatDoesNotFitTheDataType() throws IOException {
        try (MemmapDatasetWriter writer = MemmapDatasetWriter.create(dir.resolve("small"), TokenDataType.INT16, false)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> writer.add(new int[] {1, 40000}));
            assertTrue(e.getMessage().contains("40000"), e.getMessage());
        }
    }

    @Test
    void writerRejectsSpanOutsideTheDocumentOrReversed() throws IOException {
        try (MemmapDatasetWriter writer = MemmapDatasetWriter.create(dir.resolve("spans"), TokenDataType.INT32, true)) {
            assertThrows(IllegalArgumentException.class, () -> writer.add(new int[] {1, 2}, new int[][] {{1, 2}}));
            assertThrows(IllegalArgumentException.class, () -> writer.add(new int[] {1, 2}, new int[][] {{1, 0}}));
        }
    }

    @Test
    void closingWithoutCommitLeavesNoFileBehind() throws IOException {
        try (MemmapDatasetWriter writer = MemmapDatasetWriter.create(dir.resolve("abandoned"), TokenDataType.INT32, true)) {
            writer.add(new int[] {1, 2, 3}, new int[][] {{0, 0}});
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    void rejectsFileWithoutMagicNamingTheFile() throws IOException {
        byte[] index = versionThreeIndexWithSpans();
        index[0] = 'X';
        Path prefix = writePair("bad", index, new Bytes().i32(5, 6, 7, 9, 10).bytes());
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> MemmapDataset.open(prefix));
        assertTrue(e.getMessage().contains("bad.idx") && e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void rejectsIndexWhoseDocumentsRunPastTheTokenFile() throws IOException {
        Path prefix = writePair("short", versionThreeIndexWithSpans(), new Bytes().i32(5, 6, 7, 9).bytes());
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> MemmapDataset.open(prefix));
        assertTrue(e.getMessage().contains("document 1"), e.getMessage());
    }

    @Test
    void rejectsTruncatedSpans() throws IOException {
        byte[] index = versionThreeIndexWithSpans();
        byte[] truncated = Arrays.copyOf(index, index.length - 8 * 3 - 6);
        Path prefix = writePair("trunc", truncated, new Bytes().i32(5, 6, 7, 9, 10).bytes());
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> MemmapDataset.open(prefix));
        assertTrue(e.getMessage().contains("spans are truncated"), e.getMessage());
    }

    @Test
    void rejectsUnknownVersion() throws IOException {
        byte[] index = new Bytes().raw(MAGIC).i64(4).u8(0).u8(0).u8(4).i64(0).i64(1).i64(0).bytes();
        Path prefix = writePair("v4", index, new byte[0]);
        DatasetFormatException e = assertThrows(DatasetFormatException.class, () -> MemmapDataset.open(prefix));
        assertTrue(e.getMessage().contains("version 4"), e.getMessage());
    }

    @Test
    void commitWithOrderListsDocumentsInThatOrderWithTheirSpans() throws IOException {
        Path prefix = dir.resolve("ordered");
        try (MemmapDatasetWriter writer = MemmapDatasetWriter.create(prefix, TokenDataType.INT32, true)) {
            writer.add(new int[] {1, 2, 3}, new int[][] {{0, 0}, {2, 2}});
            writer.add(new int[] {4}, new int[0][]);
            writer.add(new int[] {5, 6}, new int[][] {{0, 1}});
            writer.commit(new int[] {2, 0, 1});
        }
        try (MemmapDataset dataset = MemmapDataset.open(prefix)) {
            assertArrayEquals(new int[] {5, 6}, dataset.tokens(0));
            assertArrayEquals(new int[][] {{0, 1}}, dataset.spans(0));
            assertArrayEquals(new int[] {1, 2, 3}, dataset.tokens(1));
            assertArrayEquals(new int[][] {{0, 0}, {2, 2}}, dataset.spans(1));
            assertArrayEquals(new int[] {4}, dataset.tokens(2));
            assertEquals(0, dataset.spans(2).length);
        }
    }

    @Test
    void commitRejectsAnOrderThatIsNotAPermutation() throws IOException {
        try (MemmapDatasetWriter writer = MemmapDatasetWriter.create(dir.resolve("bad-order"), TokenDataType.INT32, false)) {
            writer.add(new int[] {1});
            writer.add(new int[] {2});
            assertThrows(IllegalArgumentException.class, () -> writer.commit(new int[] {1, 1}));
        }
    }

    @Test
    void forVocabularySizePicksFastLlmTypes() {
        assertEquals(TokenDataType.UINT8, TokenDataType.forVocabularySize(255));
        assertEquals(TokenDataType.INT16, TokenDataType.forVocabularySize(256));
        assertEquals(TokenDataType.INT16, TokenDataType.forVocabularySize(32767));
        assertEquals(TokenDataType.INT32, TokenDataType.forVocabularySize(32768));
        assertEquals(TokenDataType.INT32, TokenDataType.forVocabularySize(128256));
    }
}
