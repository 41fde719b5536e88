package org.trainbench.engine.data;

/**
 * An indexed collection of tokenized documents with optional loss-masking spans: what the trainer samples from.
 * Implemented by {@link MemmapDataset} and by the slice and concatenation views that dataset config files describe.
 */
public interface DocumentDataset extends AutoCloseable {

    /** A short name for messages (usually the file prefix). */
    String name();

    int documentCount();

    /** Total tokens over all documents. */
    long tokenCount();

    /** Tokens in document {@code document}. */
    int documentLength(int document);

    /** The token ids of a document. */
    int[] tokens(int document);

    /** Copies tokens {@code [begin, end)} of a document into {@code destination} at {@code destinationOffset}. */
    void readTokens(int document, int begin, int end, int[] destination, int destinationOffset);

    /** Whether the dataset carries loss-masking spans (documents may still have none). */
    boolean hasLossMaskingSpans();

    /**
     * Loss-masking spans of a document as {@code [begin, end]} token positions, both inclusive, as Fast-LLM stores them:
     * the loss is not computed on these tokens. Empty when the dataset has no spans.
     */
    int[][] spans(int document);

    @Override
    void close();
}
