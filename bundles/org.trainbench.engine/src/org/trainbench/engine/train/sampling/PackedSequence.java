package org.trainbench.engine.train.sampling;

/**
 * One sample: {@code sequence_length + 1} tokens (the inputs and, shifted by one, their targets), with the
 * document piece each token comes from and whether it lies inside a loss-masking span.
 *
 * @param tokens   token ids, length S = sequence_length + 1; 0 where {@code pieces} is -1
 * @param pieces   for each token, the index (0, 1, ...) of the document piece it belongs to in this sample,
 *                 -1 for padding (only without truncation)
 * @param inSpan   for each token, whether it lies inside one of its document's loss-masking spans
 * @param documents for each piece, the document's index in its dataset (for tests and diagnostics)
 */
public record PackedSequence(int[] tokens, int[] pieces, boolean[] inSpan, int[] documents) {

    public PackedSequence {
        if (pieces.length != tokens.length || inSpan.length != tokens.length) {
            throw new IllegalArgumentException("tokens, pieces and inSpan must have the same length");
        }
    }

    /** S, the number of tokens (sequence_length + 1). */
    public int size() {
        return tokens.length;
    }

    /** Tokens that are not padding. */
    public int realTokens() {
        int n = 0;
        for (int p : pieces) {
            if (p >= 0) {
                n++;
            }
        }
        return n;
    }
}
