package org.trainbench.engine.data;

import java.util.SplittableRandom;

/**
 * Documents of uniformly random token ids, as Fast-LLM's {@code random} dataset gives for throughput tests: each
 * document is drawn from its index and the seed, so the same index always reads the same tokens. There are
 * {@link #DOCUMENTS} documents; an epoch over them starts over with other sequences, as a shuffled dataset does.
 */
final class RandomDocuments implements DocumentDataset {

    /** Documents in the dataset: enough for long throughput runs, small enough for the sampler's permutations. */
    static final int DOCUMENTS = 1 << 16;

    private final int vocabSize;
    private final int documentLength;
    private final long seed;

    RandomDocuments(int vocabSize, int documentLength, long seed) {
        if (vocabSize < 1 || documentLength < 1) {
            throw new IllegalArgumentException("random dataset: vocabulary " + vocabSize + ", document length " + documentLength);
        }
        this.vocabSize = vocabSize;
        this.documentLength = documentLength;
        this.seed = seed;
    }

    @Override
    public String name() {
        return "random";
    }

    @Override
    public int documentCount() {
        return DOCUMENTS;
    }

    @Override
    public long tokenCount() {
        return (long) DOCUMENTS * documentLength;
    }

    @Override
    public int documentLength(int document) {
        return documentLength;
    }

    @Override
    public int[] tokens(int document) {
        int[] tokens = new int[documentLength];
        readTokens(document, 0, documentLength, tokens, 0);
        return tokens;
    }

    @Override
    public void readTokens(int document, int begin, int end, int[] destination, int destinationOffset) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + document);
        for (int i = 0; i < end; i++) {
            int token = random.nextInt(vocabSize);
            if (i >= begin) {
                destination[destinationOffset + i - begin] = token;
            }
        }
    }

    @Override
    public boolean hasLossMaskingSpans() {
        return false;
    }

    @Override
    public int[][] spans(int document) {
        return new int[0][];
    }

    @Override
    public void close() {
    }
}
