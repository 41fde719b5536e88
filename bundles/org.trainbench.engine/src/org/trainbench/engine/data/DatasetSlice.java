package org.trainbench.engine.data;

/**
 * Documents {@code [first, first + count)} of another dataset. Built from fractions as Fast-LLM's {@code slice} does:
 * {@code round(fraction * documentCount)} with Python's round-half-to-even.
 */
public final class DatasetSlice implements DocumentDataset {
    private final DocumentDataset dataset;
    private final int first;
    private final int count;
    private final long tokenCount;

    public DatasetSlice(DocumentDataset dataset, int first, int endExclusive) {
        if (first < 0 || endExclusive < first || endExclusive > dataset.documentCount()) {
            throw new IllegalArgumentException("slice [" + first + ", " + endExclusive + ") outside the "
                    + dataset.documentCount() + " documents of " + dataset.name());
        }
        this.dataset = dataset;
        this.first = first;
        this.count = endExclusive - first;
        long tokens = 0;
        for (int i = 0; i < count; i++) {
            tokens += dataset.documentLength(first + i);
        }
        this.tokenCount = tokens;
    }

    public static DatasetSlice of(DocumentDataset dataset, double begin, double end) {
        if (!(begin >= 0 && begin <= end && end <= 1)) {
            throw new IllegalArgumentException("slice fractions must satisfy 0 <= begin <= end <= 1, got begin " + begin
                    + ", end " + end);
        }
        int size = dataset.documentCount();
        return new DatasetSlice(dataset, (int) Math.rint(begin * size), (int) Math.rint(end * size));
    }

    @Override
    public String name() {
        return dataset.name() + "[" + first + ":" + (first + count) + "]";
    }

    @Override
    public int documentCount() {
        return count;
    }

    @Override
    public long tokenCount() {
        return tokenCount;
    }

    @Override
    public int documentLength(int document) {
        return dataset.documentLength(first + java.util.Objects.checkIndex(document, count));
    }

    @Override
    public int[] tokens(int document) {
        return dataset.tokens(first + java.util.Objects.checkIndex(document, count));
    }

    @Override
    public void readTokens(int document, int begin, int end, int[] destination, int destinationOffset) {
        dataset.readTokens(first + java.util.Objects.checkIndex(document, count), begin, end, destination, destinationOffset);
    }

    @Override
    public boolean hasLossMaskingSpans() {
        return dataset.hasLossMaskingSpans();
    }

    @Override
    public int[][] spans(int document) {
        return dataset.spans(first + java.util.Objects.checkIndex(document, count));
    }

    @Override
    public void close() {
        dataset.close();
    }
}
