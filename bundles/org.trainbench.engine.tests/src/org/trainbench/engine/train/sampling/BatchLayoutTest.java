package org.trainbench.engine.train.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.trainbench.engine.model.SequenceBatch;

class BatchLayoutTest {
    // Two documents (pieces 0 and 1), then padding; token 12 lies in a loss-masking span.
    private static final PackedSequence SAMPLE = new PackedSequence(
            new int[] {5, 6, 7, 11, 12, 13, 0, 0},
            new int[] {0, 0, 0, 1, 1, 1, -1, -1},
            new boolean[] {false, false, false, false, true, false, false, false},
            new int[] {3, 8});

    @Test
    void withoutCrossDocumentAttentionPositionsRestartAndEachDocumentHasItsOwnId() {
        SequenceBatch batch = new BatchLayout(false, true).toBatch(List.of(SAMPLE));
        assertArrayEquals(new int[] {5, 6, 7, 11, 12, 13, 0}, batch.inputTokens()[0]);
        assertArrayEquals(new int[] {6, 7, 11, 12, 13, 0, 0}, batch.targetTokens()[0]);
        assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2, 0}, batch.positions()[0]);
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1, -1}, batch.documentIds()[0]);
    }

    @Test
    void lossSkipsCrossDocumentTargetsSpanTokensAndPadding() {
        SequenceBatch batch = new BatchLayout(false, true).toBatch(List.of(SAMPLE));
        // Targets: 6 7 | 11 (first of next document) | 12 (span) | 13 | pad | pad
        assertArrayEquals(new boolean[] {true, true, false, false, true, false, false}, batch.lossMask()[0]);
        assertEquals(3, batch.countedTargets());
    }

    @Test
    void spansCountWhenLossMaskingSpansAreOff() {
        SequenceBatch batch = new BatchLayout(false, false).toBatch(List.of(SAMPLE));
        assertArrayEquals(new boolean[] {true, true, false, true, true, false, false}, batch.lossMask()[0]);
    }

    @Test
    void withCrossDocumentAttentionTheWholeSequenceIsOneCausalRun() {
        SequenceBatch batch = new BatchLayout(true, true).toBatch(List.of(SAMPLE, SAMPLE));
        assertEquals(2, batch.batchSize());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6}, batch.positions()[1]);
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 0}, batch.documentIds()[1]);
        // The prediction across the document boundary is still not counted (as Fast-LLM does).
        assertArrayEquals(new boolean[] {true, true, false, false, true, false, false}, batch.lossMask()[1]);
    }
}
