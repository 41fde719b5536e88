package org.trainbench.engine.data;

/**
 * A dataset whose token ids are checked against the model's vocabulary as they are read, so a dataset prepared with
 * another tokenizer fails naming its file, document and token, instead of deep inside the embedding. The check costs
 * one comparison per token read; scanning a whole .bin up front would cost a pass over the data.
 */
public final class VocabularyCheckedDataset implements DocumentDataset {
    private final DocumentDataset dataset;
    private final int vocabSize;
    private final String where;

    private VocabularyCheckedDataset(DocumentDataset dataset, int vocabSize, String where) {
        this.dataset = dataset;
        this.vocabSize = vocabSize;
        this.where = where;
    }

    /** {@code dataset}, opened from {@code source}, checked against a vocabulary of {@code vocabSize} ids. */
    public static DocumentDataset of(DatasetSource source, DocumentDataset dataset, int vocabSize) {
        String where = source instanceof DatasetSource.Memmap memmap ? MemmapDataset.dataFile(MemmapDataset.stripSuffix(memmap.prefix()))
                .toString() : "dataset " + dataset.name();
        return new VocabularyCheckedDataset(dataset, vocabSize, where);
    }

    private void check(int document, int[] tokens, int from, int to, int firstPosition) {
        for (int i = from; i < to; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocabSize) {
                throw new IllegalArgumentException(where + ": document " + document + " has token id " + tokens[i]
                        + " at position " + (firstPosition + i - from) + ", outside the model's vocabulary 0.." + (vocabSize - 1)
                        + " (model.base_model.vocab_size " + vocabSize + "): the dataset was prepared with another tokenizer,"
                        + " or vocab_size is too small");
            }
        }
    }

    @Override
    public String name() {
        return dataset.name();
    }

    @Override
    public int documentCount() {
        return dataset.documentCount();
    }

    @Override
    public long tokenCount() {
        return dataset.tokenCount();
    }

    @Override
    public int documentLength(int document) {
        return dataset.documentLength(document);
    }

    @Override
    public int[] tokens(int document) {
        int[] tokens = dataset.tokens(document);
        check(document, tokens, 0, tokens.length, 0);
        return tokens;
    }

    @Override
    public void readTokens(int document, int begin, int end, int[] destination, int destinationOffset) {
        dataset.readTokens(document, begin, end, destination, destinationOffset);
        check(document, destination, destinationOffset, destinationOffset + end - begin, begin);
    }

    @Override
    public boolean hasLossMaskingSpans() {
        return dataset.hasLossMaskingSpans();
    }

    @Override
    public int[][] spans(int document) {
        return dataset.spans(document);
    }

    @Override
    public void close() {
        dataset.close();
    }
}
