package org.trainbench.engine.data;

import java.util.Arrays;
import java.util.List;

/** Several datasets read as one, in order (Fast-LLM's {@code concatenated}). Closing it closes the parts. */
public final class ConcatenatedDataset implements DocumentDataset {
    private final List<DocumentDataset> parts;
    /** starts[p] = index of the first document of part p; starts[parts] = total. */
    private final int[] starts;
    private final long tokenCount;

    public ConcatenatedDataset(List<DocumentDataset> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a concatenated dataset needs at least one dataset");
        }
        this.parts = List.copyOf(parts);
        starts = new int[parts.size() + 1];
        long tokens = 0;
        for (int p = 0; p < parts.size(); p++) {
            starts[p + 1] = Math.addExact(starts[p], parts.get(p).documentCount());
            tokens += parts.get(p).tokenCount();
        }
        tokenCount = tokens;
    }

    private int part(int document) {
        java.util.Objects.checkIndex(document, starts[starts.length - 1]);
        int found = Arrays.binarySearch(starts, document);
        if (found >= 0) {
            while (found + 1 < starts.length && starts[found + 1] == document) {
                found++; // skip empty parts
            }
            return found;
        }
        return -found - 2;
    }

    @Override
    public String name() {
        return "concatenated" + parts.stream().map(DocumentDataset::name).toList();
    }

    @Override
    public int documentCount() {
        return starts[starts.length - 1];
    }

    @Override
    public long tokenCount() {
        return tokenCount;
    }

    @Override
    public int documentLength(int document) {
        int p = part(document);
        return parts.get(p).documentLength(document - starts[p]);
    }

    @Override
    public int[] tokens(int document) {
        int p = part(document);
        return parts.get(p).tokens(document - starts[p]);
    }

    @Override
    public void readTokens(int document, int begin, int end, int[] destination, int destinationOffset) {
        int p = part(document);
        parts.get(p).readTokens(document - starts[p], begin, end, destination, destinationOffset);
    }

    @Override
    public boolean hasLossMaskingSpans() {
        return parts.stream().anyMatch(DocumentDataset::hasLossMaskingSpans);
    }

    @Override
    public int[][] spans(int document) {
        int p = part(document);
        return parts.get(p).spans(document - starts[p]);
    }

    @Override
    public void close() {
        parts.forEach(DocumentDataset::close);
    }
}
