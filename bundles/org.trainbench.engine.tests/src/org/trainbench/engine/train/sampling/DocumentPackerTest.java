package org.trainbench.engine.train.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

import org.junit.jupiter.api.Test;

class DocumentPackerTest {

    private static int[] range(int from, int count) {
        int[] tokens = new int[count];
        for (int i = 0; i < count; i++) {
            tokens[i] = from + i;
        }
        return tokens;
    }

    @Test
    void truncatingPacksOneTokenStreamAndRepeatsEachSampleLastTokenAsTheNextFirst() {
        InMemoryDocuments docs = InMemoryDocuments.of(range(0, 5), range(10, 3), range(20, 10));
        DocumentPacker packer = new DocumentPacker(docs, 4, true, 1, Shuffling.DISABLED);
        PackedSequence first = packer.next();
        PackedSequence second = packer.next();
        PackedSequence third = packer.next();
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, first.tokens());
        assertArrayEquals(new int[] {4, 10, 11, 12, 20}, second.tokens());
        assertArrayEquals(new int[] {0, 1, 1, 1, 2}, second.pieces());
        assertArrayEquals(new int[] {0, 1, 2}, second.documents());
        assertArrayEquals(new int[] {20, 21, 22, 23, 24}, third.tokens());
        assertEquals(0, packer.skippedDocuments());
    }

    @Test
    void wholeDocumentsAreNeverSplitAndTheRestOfASampleIsPadding() {
        InMemoryDocuments docs = InMemoryDocuments.of(range(0, 3), range(10, 4), range(20, 2), range(30, 7));
        DocumentPacker packer = new DocumentPacker(docs, 4, false, 1, Shuffling.DISABLED);
        PackedSequence first = packer.next();
        assertArrayEquals(new int[] {0, 1, 2, 0, 0}, first.tokens());
        assertArrayEquals(new int[] {0, 0, 0, -1, -1}, first.pieces());
        PackedSequence second = packer.next();
        assertArrayEquals(new int[] {10, 11, 12, 13, 0}, second.tokens());
        assertArrayEquals(new int[] {0, 0, 0, 0, -1}, second.pieces());
        // Document 3 (7 tokens > 5) is skipped; the next epoch's first document fills the sample exactly.
        PackedSequence third = packer.next();
        assertArrayEquals(new int[] {20, 21, 0, 1, 2}, third.tokens());
        assertArrayEquals(new int[] {0, 0, 1, 1, 1}, third.pieces());
        assertArrayEquals(new int[] {2, 0}, third.documents());
    }

    @Test
    void documentsLongerThanASampleAreCountedAndReported() {
        InMemoryDocuments docs = InMemoryDocuments.of(range(0, 3), range(10, 6), range(20, 9), range(30, 5));
        DocumentPacker packer = new DocumentPacker(docs, 4, false, 1, Shuffling.EPOCH);
        assertEquals(2, packer.skippedDocuments());
        assertEquals(15, packer.skippedTokens());
        assertTrue(packer.description().contains("2/4 documents (15 tokens) are longer than 5 tokens and are skipped"), packer.description());
        for (int i = 0; i < 20; i++) {
            PackedSequence sample = packer.next();
            for (int document : sample.documents()) {
                assertTrue(document == 0 || document == 3, "only documents that fit are used, got " + document);
            }
        }
    }

    @Test
    void aDatasetWhoseDocumentsAllExceedTheSampleIsRejectedNamingItAndTheFix() {
        InMemoryDocuments docs = new InMemoryDocuments("chat_validation", List.<int[]>of(range(0, 9), range(0, 12)), null);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new DocumentPacker(docs, 4, false, 1, Shuffling.EPOCH));
        assertTrue(error.getMessage().contains("chat_validation"), error.getMessage());
        assertTrue(error.getMessage().contains("data.truncate_documents"), error.getMessage());
    }

    @Test
    void everyEpochVisitsEachDocumentOnceInASeedDependentOrder() {
        int[][] documents = new int[20][];
        for (int d = 0; d < documents.length; d++) {
            documents[d] = range(100 * d, 5);
        }
        InMemoryDocuments docs = InMemoryDocuments.of(documents);
        List<Integer> orderA = firstDocuments(new DocumentPacker(docs, 4, false, 42, Shuffling.EPOCH), 40);
        List<Integer> orderAgain = firstDocuments(new DocumentPacker(docs, 4, false, 42, Shuffling.EPOCH), 40);
        List<Integer> orderB = firstDocuments(new DocumentPacker(docs, 4, false, 43, Shuffling.EPOCH), 40);
        assertEquals(orderA, orderAgain, "same seed, same order");
        assertNotEquals(orderA, orderB, "another seed, another order");
        assertEquals(20, new HashSet<>(orderA.subList(0, 20)).size(), "epoch 1 is a permutation");
        assertEquals(20, new HashSet<>(orderA.subList(20, 40)).size(), "epoch 2 is a permutation");
        assertNotEquals(orderA.subList(0, 20), orderA.subList(20, 40), "each epoch has its own order");
        List<Integer> skipFirst = firstDocuments(new DocumentPacker(docs, 4, false, 42, Shuffling.SKIP_FIRST_EPOCH), 21);
        assertEquals(19, skipFirst.get(19), "the first epoch is in dataset order");
        assertEquals(List.of(0, 1, 2, 3, 4), skipFirst.subList(0, 5));
    }

    @Test
    void aRestoredPackerContinuesExactlyWhereTheOriginalStood() {
        int[][] documents = new int[9][];
        for (int d = 0; d < documents.length; d++) {
            documents[d] = range(10 * d, 1 + (d * 7) % 6);
        }
        for (boolean truncate : new boolean[] {true, false}) {
            InMemoryDocuments docs = InMemoryDocuments.of(documents);
            DocumentPacker original = new DocumentPacker(docs, 4, truncate, 7, Shuffling.EPOCH);
            for (int i = 0; i < 7; i++) {
                original.next();
            }
            long[] position = original.position();
            DocumentPacker resumed = new DocumentPacker(docs, 4, truncate, 7, Shuffling.EPOCH);
            resumed.restore(position);
            for (int i = 0; i < 12; i++) {
                PackedSequence expected = original.next();
                PackedSequence actual = resumed.next();
                assertArrayEquals(expected.tokens(), actual.tokens(), "truncate=" + truncate + " sample " + i);
                assertArrayEquals(expected.pieces(), actual.pieces(), "truncate=" + truncate + " sample " + i);
            }
            assertEquals(19, resumed.samplesProduced());
        }
    }

    @Test
    void aPositionFromAnotherDatasetIsRejected() {
        DocumentPacker packer = new DocumentPacker(InMemoryDocuments.of(range(0, 3)), 4, true, 1, Shuffling.EPOCH);
        assertThrows(IllegalArgumentException.class, () -> packer.restore(new long[] {0, 5, 0, 3}));
    }

    @Test
    void spanTokensAreFlaggedAcrossPieceBoundaries() {
        InMemoryDocuments docs = new InMemoryDocuments("spans", List.of(range(0, 6), range(10, 6)),
                List.of(new int[][] {{0, 2}}, new int[][] {{1, 1}, {4, 5}}));
        DocumentPacker packer = new DocumentPacker(docs, 3, true, 1, Shuffling.DISABLED);
        PackedSequence first = packer.next();
        assertArrayEquals(new boolean[] {true, true, true, false}, first.inSpan());
        PackedSequence second = packer.next();
        // Stream tokens 3..6: document 0 positions 3, 4, 5, then document 1 position 0.
        assertArrayEquals(new boolean[] {false, false, false, false}, second.inSpan());
        PackedSequence third = packer.next();
        // Document 1 positions 0..3.
        assertArrayEquals(new boolean[] {false, true, false, false}, third.inSpan());
        PackedSequence fourth = packer.next();
        // Document 1 positions 3, 4, 5, then document 0 position 0 of the next epoch.
        assertArrayEquals(new boolean[] {false, true, true, true}, fourth.inSpan());
        assertFalse(fourth.pieces()[2] == fourth.pieces()[3]);
    }

    private static List<Integer> firstDocuments(DocumentPacker packer, int samples) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            order.add(packer.next().documents()[0]);
        }
        return order;
    }

}
