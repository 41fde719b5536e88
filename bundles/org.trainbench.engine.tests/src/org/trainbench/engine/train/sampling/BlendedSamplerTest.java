package org.trainbench.engine.train.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class BlendedSamplerTest {

    private static DocumentPacker constant(int token) {
        return new DocumentPacker(InMemoryDocuments.of(new int[] {token, token, token}), 2, true, 1, Shuffling.DISABLED);
    }

    @Test
    void samplesFollowTheWeightsWithinOneSampleAtEveryPoint() {
        BlendedSampler blend = new BlendedSampler(List.of(constant(1), constant(2)), List.of(3.0, 1.0));
        StringBuilder sources = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            sources.append(blend.next().tokens()[0]);
        }
        // Deficits 0.75*(k+1) - taken_A vs 0.25*(k+1) - taken_B: B is furthest behind at k = 2 and k = 6.
        assertEquals("11211121", sources.toString());
    }

    @Test
    void aRestoredBlendContinuesIdentically() {
        BlendedSampler original = new BlendedSampler(List.of(constant(1), constant(2), constant(3)), List.of(0.5, 0.3, 0.2));
        for (int i = 0; i < 11; i++) {
            original.next();
        }
        BlendedSampler resumed = new BlendedSampler(List.of(constant(1), constant(2), constant(3)), List.of(0.5, 0.3, 0.2));
        resumed.restore(original.position());
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(original.next().tokens(), resumed.next().tokens(), "sample " + (11 + i));
        }
    }
}
