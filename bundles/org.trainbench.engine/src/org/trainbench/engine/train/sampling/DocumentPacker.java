package org.trainbench.engine.train.sampling;

import java.util.Arrays;

import org.trainbench.engine.data.DocumentDataset;

/**
 * Packs the documents of one indexed dataset into samples of S = sequence_length + 1 tokens, visiting documents epoch
 * after epoch in a seeded order. Two modes, as in Fast-LLM's sampled dataset (fast_llm/data/dataset/sampled.py):
 * <ul>
 * <li><b>truncating</b> ({@code data.truncate_documents: yes}): the documents form one token stream; sample k holds
 * stream tokens {@code [k*(S-1), k*(S-1) + S)}, so the last token of a sample (a target only) is the first input of
 * the next one and documents are cut wherever a sample ends;</li>
 * <li><b>whole documents</b> ({@code truncate_documents: no}): documents are never split. A document that does not fit
 * in the rest of the current sample starts the next one, and the rest is padding. Documents longer than S are skipped
 * altogether; they are counted at construction ({@link #skippedDocuments()}).</li>
 * </ul>
 * The position is {epoch, index of the document in that epoch's order, token offset in it, samples produced}.
 */
public final class DocumentPacker implements SequenceSampler {
    /** Mixes the epoch into the seed, so every epoch has its own permutation. */
    private static final long EPOCH_STRIDE = 0x9E3779B97F4A7C15L;

    private final DocumentDataset dataset;
    private final int sampleSize;
    private final boolean truncate;
    private final long seed;
    private final Shuffling shuffling;
    private final int skippedDocuments;
    private final long skippedTokens;

    private long epoch;
    private int indexInEpoch;
    private int offsetInDocument;
    private long samplesProduced;
    private long orderEpoch = -1;
    private int[] order;

    /**
     * @param dataset        the documents (not closed by the packer)
     * @param sequenceLength {@code batch.sequence_length}; samples hold one token more
     * @param truncate       {@code data.truncate_documents}
     * @param seed           seed of the document order
     * @param shuffling      {@code data.sampling.shuffle}
     * @throws IllegalArgumentException when no document can be used (all empty, or all longer than S without
     *                                  truncation), naming the dataset
     */
    public DocumentPacker(DocumentDataset dataset, int sequenceLength, boolean truncate, long seed, Shuffling shuffling) {
        if (sequenceLength < 1) {
            throw new IllegalArgumentException("batch.sequence_length: expected >= 1 but got " + sequenceLength);
        }
        this.dataset = dataset;
        this.sampleSize = sequenceLength + 1;
        this.truncate = truncate;
        this.seed = seed;
        this.shuffling = shuffling;
        int skipped = 0;
        long skippedTokenCount = 0;
        long usableTokens = 0;
        for (int d = 0; d < dataset.documentCount(); d++) {
            int length = dataset.documentLength(d);
            if (!truncate && length > sampleSize) {
                skipped++;
                skippedTokenCount += length;
            } else {
                usableTokens += length;
            }
        }
        this.skippedDocuments = skipped;
        this.skippedTokens = skippedTokenCount;
        if (usableTokens == 0) {
            throw new IllegalArgumentException("dataset " + dataset.name() + ": no tokens to sample from"
                    + (skipped > 0 ? ": all " + skipped + " documents are longer than sequence_length + 1 = " + sampleSize
                            + " tokens and data.truncate_documents is off; raise batch.sequence_length or set data.truncate_documents: yes"
                            : " (" + dataset.documentCount() + " documents, all empty)"));
        }
    }

    /** Documents longer than sequence_length + 1 that are never used (always 0 when truncating). */
    @Override
    public long skippedDocuments() {
        return skippedDocuments;
    }

    /** Tokens in the skipped documents. */
    public long skippedTokens() {
        return skippedTokens;
    }

    public int sampleSize() {
        return sampleSize;
    }

    @Override
    public long samplesProduced() {
        return samplesProduced;
    }

    @Override
    public String description() {
        String text = "dataset " + dataset.name() + ": " + dataset.documentCount() + " documents, " + dataset.tokenCount()
                + " tokens, samples of " + sampleSize + " tokens, " + (truncate ? "documents truncated at sample ends"
                        : "whole documents, padded");
        if (skippedDocuments > 0) {
            text += "; " + skippedDocuments + "/" + dataset.documentCount() + " documents (" + skippedTokens
                    + " tokens) are longer than " + sampleSize + " tokens and are skipped";
        }
        return text;
    }

    @Override
    public long[] position() {
        return new long[] {epoch, indexInEpoch, offsetInDocument, samplesProduced};
    }

    @Override
    public void restore(long[] position) {
        if (position.length != 4 || position[0] < 0 || position[1] < 0 || position[1] >= Math.max(1, dataset.documentCount())
                || position[2] < 0 || position[3] < 0) {
            throw new IllegalArgumentException("dataset " + dataset.name() + ": saved data position " + Arrays.toString(position)
                    + " does not fit this dataset of " + dataset.documentCount() + " documents");
        }
        epoch = position[0];
        indexInEpoch = (int) position[1];
        offsetInDocument = (int) position[2];
        samplesProduced = position[3];
        if (offsetInDocument > dataset.documentLength(currentDocument())) {
            throw new IllegalArgumentException("dataset " + dataset.name() + ": saved data position " + Arrays.toString(position)
                    + " points past the end of document " + currentDocument());
        }
    }

    @Override
    public PackedSequence next() {
        int[] tokens = new int[sampleSize];
        int[] pieces = new int[sampleSize];
        boolean[] inSpan = new boolean[sampleSize];
        Arrays.fill(pieces, -1);
        int[] documents = new int[sampleSize];
        int pieceCount = truncate ? fillTruncating(tokens, pieces, inSpan, documents) : fillWholeDocuments(tokens, pieces, inSpan, documents);
        samplesProduced++;
        return new PackedSequence(tokens, pieces, inSpan, Arrays.copyOf(documents, pieceCount));
    }

    private int fillTruncating(int[] tokens, int[] pieces, boolean[] inSpan, int[] documents) {
        int filled = 0;
        int piece = 0;
        // Where the sample's last token comes from: the next sample starts there.
        long nextEpoch = 0;
        int nextIndex = 0;
        int nextOffset = 0;
        while (filled < sampleSize) {
            int document = currentDocument();
            int length = dataset.documentLength(document);
            int take = Math.min(sampleSize - filled, length - offsetInDocument);
            if (take > 0) {
                copyPiece(document, offsetInDocument, take, filled, piece, tokens, pieces, inSpan);
                documents[piece] = document;
                if (filled + take == sampleSize) {
                    nextEpoch = epoch;
                    nextIndex = indexInEpoch;
                    nextOffset = offsetInDocument + take - 1;
                }
                filled += take;
                piece++;
            }
            if (offsetInDocument + take >= length) {
                advanceDocument();
            } else {
                offsetInDocument += take;
            }
        }
        epoch = nextEpoch;
        indexInEpoch = nextIndex;
        offsetInDocument = nextOffset;
        return piece;
    }

    private int fillWholeDocuments(int[] tokens, int[] pieces, boolean[] inSpan, int[] documents) {
        int filled = 0;
        int piece = 0;
        while (filled < sampleSize) {
            int document = currentDocument();
            int length = dataset.documentLength(document);
            if (length == 0 || length > sampleSize) {
                advanceDocument();
                continue;
            }
            if (filled + length > sampleSize) {
                break;
            }
            copyPiece(document, 0, length, filled, piece, tokens, pieces, inSpan);
            documents[piece] = document;
            filled += length;
            piece++;
            advanceDocument();
        }
        return piece;
    }

    private void copyPiece(int document, int begin, int count, int at, int piece, int[] tokens, int[] pieces, boolean[] inSpan) {
        dataset.readTokens(document, begin, begin + count, tokens, at);
        Arrays.fill(pieces, at, at + count, piece);
        if (dataset.hasLossMaskingSpans()) {
            for (int[] span : dataset.spans(document)) {
                // Spans are inclusive [begin, end] positions inside the document.
                int from = Math.max(span[0], begin);
                int to = Math.min(span[1] + 1, begin + count);
                for (int p = from; p < to; p++) {
                    inSpan[at + p - begin] = true;
                }
            }
        }
    }

    private void advanceDocument() {
        offsetInDocument = 0;
        indexInEpoch++;
        if (indexInEpoch == dataset.documentCount()) {
            indexInEpoch = 0;
            epoch++;
        }
    }

    private int currentDocument() {
        boolean shuffled = switch (shuffling) {
            case EPOCH -> true;
            case SKIP_FIRST_EPOCH -> epoch > 0;
            case DISABLED -> false;
        };
        if (!shuffled) {
            return indexInEpoch;
        }
        if (orderEpoch != epoch) {
            order = permutation(dataset.documentCount(), new SplitMix64(seed + EPOCH_STRIDE * (epoch + 1)));
            orderEpoch = epoch;
        }
        return order[indexInEpoch];
    }

    /** Fisher-Yates with a seeded generator: the same seed gives the same order on every machine and JDK. */
    static int[] permutation(int n, SplitMix64 random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
