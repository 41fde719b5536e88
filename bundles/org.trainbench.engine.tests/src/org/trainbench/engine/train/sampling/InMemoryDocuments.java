package org.trainbench.engine.train.sampling;

import java.util.List;

import org.trainbench.engine.data.DocumentDataset;

/** Documents held in arrays, for sampler tests that state every token. */
record InMemoryDocuments(String name, List<int[]> documents, List<int[][]> documentSpans) implements DocumentDataset {

    static InMemoryDocuments of(int[]... documents) {
        return new InMemoryDocuments("memory", List.of(documents), null);
    }

    @Override
    public int documentCount() {
        return documents.size();
    }

    @Override
    public long tokenCount() {
        return documents.stream().mapToLong(d -> d.length).sum();
    }

    @Override
    public int documentLength(int document) {
        return documents.get(document).length;
    }

    @Override
    public int[] tokens(int document) {
        return documents.get(document).clone();
    }

    @Override
    public void readTokens(int document, int begin, int end, int[] destination, int destinationOffset) {
        System.arraycopy(documents.get(document), begin, destination, destinationOffset, end - begin);
    }

    @Override
    public boolean hasLossMaskingSpans() {
        return documentSpans != null;
    }

    @Override
    public int[][] spans(int document) {
        return documentSpans == null ? new int[0][] : documentSpans.get(document);
    }

    @Override
    public void close() {
    }
}
